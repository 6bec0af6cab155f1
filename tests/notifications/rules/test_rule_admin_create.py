"""An operator creates a notice rule in Django admin: the console's rule form (All event types of this
source, one target from its method's schema) saved by the rule service, which keys and routes it; bad
input comes back under its field, named in a message with the rule, and nothing typed is lost."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from notifications.models import Delivery, RoutingKey, Rule
from notifications.services.routing import event_route
from tests.notifications.delivery.builders import raise_event
from workspaces.models import AuditLogEntry, User

from .conftest import DINGTALK_WEBHOOK, SIGNING_KEY

ADD = "admin:notifications_rule_add"
DLC_TYPES = ["JobEnqueued", "JobBidding", "JobEnvPreparing", "JobRunning", "JobSucceeded", "JobFailed",
             "JobFaultToleranceRestarted", "JobTimeout", "JobPreempted", "JobStopped"]
BOT_SECRET = "SEC" + "0bad1e57" * 8


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser(username="op", password="x-operator-42", email="op@example.com"))
    return client


def posted(workspace, **values):
    data = {"workspace": workspace.pk, "shown_workspace": workspace.pk, "name": "all-dlc", "source": "dlc_job",
            "all_event_types": "on", "scope": "all", "target_keys": "0", "t0-method": "dingtalk",
            "t0-webhook": DINGTALK_WEBHOOK, "t0-signing_secret": SIGNING_KEY, "_save": "Save"}
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def test_the_add_page_offers_the_console_form_for_a_picked_workspace(admin_client, activated_workspace):
    assert admin_client.get(reverse("admin:notifications_rule_changelist")).context["has_add_permission"] is True
    first = admin_client.get(reverse(ADD)).content.decode()
    assert activated_workspace.name in first and 'name="_save"' not in first
    page = admin_client.get(reverse(ADD), {"workspace": activated_workspace.pk}).content.decode()
    assert "All event types of this source" in page and "Task Failed" in page  # the first source
    assert 'name="t0-webhook"' in page and 'name="t0-signing_secret"' in page and 'name="_save"' in page


def test_refresh_redraws_for_the_new_source_and_keeps_what_was_typed(admin_client, activated_workspace):
    data = posted(activated_workspace, source="flow_task", _save=None, _refresh="Refresh")
    response = admin_client.post(reverse(ADD), data)
    page = response.content.decode()
    assert response.status_code == 200 and not Rule.objects.exists()
    assert "Task Failed" in page and "Job Failed" not in page and 'value="all-dlc"' in page


def test_an_operator_creates_an_all_types_dlc_rule_that_delivers_to_dingtalk(
        admin_client, activated_workspace, fake_dingtalk, django_capture_on_commit_callbacks):
    bot = fake_dingtalk.add_bot(secret=BOT_SECRET)
    response = admin_client.post(reverse(ADD), posted(activated_workspace, **{
        "t0-webhook": bot.webhook, "t0-signing_secret": BOT_SECRET}))
    rule = Rule.objects.get(name="all-dlc")
    assert response.status_code == 302 and response.url == reverse("admin:notifications_rule_change", args=[rule.pk])
    assert rule.bus == activated_workspace.event_bus and rule.enabled and not rule.event_types.exists()
    assert sorted(RoutingKey.objects.filter(rule=rule).values_list("event_type", "scope_key")) == sorted(
        (f"pai:DLC:{name}", "all") for name in DLC_TYPES)
    assert [t.method for t in rule.targets.all()] == ["dingtalk"]
    created = AuditLogEntry.objects.get(action="rule.create")
    assert created.changes["event_types"] == [None, "All event types"]
    assert "Rule all-dlc created" in [str(m) for m in get_messages(response.wsgi_request)][0]

    event = raise_event(activated_workspace, type_name="JobPreempted", resource_id=7, name="job-seven")
    with django_capture_on_commit_callbacks(execute=True):
        assert event_route(event_id=event.pk) == 1
    assert Delivery.objects.get().status == "succeeded"
    [message] = fake_dingtalk.messages_for(bot)
    assert "job-seven" in message.json["markdown"]["text"]


def test_a_bad_webhook_is_a_field_error_naming_the_rule_and_nothing_is_lost(admin_client, activated_workspace):
    response = admin_client.post(reverse(ADD), posted(activated_workspace, **{"t0-webhook": "not-a-webhook"}))
    assert response.status_code == 200 and not Rule.objects.exists()
    target = response.context["target"]
    assert target.errors["webhook"], target.errors
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Rule all-dlc was not created: ") and "Webhook" in message
    page = response.content.decode()
    assert 'value="not-a-webhook"' in page and 'value="all-dlc"' in page
    assert re.search(r'<input type="checkbox" name="all_event_types"[^>]* checked', page)


def test_neither_a_type_nor_all_types_is_a_field_error_on_event_types(admin_client, activated_workspace):
    response = admin_client.post(reverse(ADD), posted(activated_workspace, all_event_types=None))
    assert not Rule.objects.exists()
    assert response.context["editor"].rule_form.errors["event_types"] == [
        "Choose event types of DLC job, or All event types of this source."]


def test_staff_without_the_add_rule_permission_may_not_add(client, activated_workspace):
    client.force_login(User.objects.create_user(username="ops", password="x-operator-42", is_staff=True))
    assert client.get(reverse(ADD)).status_code == 403
    assert client.post(reverse(ADD), posted(activated_workspace)).status_code == 403
    assert not Rule.objects.exists()
