"""Pages and Django admin never show a saved secret; contacts, quotas and their admin actions work."""

import pytest
from django.urls import reverse

from notifications.models import Contact, QuotaIncreaseRequest, TargetQuota
from notifications.services.quotas import quota_request_create

from .conftest import MODEL_APPROVED, SECRETS, contacts, dingtalk, http, lark, wecom


@pytest.fixture
def operator(db):
    from workspaces.models import User

    return User.objects.create_superuser(username="op", password="x-operator-42", email="op@example.com")


@pytest.fixture
def admin_client(client, operator):
    client.force_login(operator)
    return client


def test_admin_shows_rules_and_targets_with_secrets_masked(admin_client, make_rule):
    rule = make_rule(targets=[dingtalk(), lark()])
    target = rule.targets.first()
    pages = [
        reverse("admin:notifications_rule_changelist"),
        reverse("admin:notifications_rule_change", args=[rule.pk]),
        reverse("admin:notifications_target_changelist"),
        reverse("admin:notifications_target_change", args=[target.pk]),
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert not any(secret in text for secret in SECRETS), url
    assert "••••••" in admin_client.get(pages[1]).content.decode()


def test_admin_approves_a_quota_request_through_the_service(admin_client, account, owner):
    pending = quota_request_create(actor=owner, account=account, requested_limit=12, reason="many on-call people")
    response = admin_client.post(reverse("admin:notifications_quotaincreaserequest_changelist"),
                                 {"action": "approve", "_selected_action": [pending.pk]})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "approved" and TargetQuota.objects.get(account=account).targets_per_rule == 12


def test_admin_rejects_a_quota_request_and_the_limit_stays(admin_client, account, owner):
    pending = quota_request_create(actor=owner, account=account, requested_limit=12)
    admin_client.post(reverse("admin:notifications_quotaincreaserequest_changelist"),
                      {"action": "reject", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == "rejected" and not TargetQuota.objects.filter(account=account).exists()


def test_admin_lists_contacts_and_quotas(admin_client, seed_contacts):
    for name in ("contact", "targetquota", "quotaincreaserequest"):
        assert admin_client.get(reverse(f"admin:notifications_{name}_changelist")).status_code == 200


def test_the_contacts_page_lists_creates_and_validates(owner_client, seed_contacts):
    page = owner_client.get(reverse("contact-list")).content.decode()
    assert "Message Receiving Settings" in page and "Alice" in page and "Tony" in page
    bad = owner_client.post(reverse("contact-create"), {"name": "Bob", "mobile": "555", "email": ""})
    assert bad.status_code == 400 and "E.164" in bad.content.decode()
    good = owner_client.post(reverse("contact-create"), {"name": "Bob", "mobile": "+8613900000009", "email": ""})
    assert good.status_code == 302 and Contact.objects.filter(name="Bob").exists()


def test_the_contacts_page_refuses_deleting_a_contact_in_use_naming_the_rules(owner_client, make_rule, seed_contacts):
    alice = seed_contacts["Alice"]
    make_rule(name="sms-alerts", targets=[contacts(sms=[alice])])
    response = owner_client.post(reverse("contact-delete", kwargs={"contact_id": alice.pk}))
    assert response.status_code == 409 and "sms-alerts" in response.content.decode()
    assert Contact.objects.filter(pk=alice.pk).exists()
    tony = seed_contacts["Tony"]
    assert owner_client.post(reverse("contact-delete", kwargs={"contact_id": tony.pk})).status_code == 302
    assert not Contact.objects.filter(pk=tony.pk).exists()


def test_another_accounts_contact_is_not_found(client, outsider, seed_contacts):
    client.force_login(outsider)
    alice = seed_contacts["Alice"]
    assert client.get(reverse("contact-update", kwargs={"contact_id": alice.pk})).status_code == 404


def test_the_quotas_page_shows_the_limit_the_largest_rule_and_requests(owner_client, make_rule):
    make_rule(name="big", targets=[dingtalk(), dingtalk(), dingtalk()])
    page = owner_client.get(reverse("quota-page")).content.decode()
    assert "5 target units per rule" in page and "3 / 5" in page and "big" in page
    too_many = owner_client.post(reverse("quota-page"), {"requested_limit": "500", "reason": ""})
    assert too_many.status_code == 400 and "the most you can request is 100" in too_many.content.decode()
    owner_client.post(reverse("quota-page"), {"requested_limit": "20", "reason": "team"})
    page = owner_client.get(reverse("quota-page")).content.decode()
    assert "pending an operator" in page and QuotaIncreaseRequest.objects.get().requested_limit == 20


def test_workspace_pages_never_show_saved_secrets(owner_client, make_rule, activated_workspace):
    rule = make_rule(targets=[dingtalk(), lark()])
    for url in (reverse("workspace-event-notifications", kwargs={"workspace_id": activated_workspace.pk}),
                reverse("rule-update", kwargs={"workspace_id": activated_workspace.pk, "rule_id": rule.pk})):
        text = owner_client.get(url).content.decode()
        assert not any(secret in text for secret in SECRETS)


def test_the_rules_table_decrypts_no_secret_and_its_queries_do_not_grow(
    owner_client, make_rule, activated_workspace, pai_model, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from console import crypto

    url = reverse("workspace-event-notifications", kwargs={"workspace_id": activated_workspace.pk})
    make_rule(name="chat", targets=[dingtalk(), wecom(), lark()])
    with CaptureQueriesContext(connection) as few:
        assert owner_client.get(url).status_code == 200
    make_rule(name="more-chat", targets=[dingtalk(), lark(), wecom(), dingtalk(), lark()])
    make_rule(name="model", source="model", event_types=(MODEL_APPROVED,), targets=[http(), dingtalk()])

    decrypted = []
    real_decrypt = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda token: decrypted.append(1) or real_decrypt(token))
    with CaptureQueriesContext(connection) as many:
        response = owner_client.get(url)

    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    assert not any('"secrets"' in query["sql"] and "notifications_target" in query["sql"]
                   for query in many.captured_queries)  # the column is not even read
    assert decrypted == []
    text = response.content.decode()
    assert "more-chat" in text and not any(secret in text for secret in SECRETS)


def test_a_list_never_loads_secrets_one_target_at_a_time(make_rule, activated_workspace, owner):
    """A target without the masked copies in its config (written in bulk, say) shows blanks in a
    list rather than costing a query per target; its own page (secrets loaded) still masks them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.models import Target
    from notifications.selectors.rules import rule_get, rule_row, rules_for_workspace

    rule = make_rule(targets=[dingtalk(), dingtalk(), lark()])
    Target.objects.filter(rule=rule).update(config={})
    with CaptureQueriesContext(connection) as captured:
        rows = [rule_row(r) for r in rules_for_workspace(actor=owner, workspace=activated_workspace)]
    assert len(captured.captured_queries) <= 8
    assert [t["config"]["webhook"] for t in rows[0].targets] == ["", "", ""]
    detail = rule_row(rule_get(actor=owner, workspace=activated_workspace, rule_id=rule.pk))
    assert all(t["config"]["webhook"].startswith("••••••") for t in detail.targets)
