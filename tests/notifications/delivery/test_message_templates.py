"""Deliveries carry the target's template in its language, values escaped for the channel; Test
Connectivity sends exactly the message Preview shows."""

import base64

from notifications.channels.composer import MessageSettings
from notifications.models import Delivery
from notifications.services.connectivity import connectivity_test
from notifications.services.delivery import delivery_send
from notifications.services.messages import account_message_language_set, message_preview
from notifications.services.routing import event_route

from .builders import add_target, make_rule, raise_event

SECRET = "SEC" + "0123456789abcdef" * 4


def _dingtalk_target(workspace, fake, **fields):
    bot = fake.add_bot(secret=SECRET)
    target = add_target(make_rule(workspace), "dingtalk", secrets={"webhook": bot.webhook, "signing_secret": SECRET})
    for name, value in fields.items():
        setattr(target, name, value)
    target.save()
    return bot


def _deliver(event):
    event_route(event_id=event.pk)
    for delivery in Delivery.objects.all():
        assert delivery_send(delivery_id=delivery.pk) == "succeeded"


def test_a_delivery_carries_the_targets_template_with_values_escaped(activated_workspace, fake_dingtalk, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # a console in Chinese: messages default to zh-CN
    bot = _dingtalk_target(activated_workspace, fake_dingtalk, title_template="${resource.name} failed",
                           body_template="### ${event.label}\n**${resource.name}** (${status.old} → ${status.new})")
    _deliver(raise_event(activated_workspace, name="[x](http://evil) *now*"))
    [message] = fake_dingtalk.messages_for(bot)
    assert message.json["markdown"] == {
        "title": "[x](http://evil) *now* failed",
        "text": "### 任务失败\n**[x\\](http://evil) \\*now\\*** (Running → Failed)",
    }


def test_the_default_is_the_accounts_language_and_a_target_may_choose_another(activated_workspace, fake_dingtalk,
                                                                            account):
    account_message_language_set(account=account, language="en-US")
    english = _dingtalk_target(activated_workspace, fake_dingtalk)
    chinese = _dingtalk_target(activated_workspace, fake_dingtalk, language="zh-CN")
    _deliver(raise_event(activated_workspace, name="nightly"))
    [en] = fake_dingtalk.messages_for(english)
    [zh] = fake_dingtalk.messages_for(chinese)
    assert en.json["markdown"]["title"] == "Job Failed: nightly"
    assert "- **Workspace**: " in en.json["markdown"]["text"]
    assert zh.json["markdown"]["title"] == "任务失败：nightly"
    assert "- **工作空间**：" in zh.json["markdown"]["text"]


def test_test_connectivity_sends_what_preview_shows_of_the_last_real_event(activated_workspace, fake_dingtalk,
                                                                           owner):
    raise_event(activated_workspace, name="older")
    raise_event(activated_workspace, name="the-last-one")
    settings = MessageSettings(language="en-US", body_template="${resource.name}: ${failure.reason} by ${operator}")
    preview = message_preview(actor=owner, workspace=activated_workspace, method="dingtalk",
                              event_type="pai:DLC:JobFailed", settings_=settings)
    assert preview.from_event and preview.message.body == "the-last-one:  by system"
    bot = fake_dingtalk.add_bot(secret=SECRET)
    result = connectivity_test(actor=owner, workspace=activated_workspace, method="dingtalk", config={},
                               secrets={"webhook": bot.webhook, "signing_secret": SECRET},
                               event_type="pai:DLC:JobFailed", settings_=settings)
    assert result.ok
    [sent] = fake_dingtalk.messages_for(bot)
    assert sent.json["markdown"] == preview.payload["markdown"]
    assert sent.json["markdown"]["title"] == "[Test] Job Failed: the-last-one"


WHSEC = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()


def test_an_http_targets_templates_ride_in_the_envelope_as_extension_attributes(activated_workspace,
                                                                                fake_http_receiver):
    rule = make_rule(activated_workspace, source="model", types=("ModelVersionApproved",))
    plain, templated = (fake_http_receiver.add_endpoint(secret=WHSEC) for _ in range(2))
    add_target(rule, "http", secrets={"url": plain.url, "signing_secret": WHSEC})
    target = add_target(rule, "http", secrets={"url": templated.url, "signing_secret": WHSEC})
    target.language, target.body_template = "en-US", "${model.name} ${model.version} is ${approval.status}"
    target.save()
    _deliver(raise_event(activated_workspace, source="model", type_name="ModelVersionApproved", name="fraud 0.2.0",
                         extra={"modelName": "fraud", "versionName": "0.2.0", "approvalStatus": "Approved"}))
    received = {request.path: request.json for request in fake_http_receiver.accepted}
    assert received.keys() == {f"/hooks/{plain.id}", f"/hooks/{templated.id}"}
    assert "paitext" not in received[f"/hooks/{plain.id}"]
    assert received[f"/hooks/{templated.id}"]["paitext"] == "fraud 0.2.0 is Approved"
    assert received[f"/hooks/{templated.id}"]["paititle"] == "Model Version Approved for Publishing: fraud 0.2.0"
    assert received[f"/hooks/{templated.id}"]["data"] == received[f"/hooks/{plain.id}"]["data"]


def test_a_deliverys_message_costs_no_query_once_the_account_settings_are_selected(activated_workspace, account,
                                                                                  django_assert_num_queries, settings):
    from notifications.models import Event, Target
    from notifications.services.messages import message_for_delivery

    settings.LANGUAGE_CODE = "zh-hans"  # a console in Chinese: no settings row means zh-CN

    raise_event(activated_workspace, name="nightly")
    for language in ("", "en-US"):  # no settings row yet, then one
        if language:
            account_message_language_set(account=account, language=language)
        event = Event.objects.select_related("workspace", "account__message_settings").get()
        with django_assert_num_queries(0):
            message = message_for_delivery(event, Target(method="dingtalk"), "dingtalk")
        assert message.title == ("任务失败：nightly" if not language else "Job Failed: nightly")
