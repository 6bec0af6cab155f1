"""The console's language (the user menu's switch, remembered in a cookie; the page's lang follows),
the account settings page (the default message language of targets), the API's language, and WeCom's
markdown_v2 message type in the drawer's Preview and through the adapter."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.channels.message import message_example
from notifications.channels.wecom.adapter import WeComAdapter
from notifications.channels.wecom.renderer import render
from notifications.services.messages import account_message_language

from .conftest import DLC_FAILED, wecom

HX = {"HTTP_HX_REQUEST": "true"}


def test_the_language_switch_turns_the_console_and_the_drawer_chinese_and_is_remembered(owner_client,
                                                                                       activated_workspace):
    page = reverse("workspace-event-notifications", kwargs={"workspace_id": activated_workspace.pk})
    english = owner_client.get(page).content.decode()
    assert '<html lang="en">' in english and "Create Notice Rule" in english
    assert 'action="/i18n/setlang/"' in english and 'data-testid="language-switch"' in english
    switched = owner_client.post(reverse("set_language"), {"language": "zh-hans", "next": page})
    assert switched.status_code == 302 and switched["Location"] == page
    assert switched.cookies["console_language"].value == "zh-hans"
    chinese = owner_client.get(page).content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert "事件通知配置" in chinese and "创建通知规则" in chinese and "退出登录" in chinese
    drawer = owner_client.get(reverse("rule-create", kwargs={"workspace_id": activated_workspace.pk}),
                              **HX).content.decode()
    for label in ("事件源", "事件类型", "通知方式", "钉钉机器人", "企业微信机器人", "飞书机器人", "加签密钥",
                  "测试连通性"):
        assert label in drawer, label
    events = owner_client.get(reverse("event-log", kwargs={"workspace_id": activated_workspace.pk})).content.decode()
    assert "事件记录" in events and "暂无事件" in events


def test_the_api_speaks_english_unless_the_client_asks_and_never_translates_field_names(owner_api,
                                                                                       activated_workspace):
    url = reverse("api-rule-preview", kwargs={"workspace_id": activated_workspace.pk})
    bad = {"method": "wecom", "event_type": "nope"}
    plain = owner_api.post(url, bad, format="json")
    asked = owner_api.post(url, bad, format="json", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert plain.status_code == asked.status_code == 400
    assert plain["Content-Language"] == "en" and asked["Content-Language"] == "zh-hans"
    english, chinese = plain.json()["error"], asked.json()["error"]
    assert english["fields"] == {"event_type": ['"nope" is not a valid choice.']}
    assert chinese["code"] == english["code"] == "validation_error" and list(chinese["fields"]) == ["event_type"]
    assert chinese["fields"]["event_type"] != english["fields"]["event_type"], chinese  # DRF's own Chinese


def test_an_administrator_sets_the_accounts_message_language_on_the_settings_page(owner_client, subuser, client,
                                                                                 account):
    url = reverse("account-settings")
    page = owner_client.get(url)
    assert page.status_code == 200 and 'data-testid="account-language"' in page.content.decode()
    saved = owner_client.post(url, {"language": "en-US"})
    assert saved.status_code == 302 and account_message_language(account) == "en-US"
    refused = owner_client.post(url, {"language": "fr-FR"})
    assert refused.status_code == 400 and "fr-FR" in refused.content.decode()
    client.force_login(subuser)  # no policy: neither the page nor its menu link
    assert client.get(url).status_code == 403
    assert url not in client.get(reverse("workspace-list")).content.decode()


def test_wecom_markdown_v2_drops_the_default_colours_and_reaches_the_bot(fake_wecom):
    v2 = render(message_example(), "markdown_v2")
    assert v2["msgtype"] == "markdown_v2" and "<font" not in v2["markdown_v2"]["content"]
    assert "<font" in render(message_example())["markdown"]["content"]
    bot = fake_wecom.add_bot()
    WeComAdapter().send(message_example(), {"format": "markdown_v2"}, {"webhook": bot.webhook})
    [received] = fake_wecom.accepted
    assert received.json["msgtype"] == "markdown_v2"


def test_a_wecom_targets_format_is_saved_checked_and_previewed(make_rule, owner_client, activated_workspace):
    rule = make_rule(targets=[wecom(values={"webhook": wecom()["values"]["webhook"], "format": "markdown_v2"})])
    assert rule.targets.get().config["format"] == "markdown_v2"
    with pytest.raises(ValidationError) as refused:
        make_rule(name="x2", targets=[wecom(values={"webhook": wecom()["values"]["webhook"], "format": "html"})])
    assert refused.value.message_dict["targets[0].format"] == [
        "Message format 'html' is not one of: markdown, markdown_v2 (empty means markdown)."]
    preview = reverse("rule-preview", kwargs={"workspace_id": activated_workspace.pk})
    body = owner_client.post(preview, {"source": "dlc_job", "event_types": [DLC_FAILED], "target_keys": ["0"],
                                       "_key": "0", "t0-method": "wecom", "t0-format": "markdown_v2"},
                             **HX).content.decode()
    assert "&quot;msgtype&quot;: &quot;markdown_v2&quot;" in body and "&lt;font" not in body


def test_a_contacts_targets_own_template_is_its_sms_text_with_segments_worded_in_the_consoles_language(
        owner_client, activated_workspace):
    owner_client.post(reverse("set_language"), {"language": "zh-hans"})
    preview = reverse("rule-preview", kwargs={"workspace_id": activated_workspace.pk})
    body = owner_client.post(preview, {"source": "dlc_job", "event_types": [DLC_FAILED], "target_keys": ["0"],
                                       "_key": "0", "t0-method": "contacts", "t0-preview_channel": "sms",
                                       "t0-body_template": "${resource.name} failed: " + "x" * 150},
                             **HX).content.decode()
    assert 'data-channel="sms"' in body and "nightly-train failed: xxx" in body
    assert "172 个字符：2 条短信（GSM-7）。" in body  # over 160: parts of 153
