import pytest

from notifications.services.connectivity import connectivity_test
from workspaces.iam.permissions import AccessDenied

SECRET = "SEC" + "f00d" * 16


def test_the_right_secret_reports_success_and_sends_one_test_message(fake_dingtalk, owner, activated_workspace):
    bot = fake_dingtalk.add_bot(secret=SECRET)
    result = connectivity_test(actor=owner, workspace=activated_workspace, method="dingtalk",
                               config={}, secrets={"webhook": bot.webhook, "signing_secret": SECRET})
    assert result.ok and result.code == "0"
    [message] = fake_dingtalk.messages_for(bot)
    # The account has no message language and the console runs in English: messages are in en-US, a
    # test message marked as one.
    assert message.json["markdown"]["title"].startswith("[Test] ")


def test_a_wrong_secret_reports_the_bots_own_code_and_message(fake_dingtalk, owner, activated_workspace):
    bot = fake_dingtalk.add_bot(secret=SECRET)
    result = connectivity_test(actor=owner, workspace=activated_workspace, method="dingtalk",
                               config={}, secrets={"webhook": bot.webhook, "signing_secret": "SECwrong"})
    assert (result.ok, result.code) == (False, "310000")
    assert "sign not match" in result.message
    assert "310000" in result.display


def test_test_messages_are_not_counted_as_notifications(fake_wecom, owner, activated_workspace):
    from notifications.models import UsageCounter

    bot = fake_wecom.add_bot()
    assert connectivity_test(actor=owner, workspace=activated_workspace, method="wecom", config={},
                             secrets={"webhook": bot.webhook}).ok
    assert not UsageCounter.objects.exists()


def test_an_unreachable_bot_reports_the_connection_failure_quickly(outbound_to_fakes, owner, activated_workspace):
    import socket
    import time

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    started = time.monotonic()
    result = connectivity_test(actor=owner, workspace=activated_workspace, method="lark", config={},
                               secrets={"webhook": f"http://127.0.0.1:{port}/open-apis/bot/v2/hook/x"})
    assert not result.ok and "connection failed" in result.message
    assert time.monotonic() - started < 10


def test_methods_without_test_connectivity_say_why(owner, activated_workspace):
    result = connectivity_test(actor=owner, workspace=activated_workspace, method="http",
                               config={"url": "https://example.com/"}, secrets={})
    assert not result.ok and "only available for DingTalk, WeCom, and Lark" in result.message


def test_a_sub_user_without_update_targets_may_not_test(subuser, activated_workspace):
    with pytest.raises(AccessDenied):
        connectivity_test(actor=subuser, workspace=activated_workspace, method="dingtalk", config={},
                          secrets={"webhook": "https://oapi.dingtalk.com/robot/send?access_token=x"})


def test_the_api_sends_a_sample_of_the_rules_own_source_and_type(fake_dingtalk, owner_api, activated_workspace):
    bot = fake_dingtalk.add_bot(secret=SECRET)
    url = f"/api/v1/workspaces/{activated_workspace.pk}/rules/test-connectivity/"
    config = {"webhook": bot.webhook, "signing_secret": SECRET}

    answer = owner_api.post(url, {"method": "dingtalk", "config": config, "event_type": "pai:DLC:JobTimeout",
                                  "use_example": True}, format="json")

    assert answer.json() == {"ok": True, "code": "0", "message": "The test message was delivered."}
    [message] = fake_dingtalk.messages_for(bot)
    assert message.json["markdown"]["title"].endswith("nightly-train")  # a DLC job's sample, in any language
    assert "demo-model" not in message.json["markdown"]["text"]
