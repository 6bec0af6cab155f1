"""Django admin: a policy's document is pretty-printed and validated on save; the audit log is
read-only, searchable and filterable."""

import json

from django.urls import reverse

from workspaces.iam.audit import audit_record
from workspaces.models import AuditLogEntry, Policy

READ_ONLY = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "eventbridge:List*", "Resource": "*"}]}


def test_the_policy_form_shows_the_document_pretty_printed(admin_client, account):
    policy = Policy.objects.create(account=account, name="ro", document=READ_ONLY)
    html = admin_client.get(reverse("admin:workspaces_policy_change", args=[policy.pk])).content.decode()
    assert "{\n  &quot;Version&quot;: &quot;1&quot;," in html


def test_an_invalid_document_is_refused_in_admin_with_its_place(admin_client, account):
    answer = admin_client.post(reverse("admin:workspaces_policy_add"), {
        "account": account.pk, "name": "bad", "description": "",
        "document": '{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "x:Y", "Resource": "*"}]}',
    })
    assert answer.status_code == 200
    assert "Statement[0].Action: unknown action &quot;x:Y&quot;" in answer.content.decode()
    assert not Policy.objects.exists()


def test_a_valid_document_is_saved_and_audited_with_the_operator(admin_client, account, admin_user):
    answer = admin_client.post(reverse("admin:workspaces_policy_add"), {
        "account": account.pk, "name": "ro", "description": "", "document": json.dumps(READ_ONLY)})
    assert answer.status_code == 302
    assert Policy.objects.get(name="ro").document == READ_ONLY
    entry = AuditLogEntry.objects.get(action="policy.create")
    assert entry.actor == admin_user and entry.account == account


def test_the_audit_log_is_read_only_and_searchable(admin_client, owner, account):
    entry = audit_record(actor=owner, account=account, action="rule.create", object_repr="notify-team")
    listing = admin_client.get(reverse("admin:workspaces_auditlogentry_changelist"), {"q": "notify-team"})
    assert "notify-team" in listing.content.decode()
    assert admin_client.get(reverse("admin:workspaces_auditlogentry_add")).status_code == 403
    change = admin_client.post(reverse("admin:workspaces_auditlogentry_change", args=[entry.pk]), {"action": "x"})
    assert change.status_code == 403
    entry.refresh_from_db()
    assert entry.action == "rule.create"
