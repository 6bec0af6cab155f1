import base64
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest

from notifications.channels.base import DeliveryError, SendContext
from notifications.channels.dingtalk.adapter import DingTalkAdapter, sign, signed_url
from notifications.channels.dingtalk.renderer import render
from notifications.channels.message import Message, MessageField, message_example

SECRET = "SEC" + "a1b2c3d4" * 8


def test_the_signature_is_hmac_of_timestamp_newline_secret_keyed_by_the_secret_base64_then_url_encoded():
    timestamp = 1700000000123
    digest = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    raw = base64.b64encode(digest).decode()
    url = signed_url("https://oapi.dingtalk.com/robot/send?access_token=abc", SECRET, timestamp)
    query = parse_qs(urlsplit(url).query)
    assert query["timestamp"] == ["1700000000123"]
    assert query["sign"] == [raw]  # one URL-decoding gives the Base64 back: encoded exactly once
    assert sign(SECRET, timestamp) != raw or "%" not in sign(SECRET, timestamp)


def test_a_signed_markdown_message_reaches_the_bot(fake_dingtalk):
    bot = fake_dingtalk.add_bot(secret=SECRET)
    result = DingTalkAdapter().send(message_example(), {}, {"webhook": bot.webhook, "signing_key": SECRET},
                                    SendContext(delivery_id=7))
    assert result.provider_code == "0"
    [received] = fake_dingtalk.messages_for(bot)
    assert received.json["msgtype"] == "markdown"
    assert "demo-model" in received.json["markdown"]["text"]
    assert received.json["msgUuid"].endswith("-7")
    assert "sign=••••••" in result.request_url and bot.token not in result.request_url


def test_a_wrong_secret_is_refused_with_310000_and_is_permanent(fake_dingtalk):
    bot = fake_dingtalk.add_bot(secret=SECRET)
    with pytest.raises(DeliveryError) as caught:
        DingTalkAdapter().send(message_example(), {}, {"webhook": bot.webhook, "signing_key": SECRET + "x"})
    assert caught.value.provider_code == "310000"
    assert caught.value.permanent is True
    assert caught.value.http_status == 200
    assert "sign not match" in caught.value.message


def test_a_signature_encoded_twice_is_refused(fake_dingtalk):
    bot = fake_dingtalk.add_bot(secret=SECRET)
    from urllib.parse import quote_plus

    from notifications.channels.outbound import outbound_request

    url = signed_url(bot.webhook, SECRET)
    head, _, encoded = url.partition("&sign=")
    answer = outbound_request("POST", f"{head}&sign={quote_plus(encoded)}", body=b'{"msgtype":"text","text":{}}',
                              headers={"Content-Type": "application/json"})
    assert answer.status == 200 and b"310000" in answer.body


def test_a_timestamp_over_an_hour_old_is_refused(fake_dingtalk):
    import time

    from notifications.channels.outbound import outbound_request

    bot = fake_dingtalk.add_bot(secret=SECRET)
    stale = int(time.time() * 1000) - 3601 * 1000
    answer = outbound_request("POST", signed_url(bot.webhook, SECRET, stale), body=b"{}",
                              headers={"Content-Type": "application/json"})
    assert b'"errcode": 310000' in answer.body and b"invalid timestamp" in answer.body


def test_an_unknown_token_is_a_permanent_failure(fake_dingtalk):
    webhook = f"{fake_dingtalk.base_url}/robot/send?access_token=nope"
    with pytest.raises(DeliveryError) as caught:
        DingTalkAdapter().send(message_example(), {}, {"webhook": webhook})
    assert (caught.value.provider_code, caught.value.permanent) == ("300001", True)


def test_a_missing_keyword_is_a_permanent_failure(fake_dingtalk):
    bot = fake_dingtalk.add_bot(keywords=("ALERT",))
    with pytest.raises(DeliveryError) as caught:
        DingTalkAdapter().send(message_example(), {}, {"webhook": bot.webhook})
    assert caught.value.provider_code == "310000" and caught.value.permanent


def test_the_pai_keyword_is_in_every_message(fake_dingtalk):
    bot = fake_dingtalk.add_bot(keywords=("PAI",))
    assert DingTalkAdapter().send(message_example(), {}, {"webhook": bot.webhook}).provider_code == "0"


def test_sending_too_fast_is_retryable_with_the_bots_penalty_as_wait(fake_dingtalk):
    bot = fake_dingtalk.add_bot()
    fake_dingtalk.fail_with(130101, seconds=5)
    with pytest.raises(DeliveryError) as caught:
        DingTalkAdapter().send(message_example(), {}, {"webhook": bot.webhook})
    assert caught.value.provider_code == "130101"
    assert caught.value.permanent is False
    # DingTalk throttles a robot for 10 minutes once it passes 20 a minute (PROTOCOLS.md 1.6).
    assert (caught.value.retry_after, caught.value.klass) == (600.0, "throttled")


def test_the_twenty_first_message_in_a_minute_gets_130101(fake_dingtalk):
    bot = fake_dingtalk.add_bot()
    for _ in range(20):
        DingTalkAdapter().send(message_example(), {}, {"webhook": bot.webhook})
    with pytest.raises(DeliveryError) as caught:
        DingTalkAdapter().send(message_example(), {}, {"webhook": bot.webhook})
    assert caught.value.provider_code == "130101"


def test_past_twenty_a_minute_the_fake_robot_refuses_everything_for_ten_minutes_on_its_own_clock(outbound_to_fakes):
    from tests.fakes.dingtalk import FakeDingTalk

    now = [1000.0]
    with FakeDingTalk(clock=lambda: now[0]) as fake:
        bot = fake.add_bot()
        for second in range(21):  # one a second: the 21st is within the minute
            now[0] = 1000.0 + second
            try:
                DingTalkAdapter().send(message_example(), {}, {"webhook": bot.webhook})
            except DeliveryError as error:
                assert (second, error.provider_code) == (20, "130101")
        now[0] = 1000.0 + 120  # the minute has passed, but the 10-minute penalty has not
        with pytest.raises(DeliveryError):
            DingTalkAdapter().send(message_example(), {}, {"webhook": bot.webhook})
        now[0] = 1020.0 + 601
        DingTalkAdapter().send(message_example(), {}, {"webhook": bot.webhook})
        assert (len(fake.accepted), len(fake.throttled)) == (21, 2)


def test_a_server_error_is_retryable(fake_dingtalk):
    bot = fake_dingtalk.add_bot()
    fake_dingtalk.fail_next(1, status=503, headers={"Retry-After": "7"})
    with pytest.raises(DeliveryError) as caught:
        DingTalkAdapter().send(message_example(), {}, {"webhook": bot.webhook})
    assert (caught.value.http_status, caught.value.permanent, caught.value.retry_after) == (503, False, 7.0)


def test_a_webhook_on_a_host_that_is_not_dingtalk_is_refused_before_any_request(fake_dingtalk, settings):
    settings.WEBHOOK_EXTRA_HOSTS = []
    bot = fake_dingtalk.add_bot()
    with pytest.raises(DeliveryError) as caught:
        DingTalkAdapter().send(message_example(), {}, {"webhook": bot.webhook})
    assert caught.value.permanent and fake_dingtalk.requests == []


def test_markup_in_names_arrives_as_text_not_as_markdown():
    message = Message(title="**urgent** [click](http://evil.example)", summary="", link="http://console/e/1",
                      fields=(MessageField("Resource", "<font>x</font> _y_"),), event_id="e1", event_type="t")
    text = render(message)["markdown"]["text"]
    assert "\\*\\*urgent\\*\\*" in text
    assert "[click\\](http://evil.example)" in text  # not a link
    assert "ws_demo" in render(message_example())["markdown"]["text"]  # intraword _ left readable
    assert "<font>" not in text and "&lt;font&gt;" in text
    assert "[View event in the console](http://console/e/1)" in text


def test_an_action_card_links_to_the_console():
    payload = render(message_example(), msgtype="actionCard")
    assert payload["msgtype"] == "actionCard"
    assert payload["actionCard"]["singleURL"] == message_example().link
