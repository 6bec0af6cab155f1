"""Fixtures for the fakes (register with `pytest_plugins = ["tests.fakes.fixtures"]`).

`outbound_to_fakes` admits 127.0.0.1 through the SSRF guard and as a chat webhook host; every fake
fixture uses it. Each fake is started for the test and stopped after it.
"""

from __future__ import annotations

import pytest

from .dingtalk import FakeDingTalk
from .eas_api import FakeEasApi
from .http_receiver import FakeHttpReceiver
from .lark import FakeLark
from .wecom import FakeWeCom


@pytest.fixture
def outbound_to_fakes(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1"]
    return settings


def _started(fake):
    fake.start()
    return fake


@pytest.fixture
def fake_dingtalk(outbound_to_fakes):
    fake = _started(FakeDingTalk())
    yield fake
    fake.stop()


@pytest.fixture
def fake_wecom(outbound_to_fakes):
    fake = _started(FakeWeCom())
    yield fake
    fake.stop()


@pytest.fixture
def fake_lark(outbound_to_fakes):
    fake = _started(FakeLark())
    yield fake
    fake.stop()


@pytest.fixture
def fake_http_receiver(outbound_to_fakes):
    fake = _started(FakeHttpReceiver())
    yield fake
    fake.stop()


@pytest.fixture
def fake_eas_api(outbound_to_fakes):
    fake = _started(FakeEasApi(token="eas-test-token"))
    settings = outbound_to_fakes
    settings.EAS_API_URL = fake.base_url
    settings.EAS_API_TOKEN = fake.token
    yield fake
    fake.stop()
