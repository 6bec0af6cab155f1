import logging

import pytest

from notifications.channels.base import DeliveryError
from notifications.channels.email.adapter import EmailAdapter
from notifications.channels.message import Message, MessageField, message_example
from notifications.channels.sms.adapter import SmsAdapter
from notifications.channels.voice.adapter import VoiceAdapter

CONTACT = {"contact": {"name": "Alice", "mobile": "13800001111", "email": "alice@example.com"}}


def test_an_email_has_a_text_and_an_html_part_to_the_contact(mailoutbox):
    result = EmailAdapter().send(message_example(), CONTACT, {})
    [email] = mailoutbox
    assert email.to == ["alice@example.com"] and email.subject.startswith("[PAI]")
    assert "demo-model" in email.body
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html" and "<table>" in html
    assert "alice@example.com" not in result.request_url


def test_names_are_escaped_in_the_html_part(mailoutbox):
    message = Message(title="<script>x</script>", summary="", link="http://c/1", event_id="e", event_type="t",
                      fields=(MessageField("Resource", "<b>job</b>"),))
    EmailAdapter().send(message, CONTACT, {})
    html = mailoutbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;b&gt;job&lt;/b&gt;" in html


def test_a_contact_without_an_email_is_a_permanent_failure():
    with pytest.raises(DeliveryError) as caught:
        EmailAdapter().send(message_example(), {"contact": {"name": "x", "email": ""}}, {})
    assert caught.value.permanent


def test_an_unreachable_mail_server_is_retryable(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    with pytest.raises(DeliveryError) as caught:
        EmailAdapter().send(message_example(), CONTACT, {})
    assert caught.value.permanent is False


def test_the_logging_provider_logs_a_masked_number_and_succeeds(settings, caplog):
    settings.TELEPHONY_PROVIDER = "logging"
    with caplog.at_level(logging.INFO, logger="notifications.channels.telephony"):
        result = SmsAdapter().send(message_example(), CONTACT, {})
    assert "138****1111" in caplog.text and "13800001111" not in caplog.text
    assert "logged" in result.detail


@pytest.fixture
def aliyun(fake_aliyun_telephony):
    return fake_aliyun_telephony


def test_the_aliyun_provider_sends_a_signed_send_sms(aliyun):
    result = SmsAdapter().send(message_example(), CONTACT, {})
    assert result.provider_code == "OK"
    [request] = aliyun.accepted
    assert request.query["Action"] == "SendSms" and request.query["PhoneNumbers"] == "13800001111"
    assert request.query["TemplateCode"] == "SMS_123" and request.query["SignatureMethod"] == "HMAC-SHA1"
    assert "13800001111" not in result.request_url


def test_the_aliyun_provider_places_a_tts_voice_call(aliyun):
    assert VoiceAdapter().send(message_example(), CONTACT, {}).provider_code == "OK"
    assert aliyun.accepted[0].query["Action"] == "SingleCallByTts"


def test_a_wrong_access_key_secret_is_permanent(aliyun, settings):
    settings.TELEPHONY_ACCESS_KEY_SECRET = "wrong"
    with pytest.raises(DeliveryError) as caught:
        SmsAdapter().send(message_example(), CONTACT, {})
    assert (caught.value.provider_code, caught.value.permanent) == ("SignatureDoesNotMatch", True)


def test_throttling_is_retryable(aliyun):
    aliyun.fail_with_code("isv.BUSINESS_LIMIT_CONTROL")
    with pytest.raises(DeliveryError) as caught:
        SmsAdapter().send(message_example(), CONTACT, {})
    assert (caught.value.provider_code, caught.value.permanent) == ("isv.BUSINESS_LIMIT_CONTROL", False)
