# Until tests/conftest.py registers the fakes' plugin (pytest_plugins), import its fixtures here.
from tests.fakes.fixtures import (  # noqa: F401
    fake_dingtalk,
    fake_eas_api,
    fake_http_receiver,
    fake_lark,
    fake_wecom,
    outbound_to_fakes,
)
