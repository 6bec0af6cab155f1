import base64
import hashlib
import hmac

import pytest

from notifications.channels.base import DeliveryError
from notifications.channels.dingtalk.adapter import sign as dingtalk_sign
from notifications.channels.lark.adapter import LarkAdapter, sign
from notifications.channels.message import message_example

SECRET = "lark-secret-123"


def test_the_signature_keys_hmac_with_timestamp_newline_secret_over_an_empty_message():
    expected = base64.b64encode(hmac.new(f"1700000000\n{SECRET}".encode(), b"", hashlib.sha256).digest()).decode()
    assert sign(SECRET, 1700000000) == expected


def test_a_signed_card_reaches_the_bot(fake_lark):
    bot = fake_lark.add_bot(secret=SECRET)
    result = LarkAdapter().send(message_example(), {}, {"webhook": bot.webhook, "signing_secret": SECRET})
    assert result.provider_code == "0"
    [received] = fake_lark.accepted
    body = received.json
    assert body["msg_type"] == "interactive" and isinstance(body["card"], dict)
    assert body["timestamp"].isdigit() and len(body["timestamp"]) == 10  # seconds
    assert bot.token not in result.request_url and "/hook/••••••" in result.request_url


def test_an_unsigned_card_reaches_a_bot_without_a_secret(fake_lark):
    bot = fake_lark.add_bot()
    assert LarkAdapter().send(message_example(), {}, {"webhook": bot.webhook}).provider_code == "0"


def test_a_wrong_secret_is_permanent_19021(fake_lark):
    bot = fake_lark.add_bot(secret=SECRET)
    with pytest.raises(DeliveryError) as caught:
        LarkAdapter().send(message_example(), {}, {"webhook": bot.webhook, "signing_secret": "wrong"})
    assert (caught.value.provider_code, caught.value.permanent) == ("19021", True)


def test_the_fake_refuses_a_request_signed_the_dingtalk_way(fake_lark):
    import json
    import time
    from urllib.parse import unquote_plus

    from notifications.channels.outbound import outbound_request

    bot = fake_lark.add_bot(secret=SECRET)
    timestamp = int(time.time())
    dingtalk_style = unquote_plus(dingtalk_sign(SECRET, timestamp))
    body = json.dumps({"timestamp": str(timestamp), "sign": dingtalk_style, "msg_type": "text",
                       "content": {"text": "hi"}}).encode()
    answer = outbound_request("POST", bot.webhook, body=body, headers={"Content-Type": "application/json"})
    assert json.loads(answer.body)["code"] == 19021


def test_more_than_five_a_second_is_retryable_11232(fake_lark):
    bot = fake_lark.add_bot()
    for _ in range(5):
        LarkAdapter().send(message_example(), {}, {"webhook": bot.webhook})
    with pytest.raises(DeliveryError) as caught:
        LarkAdapter().send(message_example(), {}, {"webhook": bot.webhook})
    assert (caught.value.provider_code, caught.value.permanent) == ("11232", False)


def test_the_fake_refuses_bodies_over_20_kb_with_9499(fake_lark):
    from notifications.channels.outbound import outbound_request

    bot = fake_lark.add_bot()
    body = ('{"msg_type":"text","content":{"text":"' + "x" * 21000 + '"}}').encode()
    answer = outbound_request("POST", bot.webhook, body=body, headers={"Content-Type": "application/json"})
    assert b'"code": 9499' in answer.body


def test_names_in_the_card_are_plain_text_or_escaped():
    from notifications.channels.lark.renderer import card
    from notifications.channels.message import Message, MessageField

    message = Message(title="<at id=all></at>", summary="", link="http://c/1", event_id="e", event_type="t",
                      fields=(MessageField("Resource", "<at id=all></at> **x**"),))
    rendered = card(message)
    assert rendered["header"]["title"]["tag"] == "plain_text"
    content = rendered["elements"][0]["fields"][0]["text"]["content"]
    assert "<at" not in content and "&lt;at id=all&gt;" in content
