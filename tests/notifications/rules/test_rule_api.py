"""The rules, contacts and quotas API: nested targets, write-only secrets, the once-shown whsec_."""

from django.urls import reverse

from notifications.models import Rule

from .conftest import (
    DINGTALK_WEBHOOK,
    DLC_FAILED,
    MODEL_APPROVED,
    SECRETS,
    SIGNING_KEY,
)


def rules_url(ws, rule=None, action=None):
    if rule is None:
        return reverse("api-rule-list", kwargs={"workspace_id": ws.pk})
    name = f"api-rule-{action}" if action else "api-rule-detail"
    return reverse(name, kwargs={"workspace_id": ws.pk, "rule_id": rule if isinstance(rule, int) else rule.pk})


def body(**extra):
    data = {"name": "job-failures", "source": "dlc_job", "event_types": [DLC_FAILED],
            "targets": [{"method": "dingtalk", "config": {"webhook": DINGTALK_WEBHOOK, "signing_secret": SIGNING_KEY}}]}
    data.update(extra)
    return data


def test_creating_a_rule_answers_with_masked_targets(owner_api, activated_workspace):
    response = owner_api.post(rules_url(activated_workspace), body(), format="json")
    assert response.status_code == 201, response.content
    text = response.content.decode()
    assert not any(secret in text for secret in SECRETS)
    target = response.json()["targets"][0]
    assert target["method_label"] == "DingTalk notification" and target["signing_secret"] is None
    assert target["config"]["webhook"].startswith("https://oapi.dingtalk.com/robot/send?access_token=••••••")
    assert response.json()["units"] == 1 and response.json()["enabled"] is True


def test_reading_and_listing_never_show_secrets(owner_api, make_rule, activated_workspace):
    rule = make_rule()
    for url in (rules_url(activated_workspace), rules_url(activated_workspace, rule)):
        response = owner_api.get(url)
        assert response.status_code == 200
        assert not any(secret in response.content.decode() for secret in SECRETS)
    assert owner_api.get(rules_url(activated_workspace)).json()["results"][0]["name"] == "job-failures"


def test_the_http_targets_whsec_secret_appears_once(owner_api, activated_workspace):
    data = body(source="model", event_types=[MODEL_APPROVED],
                targets=[{"method": "http", "config": {"url": "https://hooks.example.com/pai"}}])
    created = owner_api.post(rules_url(activated_workspace), data, format="json").json()
    secret = created["targets"][0]["signing_secret"]
    assert secret.startswith("whsec_")
    again = owner_api.get(rules_url(activated_workspace, created["id"])).content.decode()
    assert secret not in again and secret[6:] not in again


def test_refusals_are_field_errors_in_the_envelope(owner_api, activated_workspace):
    data = body(targets=[{"method": "http", "config": {"url": "https://x.example/"}}] * 6)
    response = owner_api.post(rules_url(activated_workspace), data, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"]["targets"] == ["This rule uses 6 target units; the limit is 5."]
    assert "HTTP/HTTPS is not available for DLC job events" in error["fields"]["targets[0].method"][0]


def test_put_replaces_targets_and_keeps_left_out_secrets(owner_api, make_rule, activated_workspace):
    rule = make_rule()
    target = rule.targets.get()
    data = body(name="renamed", targets=[{"id": target.pk, "method": "dingtalk", "config": {}}])
    response = owner_api.put(rules_url(activated_workspace, rule), data, format="json")
    assert response.status_code == 200, response.content
    target.refresh_from_db()
    assert target.secrets["signing_secret"] == SIGNING_KEY and response.json()["name"] == "renamed"


def test_enable_disable_and_delete(owner_api, make_rule, activated_workspace):
    rule = make_rule()
    assert owner_api.post(rules_url(activated_workspace, rule, "disable")).json()["enabled"] is False
    assert owner_api.post(rules_url(activated_workspace, rule, "enable")).json()["enabled"] is True
    assert owner_api.delete(rules_url(activated_workspace, rule)).status_code == 204
    assert not Rule.objects.exists()


def test_another_accounts_rules_are_not_found(outsider_api, make_rule, activated_workspace):
    rule = make_rule()
    assert outsider_api.get(rules_url(activated_workspace)).status_code == 404
    assert outsider_api.get(rules_url(activated_workspace, rule)).status_code == 404
    assert outsider_api.delete(rules_url(activated_workspace, rule)).status_code == 404


def test_a_sub_user_without_policy_is_refused_with_the_action(subuser, activated_workspace):
    from tests.conftest import api_client_for

    response = api_client_for(subuser).post(rules_url(activated_workspace), body(), format="json")
    assert response.status_code == 403 and "eventbridge:CreateRule" in response.json()["error"]["message"]


def test_test_connectivity_over_the_api_reports_the_bots_code(owner_api, activated_workspace, fake_dingtalk):
    bot = fake_dingtalk.add_bot(secret=SIGNING_KEY)
    url = reverse("api-rule-test-connectivity", kwargs={"workspace_id": activated_workspace.pk})
    ok = owner_api.post(url, {"method": "dingtalk", "config": {"webhook": bot.webhook, "signing_secret": SIGNING_KEY}},
                        format="json")
    assert ok.status_code == 200 and ok.json()["ok"] is True
    bad = owner_api.post(url, {"method": "dingtalk", "config": {"webhook": bot.webhook,
                                                                "signing_secret": "SECnotTheRightKey000"}},
                         format="json")
    assert bad.json()["ok"] is False and bad.json()["code"] == "310000"
    refused = owner_api.post(url, {"method": "http", "config": {"url": "https://x.example/"}}, format="json")
    assert refused.status_code == 400


def test_contacts_api_refuses_deleting_a_contact_in_use_naming_the_rule(owner_api, make_rule, seed_contacts):
    from .conftest import contacts

    alice = seed_contacts["Alice"]
    make_rule(name="sms-alerts", targets=[contacts(sms=[alice])])
    response = owner_api.delete(reverse("api-contact-detail", kwargs={"contact_id": alice.pk}))
    assert response.status_code == 409 and "sms-alerts" in response.json()["error"]["message"]
    listed = owner_api.get(reverse("api-contact-list")).json()["results"]
    assert {c["name"]: c["target_units"] for c in listed} == {"Alan": 0, "Alice": 1, "Tony": 0}


def test_contacts_api_validates_mobile_and_email(owner_api, account):
    url = reverse("api-contact-list")
    bad = owner_api.post(url, {"name": "Bob", "mobile": "12345", "email": "not-an-email"}, format="json")
    assert bad.status_code == 400 and {"mobile", "email"} <= set(bad.json()["error"]["fields"])
    good = owner_api.post(url, {"name": "Bob", "mobile": "138 0000 0003"}, format="json")
    assert good.status_code == 201 and good.json()["mobile"] == "13800000003"


def test_quota_api_reads_the_limit_and_takes_a_request(owner_api, account):
    assert owner_api.get(reverse("api-quota")).json()["targets_per_rule"] == 5
    url = reverse("api-quota-request-list")
    too_many = owner_api.post(url, {"requested_limit": 101}, format="json")
    assert too_many.status_code == 400 and "100" in too_many.json()["error"]["message"]
    created = owner_api.post(url, {"requested_limit": 20, "reason": "big team"}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "pending"
    assert owner_api.get(reverse("api-quota")).json()["pending_request"]["requested_limit"] == 20


def test_nested_input_errors_are_flat_field_names_as_documented(owner_api, activated_workspace):
    data = {"name": "x1", "source": "dlc_job", "event_types": [DLC_FAILED],
            "targets": [{"method": "carrier-pigeon", "config": 3}]}
    fields = owner_api.post(rules_url(activated_workspace), data, format="json").json()["error"]["fields"]
    assert set(fields) == {"targets[0].method", "targets[0].config"}
    assert all(isinstance(messages, list) and all(isinstance(m, str) for m in messages) for messages in fields.values())


def test_an_optional_secret_is_removed_with_null(owner_api, activated_workspace):
    from .conftest import LARK_WEBHOOK, lark

    created = owner_api.post(rules_url(activated_workspace), body(targets=[
        {"method": "lark", "config": lark()["values"]}]), format="json").json()
    [target] = created["targets"]
    assert target["config"]["signing_secret"].startswith("••••••")

    response = owner_api.put(rules_url(activated_workspace, created["id"]), body(targets=[
        {"id": target["id"], "method": "lark", "config": {"signing_secret": None}}]), format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["targets"][0]["config"]["signing_secret"] == ""
    from notifications.models import Target

    assert Target.objects.get(pk=target["id"]).secrets == {"webhook": LARK_WEBHOOK}


def test_null_for_any_other_field_is_a_field_error_not_a_crash(owner_api, activated_workspace, pai_model):
    cases = [
        ("dingtalk", {"webhook": None, "signing_secret": None}, "targets[0].config.webhook"),
        ("contacts", {"voice": None, "sms": None, "email": None}, "targets[0]"),
        ("http", {"url": None}, "targets[0].config.url"),
        ("eas_update", {"eas_service": None}, "targets[0].config.eas_service"),
    ]
    for method, config, field in cases:
        source, types = ("model", [MODEL_APPROVED]) if method in ("http", "eas_update") else ("dlc_job", [DLC_FAILED])
        response = owner_api.post(rules_url(activated_workspace), body(
            source=source, event_types=types, targets=[{"method": method, "config": config}]), format="json")
        assert response.status_code == 400, (method, response.content)
        assert any(key.startswith(field) for key in response.json()["error"]["fields"]), (method, response.json())
    assert not Rule.objects.exists()
