"""The Create Notice Rule drawer, its HTMX refreshes and the row actions, through the test client."""

from django.urls import reverse

from notifications.models import Rule

from .conftest import DINGTALK_TOKEN, DINGTALK_WEBHOOK, DLC_FAILED, SECRETS, SIGNING_KEY, dingtalk

HX = {"HTTP_HX_REQUEST": "true"}


def url(name, ws, **kw):
    return reverse(name, kwargs={"workspace_id": ws.pk, **kw})


def form(**extra):
    data = {"name": "job-failures", "source": "dlc_job", "event_types": [DLC_FAILED], "scope": "all",
            "target_keys": ["0"], "t0-method": "dingtalk", "t0-webhook": DINGTALK_WEBHOOK,
            "t0-signing_key": SIGNING_KEY}
    data.update(extra)
    return data


def test_the_drawer_opens_with_both_sections_and_ok_cancel(owner_client, activated_workspace):
    page = owner_client.get(url("rule-create", activated_workspace), **HX).content.decode()
    assert "Configure event types" in page and "Configure event targets" in page
    assert 'data-testid="rule-ok"' in page and 'data-testid="rule-cancel"' in page
    assert "Signing Key" in page  # DingTalk is the first method offered


def test_without_htmx_the_drawer_comes_in_a_full_page(owner_client, activated_workspace):
    page = owner_client.get(url("rule-create", activated_workspace)).content.decode()
    assert "<html" in page and 'id="rule-form"' in page and 'data-testid="rules-table"' in page


def test_changing_the_source_swaps_the_event_types_and_the_methods(owner_client, activated_workspace):
    body = owner_client.post(url("rule-form-refresh", activated_workspace),
                             form(source="model", _op="source"), **HX).content.decode()
    assert "Model Version Approved for Publishing" in body and "Job Failed" not in body
    assert 'value="http"' in body and 'value="eas_update"' in body and 'value="contacts"' not in body
    assert "Specified models" in body


def test_the_drawer_offers_the_notification_system_with_its_types_and_no_eas_update(owner_client,
                                                                                 activated_workspace):
    page = owner_client.get(url("rule-create", activated_workspace), **HX).content.decode()
    assert '<option value="notification_system">Notification system</option>' in page
    body = owner_client.post(url("rule-form-refresh", activated_workspace),
                             form(source="notification_system", _op="source"), **HX).content.decode()
    for label in ("Target Disabled", "Delivery Dead", "Quota Nearly Used", "Replay Finished"):
        assert label in body
    assert 'value="http"' in body and 'value="contacts"' in body and 'value="eas_update"' not in body


def test_a_target_using_a_method_the_source_does_not_allow_is_flagged(owner_client, activated_workspace):
    body = owner_client.post(url("rule-form-refresh", activated_workspace),
                             form(source="model", **{"t0-method": "contacts"}, _op="source"), **HX).content.decode()
    assert 'data-testid="method-not-allowed"' in body


def test_the_signing_key_is_only_a_dingtalk_field(owner_client, activated_workspace):
    body = owner_client.post(url("rule-form-refresh", activated_workspace),
                             form(**{"t0-method": "wecom"}, _op="method", _key="0"), **HX).content.decode()
    assert "Signing Key" not in body and "Webhook" in body


def test_adding_and_removing_targets_keeps_what_was_typed_and_counts_units(owner_client, activated_workspace):
    refresh = url("rule-form-refresh", activated_workspace)
    body = owner_client.post(refresh, form(_op="add"), **HX).content.decode()
    assert body.count('data-testid="target"') == 2 and DINGTALK_WEBHOOK.replace("&", "&amp;") in body
    assert "2 / 5" in body
    body = owner_client.post(refresh, form(target_keys=["0", "1"], **{"t1-method": "wecom"}, _op="remove", _key="0"),
                             **HX).content.decode()
    assert body.count('data-testid="target"') == 1 and "1 / 5" in body


def test_a_sixth_unit_shows_the_quota_message(owner_client, activated_workspace):
    data = form(target_keys=[str(n) for n in range(5)], _op="add")
    for n in range(5):
        data[f"t{n}-method"] = "wecom"
    body = owner_client.post(url("rule-form-refresh", activated_workspace), data, **HX).content.decode()
    assert "This rule uses 6 target units; the limit is 5." in body


def test_ok_saves_the_rule_closes_the_drawer_and_refreshes_the_table(owner_client, activated_workspace):
    response = owner_client.post(url("rule-create", activated_workspace), form(), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    rule = Rule.objects.get()
    assert rule.name == "job-failures" and rule.targets.get().secrets["signing_key"] == SIGNING_KEY
    assert 'hx-swap-oob="true"' in body and "job-failures" in body and 'id="rule-form"' not in body
    assert not any(secret in body for secret in SECRETS)


def test_errors_show_under_their_fields_and_keep_the_input(owner_client, activated_workspace):
    data = form(name="bad name", event_types=[], **{"t0-webhook": "https://example.com/hook"})
    body = owner_client.post(url("rule-create", activated_workspace), data, **HX).content.decode()
    assert "Invalid rule name" in body and "Choose event types of DLC job, or All event types of this source." in body
    assert "Enter the bot&#x27;s webhook" in body
    assert 'value="bad name"' in body and 'value="https://example.com/hook"' in body
    assert not Rule.objects.exists()


def test_without_htmx_a_save_redirects_to_the_rules_table(owner_client, activated_workspace):
    response = owner_client.post(url("rule-create", activated_workspace), form())
    assert response.status_code == 302 and Rule.objects.count() == 1


def test_editing_shows_secrets_masked_and_keeps_them_when_left_blank(owner_client, make_rule, activated_workspace):
    rule = make_rule(targets=[dingtalk()])
    page = owner_client.get(url("rule-update", activated_workspace, rule_id=rule.pk), **HX).content.decode()
    assert "Edit Notice Rule job-failures" in page and "••••••" in page
    assert not any(secret in page for secret in SECRETS)
    target = rule.targets.get()
    data = form(name="renamed", **{"t0-id": str(target.pk), "t0-webhook": "", "t0-signing_key": ""})
    owner_client.post(url("rule-update", activated_workspace, rule_id=rule.pk), data, **HX)
    target.refresh_from_db()
    assert target.rule.name == "renamed" and target.secrets["signing_key"] == SIGNING_KEY


def test_the_table_shows_masked_targets_and_disabling_turns_the_tag_grey(owner_client, make_rule, activated_workspace):
    rule = make_rule()
    table = owner_client.get(url("workspace-event-notifications", activated_workspace)).content.decode()
    assert "DingTalk notification" in table and "tag-green" in table and DINGTALK_TOKEN not in table
    body = owner_client.post(url("rule-disable", activated_workspace, rule_id=rule.pk), **HX).content.decode()
    assert "tag-grey" in body and "Disabled" in body
    body = owner_client.post(url("rule-enable", activated_workspace, rule_id=rule.pk), **HX).content.decode()
    assert "tag-green" in body


def test_delete_asks_first_then_deletes(owner_client, make_rule, activated_workspace):
    rule = make_rule()
    confirm = owner_client.get(url("rule-delete", activated_workspace, rule_id=rule.pk), **HX).content.decode()
    assert "This cannot be undone." in confirm and Rule.objects.exists()
    owner_client.post(url("rule-delete", activated_workspace, rule_id=rule.pk), **HX)
    assert not Rule.objects.exists()


def test_another_accounts_rule_is_not_found(client, outsider, make_rule, activated_workspace):
    rule = make_rule()
    client.force_login(outsider)
    assert client.get(url("rule-update", activated_workspace, rule_id=rule.pk)).status_code == 404
    assert client.post(url("rule-disable", activated_workspace, rule_id=rule.pk)).status_code == 404


def test_a_sub_user_without_create_rule_sees_no_create_button(client, subuser, activated_workspace):
    client.force_login(subuser)
    page = client.get(url("workspace-event-notifications", activated_workspace)).content.decode()
    assert "eventbridge:ListRules" in page and 'hx-get="/workspaces' not in page
    assert client.get(url("rule-create", activated_workspace)).status_code == 403


def test_test_connectivity_is_refused_for_methods_without_it(owner_client, activated_workspace):
    data = form(**{"t0-method": "contacts"}, _key="0")
    body = owner_client.post(url("rule-test-connectivity", activated_workspace), data, **HX).content.decode()
    assert "only available for DingTalk, WeCom, and Lark" in body


def test_test_connectivity_validates_the_values_first(owner_client, activated_workspace):
    data = form(**{"t0-method": "wecom", "t0-webhook": "https://evil.example/x"}, _key="0")
    body = owner_client.post(url("rule-test-connectivity", activated_workspace), data, **HX).content.decode()
    assert "Webhook: Enter the bot" in body


def test_test_connectivity_shows_the_bots_success(owner_client, activated_workspace, fake_wecom):
    bot = fake_wecom.add_bot()
    data = form(**{"t0-method": "wecom", "t0-webhook": bot.webhook}, _key="0")
    body = owner_client.post(url("rule-test-connectivity", activated_workspace), data, **HX).content.decode()
    assert 'data-ok="true"' in body and len(fake_wecom.accepted) == 1


def test_test_connectivity_of_a_saved_target_uses_its_stored_secret(owner_client, make_rule, activated_workspace,
                                                                     fake_dingtalk):
    bot = fake_dingtalk.add_bot(secret=SIGNING_KEY)
    rule = make_rule(targets=[{"method": "dingtalk", "values": {"webhook": bot.webhook, "signing_key": SIGNING_KEY}}])
    target = rule.targets.get()
    data = form(**{"t0-id": str(target.pk), "t0-webhook": "", "t0-signing_key": ""}, _key="0")
    body = owner_client.post(url("rule-test-connectivity", activated_workspace), data, **HX).content.decode()
    assert 'data-ok="true"' in body
    wrong = form(**{"t0-id": str(target.pk), "t0-webhook": "", "t0-signing_key": "SECwrongwrongwrong0000"}, _key="0")
    body = owner_client.post(url("rule-test-connectivity", activated_workspace), wrong, **HX).content.decode()
    assert 'data-ok="false"' in body and "310000" in body and "sign not match" in body


def test_a_new_http_targets_signing_secret_is_shown_once_after_saving(owner_client, activated_workspace):
    data = form(source="model", event_types=["pai:ModelManagement:ModelVersionApproved"],
                **{"t0-method": "http", "t0-url": "https://hooks.example.com/pai"})
    body = owner_client.post(url("rule-create", activated_workspace), data, **HX).content.decode()
    secret = Rule.objects.get().targets.get().secrets["signing_secret"]
    assert 'data-testid="secret-once"' in body and secret in body
    later = owner_client.get(url("workspace-event-notifications", activated_workspace)).content.decode()
    edit = owner_client.get(url("rule-update", activated_workspace, rule_id=Rule.objects.get().pk)).content.decode()
    assert secret not in later and secret not in edit


def test_at_fifty_rules_the_create_button_is_disabled(owner_client, activated_workspace):
    Rule.objects.bulk_create([Rule(bus=activated_workspace.event_bus, name=f"r{n:02d}", source="dlc_job")
                              for n in range(50)])
    page = owner_client.get(url("workspace-event-notifications", activated_workspace)).content.decode()
    assert "already has 50 rules; the limit is 50." in page


def test_the_specified_models_scope_shows_a_model_picker(owner_client, activated_workspace, pai_model):
    data = form(source="model", event_types=[], scope="models", **{"t0-method": "dingtalk"}, _op="scope")
    body = owner_client.post(url("rule-form-refresh", activated_workspace), data, **HX).content.decode()
    assert 'data-testid="model-picker"' in body and "fraud_model" in body


def test_the_eas_update_method_offers_running_services_only(owner_client, activated_workspace, running_eas):
    from workspaces.models import EasService

    EasService.objects.create(workspace=activated_workspace, name="stopped_svc", status=EasService.Status.STOPPED)
    data = form(source="model", event_types=[], **{"t0-method": "eas_update"}, _op="method", _key="0")
    body = owner_client.post(url("rule-form-refresh", activated_workspace), data, **HX).content.decode()
    assert "fraud_svc" in body and "stopped_svc" not in body and "Test Connectivity" in body
    assert "disabled" in body and "only available for DingTalk, WeCom, and Lark" in body


def test_the_contacts_method_offers_the_accounts_contacts_per_channel(owner_client, activated_workspace,
                                                                      seed_contacts):
    data = form(**{"t0-method": "contacts", "t0-sms": [str(seed_contacts["Alice"].pk), str(seed_contacts["Tony"].pk)],
                   "t0-email": [str(seed_contacts["Alice"].pk)]}, _op="contacts")
    body = owner_client.post(url("rule-form-refresh", activated_workspace), data, **HX).content.decode()
    assert "Voice call" in body and "Text message" in body and "Alan" in body and "3 / 5" in body


def test_a_saved_lark_signing_secret_can_be_removed_with_its_box(owner_client, make_rule, activated_workspace):
    from .conftest import LARK_SECRET, LARK_WEBHOOK, lark

    rule = make_rule(targets=[lark()])
    target = rule.targets.get()
    page = owner_client.get(url("rule-update", activated_workspace, rule_id=rule.pk), **HX).content.decode()
    assert 'name="t0-remove_signing_secret"' in page and "Remove it" in page
    assert 'name="t0-remove_webhook"' not in page  # a required secret has no such box
    edit = {"t0-id": str(target.pk), "t0-method": "lark", "t0-webhook": "", "t0-signing_secret": ""}
    edit.pop("t0-signing_key", None)

    owner_client.post(url("rule-update", activated_workspace, rule_id=rule.pk), {**form(), **edit}, **HX)
    target.refresh_from_db()
    assert target.secrets["signing_secret"] == LARK_SECRET  # blank keeps it

    data = {**form(), **edit, "t0-remove_signing_secret": "on"}
    data.pop("t0-signing_key")
    owner_client.post(url("rule-update", activated_workspace, rule_id=rule.pk), data, **HX)
    target.refresh_from_db()
    assert target.secrets == {"webhook": LARK_WEBHOOK}
    page = owner_client.get(url("rule-update", activated_workspace, rule_id=rule.pk), **HX).content.decode()
    assert "Remove it" not in page  # nothing saved to remove any more


def test_a_user_who_may_not_list_contacts_sees_no_contact_names_in_the_drawer(client, owner, seed_subuser,
                                                                                activated_workspace):
    from notifications.services.contacts import contact_create

    contact_create(actor=owner, account=owner.account, name="Alice", email="alice@example.com")
    data = {"source": "dlc_job", "scope": "all", "target_keys": "0", "t0-method": "contacts", "_op": "method",
            "_key": "0"}
    client.force_login(owner)
    assert "Alice" in client.post(url("rule-form-refresh", activated_workspace), data, **HX).content.decode()
    client.force_login(seed_subuser)  # EventBridge actions only: no cms:DescribeContactList
    body = client.post(url("rule-form-refresh", activated_workspace), data, **HX).content.decode()
    assert "Alice" not in body and "Choosing contacts needs <code>cms:DescribeContactList</code>" in body
