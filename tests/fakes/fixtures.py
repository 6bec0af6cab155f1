"""Fixtures for the fakes (register with `pytest_plugins = ["tests.fakes.fixtures"]`).

`outbound_to_fakes` admits 127.0.0.1 through the SSRF guard and as a chat webhook host; every fake
fixture uses it. Each fake is started for the test and stopped after it. Each channel package names
the fixture that plays its receiver (`Channel.fake`); email's is pytest-django's `mailoutbox`.
"""

from __future__ import annotations

import pytest

from .aliyun_telephony import FakeAliyunTelephony
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


@pytest.fixture
def fake_aliyun_telephony(outbound_to_fakes):
    """Alibaba Cloud's SMS and voice APIs, with the telephony settings pointing at it."""
    fake = _started(FakeAliyunTelephony(access_key_id="LTAI-test", access_key_secret="s3cret"))
    settings = outbound_to_fakes
    settings.TELEPHONY_PROVIDER = "aliyun"
    settings.TELEPHONY_API_URL = fake.base_url + "/"
    settings.TELEPHONY_ACCESS_KEY_ID, settings.TELEPHONY_ACCESS_KEY_SECRET = "LTAI-test", "s3cret"
    settings.TELEPHONY_SIGN_NAME, settings.TELEPHONY_SMS_TEMPLATE = "PAI", "SMS_123"
    settings.TELEPHONY_VOICE_TEMPLATE = "TTS_456"
    yield fake
    fake.stop()
