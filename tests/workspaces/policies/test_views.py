"""The console pages: Users and Policies (create a sub-user, attach and detach with HTMX), the policy
editor (Validate shows each error at its place), the Audit Log, and the 403 page of a refusal."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from workspaces.iam.audit import audit_record
from workspaces.models import AuditLogEntry, Policy, User

HTMX = {"HTTP_HX_REQUEST": "true"}
READ_ONLY = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "eventbridge:List*", "Resource": "*"}]}


@pytest.fixture
def subuser_client(client, subuser):
    client.force_login(subuser)
    return client


def test_the_users_page_lists_the_accounts_users_and_their_policies(owner_client, seed_subuser, outsider):
    page = owner_client.get(reverse("user-list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="user-row-alice"' in html and 'data-testid="user-row-carol"' in html
    assert 'data-testid="attached-EventBridgeFullAccess"' in html
    assert "mallory" not in html
    assert 'data-testid="create-subuser"' in html


def test_the_owner_creates_a_sub_user_from_the_console(owner_client):
    answer = owner_client.post(reverse("user-create"), {"username": "erin", "password": "long-enough-1"}, **HTMX)
    assert answer.status_code == 200
    assert answer["HX-Redirect"].startswith(reverse("user-list"))
    erin = User.objects.get(username="erin")
    assert not erin.is_account_owner and erin.account.name == "acme"


def test_a_bad_sub_user_form_shows_the_error_under_its_field(owner_client):
    answer = owner_client.post(reverse("user-create"), {"username": "", "password": "x"}, **HTMX)
    html = answer.content.decode()
    assert answer.status_code == 200 and 'id="user-form"' in html and "<html" not in html
    assert html.count('class="field-error"') >= 2


def test_attach_and_detach_re_render_the_users_row(owner_client, subuser, account):
    policy = Policy.objects.create(account=account, name="ro", document=READ_ONLY)
    attached = owner_client.post(reverse("user-attach-policy", kwargs={"pk": subuser.pk}), {"policy": policy.pk},
                                 **HTMX)
    assert attached.status_code == 200
    assert f'id="user-{subuser.pk}"' in attached.content.decode()
    assert 'data-testid="attached-ro"' in attached.content.decode()
    assert list(subuser.policies.all()) == [policy]
    detached = owner_client.post(reverse("user-detach-policy", kwargs={"pk": subuser.pk, "policy_id": policy.pk}),
                                 **HTMX)
    assert 'data-testid="attached-ro"' not in detached.content.decode()
    assert not subuser.policies.exists()
    assert [e.action for e in AuditLogEntry.objects.order_by("id")] == ["policy.attach", "policy.detach"]


def test_the_policy_editor_starts_from_the_seed_policy(owner_client):
    html = owner_client.get(reverse("policy-create")).content.decode()
    assert "eventbridge:CreateEventBus" in html and "acs:eventbridge:*:*:eventbus/*" in html


def test_validate_shows_the_place_of_each_error_inline(owner_client):
    document = json.dumps({"Version": "1", "Statement": [{"Effect": "Alow", "Action": "*", "Resource": "*"}]})
    answer = owner_client.post(reverse("policy-validate"), {"document": document}, **HTMX)
    html = answer.content.decode()
    assert answer.status_code == 200 and "<html" not in html
    place = '<code data-testid="problem-place">Statement[0].Effect</code>'
    assert f"{place}: must be &quot;Allow&quot; or &quot;Deny&quot;" in html


def test_validate_points_at_the_line_and_column_of_malformed_json(owner_client):
    answer = owner_client.post(reverse("policy-validate"), {"document": '{\n  "Version": "1"\n  "Statement": []\n}'},
                               **HTMX)
    html = answer.content.decode()
    assert "line 3, column 3" in html
    assert '3 |   &quot;Statement&quot;: []\n      ^' in html


def test_validate_says_so_when_the_document_is_valid(owner_client):
    answer = owner_client.post(reverse("policy-validate"), {"document": json.dumps(READ_ONLY)}, **HTMX)
    assert 'data-testid="policy-valid"' in answer.content.decode()


def test_saving_a_new_policy_redirects_to_its_editor(owner_client, account):
    answer = owner_client.post(reverse("policy-create"), {"name": "ro", "document": json.dumps(READ_ONLY)})
    policy = Policy.objects.get(account=account, name="ro")
    assert answer.status_code == 302 and answer["Location"] == reverse("policy-edit", kwargs={"pk": policy.pk})
    assert policy.document == READ_ONLY


def test_saving_an_invalid_policy_keeps_the_text_and_shows_the_places(owner_client):
    text = '{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "nope:Nothing", "Resource": "*"}]}'
    answer = owner_client.post(reverse("policy-create"), {"name": "bad", "document": text})
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "Statement[0].Action" in html and "unknown action &quot;nope:Nothing&quot;" in html
    assert "nope:Nothing" in html.split('data-testid="policy-document"')[1]
    assert not Policy.objects.exists()


def test_editing_a_policy_changes_its_document(owner_client, account):
    policy = Policy.objects.create(account=account, name="ro", document=READ_ONLY)
    changed = dict(READ_ONLY, Statement=[dict(READ_ONLY["Statement"][0], Effect="Deny")])
    owner_client.post(reverse("policy-edit", kwargs={"pk": policy.pk}), {"description": "d",
                                                                          "document": json.dumps(changed)})
    policy.refresh_from_db()
    assert policy.document == changed and policy.description == "d"


def test_the_policies_page_lists_policies_with_their_users(owner_client, seed_subuser):
    html = owner_client.get(reverse("policy-list")).content.decode()
    assert 'data-testid="policy-row-EventBridgeFullAccess"' in html and "carol" in html


def test_a_refused_console_page_is_a_403_naming_action_and_resource_and_is_audited(subuser_client, subuser, account):
    answer = subuser_client.get(reverse("user-list"))
    assert answer.status_code == 403
    html = answer.content.decode()
    assert '<code data-testid="denied-action">ram:ListUsers</code>' in html
    assert f"acs:ram::{account.uid}:user/*" in html
    entry = AuditLogEntry.objects.get(action="access.denied")
    assert entry.actor == subuser and entry.changes["request"] == [None, "GET /account/users/"]


def test_a_refused_forged_post_changes_nothing(subuser_client, subuser, account):
    answer = subuser_client.post(reverse("user-create"), {"username": "evil", "password": "long-enough-1"})
    assert answer.status_code == 403
    assert not User.objects.filter(username="evil").exists()
    assert AuditLogEntry.objects.get(action="access.denied").changes["action"] == [None, "ram:CreateUser"]


def test_a_sub_user_who_may_read_but_not_write_sees_disabled_buttons(client, subuser, account):
    reader = Policy.objects.create(account=account, name="ram-read", document={"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": ["ram:List*", "ram:Get*"], "Resource": "*"}]})
    subuser.policies.add(reader)
    client.force_login(subuser)
    users = client.get(reverse("user-list")).content.decode()
    assert 'data-testid="create-subuser"' not in users and "Requires ram:CreateUser" in users
    policies = client.get(reverse("policy-list")).content.decode()
    assert 'data-testid="create-policy"' not in policies and 'data-testid="delete-ram-read"' not in policies


def test_another_accounts_user_and_policy_are_not_found(client, outsider, subuser, seed_subuser):
    client.force_login(outsider)
    policy = seed_subuser.policies.get()
    assert client.get(reverse("policy-edit", kwargs={"pk": policy.pk})).status_code == 404
    assert client.post(reverse("user-attach-policy", kwargs={"pk": subuser.pk}), {"policy": 1}).status_code == 404


def test_the_audit_log_page_filters_with_htmx_and_paginates(owner_client, owner, subuser, account):
    for number in range(55):
        audit_record(actor=owner, account=account, action="rule.update", object_type="rule", object_id=number)
    audit_record(actor=subuser, account=account, action="contact.create", object_type="contact", object_id=1)
    page = owner_client.get(reverse("audit-log"))
    html = page.content.decode()
    assert html.count('data-testid="audit-row"') == 50 and "Page 1 of 2" in html
    filtered = owner_client.get(reverse("audit-log"), {"user": "bob"}, HTTP_HX_TARGET="audit-table", **HTMX)
    fragment = filtered.content.decode()
    assert "<html" not in fragment and fragment.count('data-testid="audit-row"') == 1
    assert 'data-action="contact.create"' in fragment
    by_object = owner_client.get(reverse("audit-log"), {"object_type": "rule", "object_id": "54"})
    assert by_object.content.decode().count('data-testid="audit-row"') == 1


def test_the_audit_log_page_filters_by_time_range(owner_client, owner, account):
    old = audit_record(actor=owner, account=account, action="rule.delete")
    AuditLogEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=5))
    audit_record(actor=owner, account=account, action="rule.create")
    since = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    html = owner_client.get(reverse("audit-log"), {"since": since}).content.decode()
    assert 'data-action="rule.create"' in html and 'data-action="rule.delete"' not in html


def test_the_buttons_follow_the_declarations_of_the_services_they_lead_to(client, subuser, seed_subuser, account):
    """A sub-user may change the team-* policies and attach policies to carol only: each row shows
    the buttons its own service would accept (the view asks `<service>.allowed`)."""
    scoped = Policy.objects.create(account=account, name="team-scoped", document={"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": ["ram:List*", "ram:Get*"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["ram:UpdatePolicy", "ram:DeletePolicy"],
         "Resource": f"acs:ram::{account.uid}:policy/team-*"},
        {"Effect": "Allow", "Action": "ram:AttachPolicyToUser", "Resource": f"acs:ram::{account.uid}:user/carol"}]})
    subuser.policies.add(scoped)
    client.force_login(subuser)
    policies = client.get(reverse("policy-list")).content.decode()
    assert 'data-testid="delete-team-scoped"' in policies and 'data-testid="create-policy"' not in policies
    assert 'data-testid="delete-EventBridgeFullAccess"' not in policies
    editors = [client.get(reverse("policy-edit", kwargs={"pk": policy.pk})).content.decode()
               for policy in (scoped, Policy.objects.get(name="EventBridgeFullAccess"))]
    assert ['data-testid="save-policy"' in html for html in editors] == [True, False]
    users = client.get(reverse("user-list")).content.decode()
    assert 'data-testid="attach-select-carol"' in users and 'data-testid="attach-select-bob"' not in users
    assert 'data-testid="detach-' not in users and 'data-testid="create-subuser"' not in users


def test_an_htmx_request_refused_gets_the_notice_alone_and_an_event(subuser_client):
    answer = subuser_client.get(reverse("audit-log"), **HTMX)
    html = answer.content.decode()
    assert answer.status_code == 403 and "<html" not in html
    assert 'data-testid="denied-action">actiontrail:LookupEvents<' in html
    assert "accessDenied" in answer["HX-Trigger"]
