import pytest

from notifications.channels.base import DeliveryError
from notifications.channels.message import Message, MessageField, message_example
from notifications.channels.wecom.adapter import WeComAdapter
from notifications.channels.wecom.renderer import MAX_MARKDOWN_BYTES, markdown_content, trim_to_bytes


def long_message(value: str) -> Message:
    return Message(title="Job Failed: 训练任务", summary="", link="http://console/e/1", event_id="e1", event_type="t",
                   fields=tuple(MessageField(f"Field {n}", value) for n in range(40)))


def test_a_markdown_message_reaches_the_bot(fake_wecom):
    bot = fake_wecom.add_bot()
    result = WeComAdapter().send(message_example(), {}, {"webhook": bot.webhook})
    assert result.provider_code == "0"
    [received] = fake_wecom.accepted
    assert received.json["msgtype"] == "markdown" and "demo-model" in received.json["markdown"]["content"]
    assert bot.key not in result.request_url


def test_markdown_over_4096_bytes_is_trimmed_on_a_character_boundary_and_keeps_the_link(fake_wecom):
    message = long_message("数据" * 60)  # three bytes per character
    content = markdown_content(message)
    assert len(content.encode("utf-8")) <= MAX_MARKDOWN_BYTES
    assert content.endswith("[View event in the console](http://console/e/1)")
    assert "…" in content
    content.encode("utf-8").decode("utf-8")  # whole characters only
    bot = fake_wecom.add_bot()
    assert WeComAdapter().send(message, {}, {"webhook": bot.webhook}).provider_code == "0"


def test_trimming_never_cuts_a_character_in_half():
    assert trim_to_bytes("ab数", 4) == "ab"
    assert trim_to_bytes("ab数", 5) == "ab数"


def test_the_fake_refuses_markdown_over_4096_bytes_with_40058(fake_wecom):
    from notifications.channels.outbound import outbound_request

    bot = fake_wecom.add_bot()
    body = ('{"msgtype":"markdown","markdown":{"content":"' + "x" * 4097 + '"}}').encode()
    answer = outbound_request("POST", bot.webhook, body=body, headers={"Content-Type": "application/json"})
    assert b'"errcode": 40058' in answer.body


def test_an_unknown_key_is_permanent_93000(fake_wecom):
    with pytest.raises(DeliveryError) as caught:
        WeComAdapter().send(message_example(), {}, {"webhook": f"{fake_wecom.base_url}/cgi-bin/webhook/send?key=x"})
    assert (caught.value.provider_code, caught.value.permanent) == ("93000", True)


def test_the_twenty_first_message_in_a_minute_is_retryable_45009(fake_wecom):
    bot = fake_wecom.add_bot()
    for _ in range(20):
        WeComAdapter().send(message_example(), {}, {"webhook": bot.webhook})
    with pytest.raises(DeliveryError) as caught:
        WeComAdapter().send(message_example(), {}, {"webhook": bot.webhook})
    assert (caught.value.provider_code, caught.value.permanent) == ("45009", False)


def test_markup_in_names_is_escaped_not_rendered():
    message = Message(title='<font color="warning">x</font>', summary="", link="http://c/1", event_id="e",
                      event_type="t", fields=(MessageField("Resource", "**bold** <@all>"),))
    content = markdown_content(message)
    assert '<font color="warning">x' not in content and "&lt;@all&gt;" in content and "\\*\\*bold" in content
