"""A target's message settings through the rule service, the API and the admin: templates checked
against the catalog's variables (line and variable named), languages, Preview."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.channels.markup import markdown_escape
from notifications.models import AccountMessageSettings, Target

from .conftest import DLC_FAILED, MODEL_APPROVED, SIGNING_KEY, dingtalk, http, wecom

GOOD_BODY = "### ${resource.name}\nReason: ${failure.reason}"


def test_templates_and_language_are_saved_with_the_target(make_rule):
    rule = make_rule(targets=[dingtalk(message={"language": "en-US", "title_template": "${resource.name} failed",
                                                "body_template": GOOD_BODY + "\r\n"})])
    target = rule.targets.get()
    assert (target.language, target.title_template, target.body_template) == (
        "en-US", "${resource.name} failed", GOOD_BODY)


def test_an_unknown_variable_is_a_field_error_naming_the_line_and_the_variable(make_rule):
    with pytest.raises(ValidationError) as refused:
        make_rule(targets=[wecom(), dingtalk(message={"body_template": "Job ${resource.name}\nv${model.version}"})])
    [text] = refused.value.message_dict["targets[1].message.body_template"]
    assert text.startswith("Line 2: unknown variable ${model.version}. Variables of the chosen event types: ")
    assert "${failure.reason}" in text  # what would be accepted


def test_a_variable_must_exist_for_every_chosen_event_type(make_rule):
    rule = make_rule(source="model", event_types=[MODEL_APPROVED],
                     targets=[dingtalk(message={"title_template": "${model.name} ${model.version}"})])
    assert rule.targets.get().title_template == "${model.name} ${model.version}"
    with pytest.raises(ValidationError) as refused:
        make_rule(name="x2", event_types=[DLC_FAILED], targets=[dingtalk(message={"title_template": "${model.name}"})])
    assert refused.value.message_dict["targets[0].message.title_template"][0].startswith(
        "Line 1: unknown variable ${model.name}.")


def test_a_bad_language_and_templates_on_a_method_without_messages_are_refused(make_rule, running_eas):
    eas = {"method": "eas_update", "values": {"eas_service": running_eas.pk}, "message": {"body_template": "x"}}
    with pytest.raises(ValidationError) as refused:
        make_rule(source="model", event_types=[MODEL_APPROVED],
                  targets=[dingtalk(message={"language": "fr-FR"}), eas, http(message={"body_template": "${nope}"})])
    errors = refused.value.message_dict
    assert errors["targets[0].message.language"] == [
        "Choose a message language: zh-CN, en-US, or leave it empty for the account's."]
    assert errors["targets[1].message.body_template"] == [
        "EAS service update targets send no message text: leave the templates empty."]
    assert errors["targets[2].message.body_template"][0].startswith("Line 1: unknown variable ${nope}.")


# --- API --------------------------------------------------------------------------------------------
def _rules_url(ws):
    return reverse("api-rule-list", kwargs={"workspace_id": ws.pk})


def _dingtalk_api(message):
    return {"method": "dingtalk", "config": {"webhook": "https://oapi.dingtalk.com/robot/send?access_token=abc123",
                                             "signing_key": SIGNING_KEY}, "message": message}


def test_the_api_takes_and_shows_a_targets_message(owner_api, activated_workspace):
    data = {"name": "r1", "source": "dlc_job", "event_types": [DLC_FAILED],
            "targets": [_dingtalk_api({"language": "en-US", "body_template": GOOD_BODY})]}
    created = owner_api.post(_rules_url(activated_workspace), data, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["targets"][0]["message"] == {"language": "en-US", "title_template": "",
                                                       "body_template": GOOD_BODY, "digest": True}


def test_the_api_turns_a_targets_digests_off_and_names_a_bad_value(owner_api, activated_workspace):
    data = {"name": "r1", "source": "dlc_job", "event_types": [DLC_FAILED],
            "targets": [_dingtalk_api({"digest": False})]}
    created = owner_api.post(_rules_url(activated_workspace), data, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["targets"][0]["message"]["digest"] is False
    assert Target.objects.get().digest is False

    data["name"], data["targets"] = "r2", [_dingtalk_api({"digest": "sometimes"})]
    response = owner_api.post(_rules_url(activated_workspace), data, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["targets[0].message.digest"]


def test_the_api_names_the_bad_templates_line_and_variable(owner_api, activated_workspace):
    data = {"name": "r1", "source": "dlc_job", "event_types": [DLC_FAILED],
            "targets": [_dingtalk_api({"body_template": "ok\n\n${job.nope}"})]}
    response = owner_api.post(_rules_url(activated_workspace), data, format="json")
    assert response.status_code == 400
    [text] = response.json()["error"]["fields"]["targets[0].message.body_template"]
    assert text.startswith("Line 3: unknown variable ${job.nope}.")


def test_the_api_lists_the_variables_of_an_event_type(owner_api, activated_workspace):
    url = reverse("api-rule-variables", kwargs={"workspace_id": activated_workspace.pk})
    variables = {v["name"]: v for v in owner_api.get(url, {"event_type": MODEL_APPROVED}).json()}
    assert variables["model.version"] == {"name": "model.version", "description": "The model version",
                                          "example": "0.2.0"}
    assert owner_api.get(url, {"event_type": "nope"}).status_code == 400


def test_the_api_previews_a_message_in_the_channels_format(owner_api, activated_workspace):
    url = reverse("api-rule-preview", kwargs={"workspace_id": activated_workspace.pk})
    answer = owner_api.post(url, {"method": "contacts", "event_type": DLC_FAILED, "channel": "sms",
                                  "message": {"language": "zh-CN"}}, format="json").json()
    assert answer["channel"] == "sms" and answer["from_event"] == ""
    assert answer["sms"]["encoding"] == "UCS-2" and answer["sms"]["text"].startswith("【PAI】工作空间 ")
    length = len(answer["sms"]["text"])
    assert answer["sms"]["characters"] == length
    assert answer["sms"]["segments"] == (1 if length <= 70 else -(-length // 67))
    voice = owner_api.post(url, {"method": "contacts", "event_type": DLC_FAILED, "channel": "voice",
                                 "message": {"language": "en-US"}}, format="json").json()
    assert voice["sms"] is None and voice["voice"]["text"].startswith("PAI notice. Workspace ")
    lark = owner_api.post(url, {"method": "lark", "event_type": DLC_FAILED, "message": {
        "language": "en-US", "body_template": "**${resource.name}** in ${workspace.name}"}}, format="json").json()
    assert lark["payload"]["msg_type"] == "interactive"
    assert lark["payload"]["card"]["elements"][0]["text"]["content"] == (
        f"**nightly-train** in {markdown_escape(activated_workspace.name)}")
    bad = owner_api.post(url, {"method": "lark", "event_type": DLC_FAILED,
                               "message": {"title_template": "${nope}"}}, format="json")
    assert bad.status_code == 400 and "message.title_template" in bad.json()["error"]["fields"]


# --- language -------------------------------------------------------------------------------------
def test_the_account_language_follows_the_console_until_an_operator_sets_another(account, settings):
    from notifications.services.messages import account_message_language, account_message_language_set

    assert account_message_language(account) == "en-US"  # the console runs in English (en-us)
    settings.LANGUAGE_CODE = "zh-hans"
    assert account_message_language(account) == "zh-CN"  # ... and in Chinese
    account_message_language_set(account=account, language="en-US")
    account.refresh_from_db()
    assert account_message_language(account) == "en-US"
    assert AccountMessageSettings.objects.get(account=account).language == "en-US"
    with pytest.raises(ValueError):
        account_message_language_set(account=account, language="de-DE")


def test_the_admin_shows_a_targets_templates_and_sets_an_accounts_language(admin_client, make_rule, account):
    rule = make_rule(targets=[dingtalk(message={"body_template": GOOD_BODY})])
    page = admin_client.get(reverse("admin:notifications_target_change", args=[rule.targets.get().pk]))
    assert "Reason: ${failure.reason}" in page.content.decode()
    response = admin_client.post(reverse("admin:notifications_accountmessagesettings_add"),
                                 {"account": account.pk, "language": "en-US"})
    assert response.status_code == 302
    assert AccountMessageSettings.objects.get(account=account).language == "en-US"


# --- the drawer -----------------------------------------------------------------------------------
HX = {"HTTP_HX_REQUEST": "true"}


def test_the_edit_drawer_shows_the_saved_template_and_saving_again_keeps_it(owner_client, make_rule,
                                                                            activated_workspace):
    rule = make_rule(targets=[dingtalk(message={"language": "en-US", "body_template": GOOD_BODY})])
    edit = reverse("rule-update", kwargs={"workspace_id": activated_workspace.pk, "rule_id": rule.pk})
    page = owner_client.get(edit, **HX).content.decode()
    assert "### ${resource.name}\nReason: ${failure.reason}</textarea>" in page
    assert '<option value="en-US" selected>' in page
    assert '<option value="on" selected>One digest of the waiting events' in page  # digests on by default
    target = rule.targets.get()
    data = {"name": rule.name, "source": "dlc_job", "event_types": [DLC_FAILED], "scope": "all",
            "target_keys": ["0"], "t0-id": str(target.pk), "t0-method": "dingtalk", "t0-language": "en-US",
            "t0-body_template": GOOD_BODY.replace("Reason", "Why"), "t0-digest": "off"}
    response = owner_client.post(edit, data, **HX)
    assert response.status_code == 200, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.body_template == "### ${resource.name}\nWhy: ${failure.reason}"
    assert target.digest is False  # one message per event when the bot is full


def test_the_drawers_preview_names_template_problems_instead_of_rendering(owner_client, activated_workspace,
                                                                          settings):
    settings.LANGUAGE_CODE = "zh-hans"  # a console in Chinese: messages default to zh-CN
    preview = reverse("rule-preview", kwargs={"workspace_id": activated_workspace.pk})
    data = {"source": "dlc_job", "event_types": [DLC_FAILED], "target_keys": ["0"], "_key": "0",
            "t0-method": "wecom", "t0-title_template": "${resource.nam}"}
    body = owner_client.post(preview, data, **HX).content.decode()
    # The console is in Chinese too (no language cookie, no Accept-Language): the field's label is.
    assert "标题模板: Line 1: unknown variable ${resource.nam}." in body
    data["t0-title_template"] = "${resource.name}!"
    body = owner_client.post(preview, data, **HX).content.decode()
    assert 'data-channel="wecom"' in body and "[测试] nightly-train!" in body


def test_the_apis_test_connectivity_sends_what_its_preview_shows(owner_api, activated_workspace, fake_wecom):
    bot = fake_wecom.add_bot()
    values = {"method": "wecom", "event_type": DLC_FAILED, "use_example": True,
              "message": {"language": "en-US", "body_template": "**${resource.name}**: ${failure.reason}"}}
    preview = owner_api.post(reverse("api-rule-preview", kwargs={"workspace_id": activated_workspace.pk}), values,
                             format="json").json()
    url = reverse("api-rule-test-connectivity", kwargs={"workspace_id": activated_workspace.pk})
    answer = owner_api.post(url, {**values, "config": {"webhook": bot.webhook}}, format="json").json()
    assert answer["ok"] is True
    [received] = fake_wecom.accepted
    assert received.json == preview["payload"]
    assert received.json["markdown"]["content"] == "**nightly-train**: OOMKilled: worker-0 exceeded 32 GiB"
    bad = owner_api.post(url, {**values, "config": {"webhook": bot.webhook},
                               "message": {"body_template": "${model.name}"}}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["fields"]["message.body_template"][0].startswith(
        "Line 1: unknown variable ${model.name}.")


def test_the_drawers_preview_of_an_http_target_shows_the_envelope_with_the_templates_output(owner_client,
                                                                                          activated_workspace):
    preview = reverse("rule-preview", kwargs={"workspace_id": activated_workspace.pk})
    data = {"source": "model", "event_types": [MODEL_APPROVED], "target_keys": ["0"], "_key": "0",
            "t0-method": "http", "t0-language": "en-US", "t0-body_template": "${model.name} ${model.version}"}
    body = owner_client.post(preview, data, **HX).content.decode()
    assert 'data-channel="http"' in body and "&quot;paitext&quot;: &quot;fraud-model 0.2.0&quot;" in body
    data["t0-body_template"] = ""
    body = owner_client.post(preview, data, **HX).content.decode()
    assert "paitext&quot;" not in body and "&quot;type&quot;: &quot;pai:ModelManagement:ModelVersionApproved" in body


def test_a_rule_on_all_event_types_checks_templates_against_its_sources_variables(make_rule):
    rule = make_rule(event_types=[], all_event_types=True,
                     targets=[dingtalk(message={"body_template": "${resource.name}: ${failure.reason}"})])
    assert rule.targets.get().body_template == "${resource.name}: ${failure.reason}"
    with pytest.raises(ValidationError) as refused:
        make_rule(name="x2", event_types=[], all_event_types=True,
                  targets=[dingtalk(message={"body_template": "${model.version}"})])
    assert refused.value.message_dict["targets[0].message.body_template"][0].startswith(
        "Line 1: unknown variable ${model.version}.")
