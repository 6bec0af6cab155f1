"""A rule that lists no event types takes All event types of its source: created through the console,
the API and the service, shown as "All event types" on every face (table, drawer, API answer, audit,
admin), routed by keys for each type of the source, and given the keys of types the catalog adds later
by the step that runs after `migrate`."""

import dataclasses

import pytest
from django.core.management import call_command
from django.urls import reverse

from notifications import catalog
from notifications.models import Delivery, RoutingKey, Rule
from notifications.selectors.rules import rule_row
from notifications.services.routing import event_route
from notifications.services.routing_keys import catalog_routing_keys_sync
from notifications.services.rules import rule_disable, rule_enable, rule_update
from tests.notifications.delivery.builders import raise_event
from workspaces.iam.selectors import audit_entries
from workspaces.models import AuditLogEntry

from .conftest import DINGTALK_WEBHOOK, DLC_FAILED, SIGNING_KEY, dingtalk

HX = {"HTTP_HX_REQUEST": "true"}
# The DLC job source's types, written out by hand (the catalog has these ten today).
DLC_TYPES = ["JobEnqueued", "JobBidding", "JobEnvPreparing", "JobRunning", "JobSucceeded", "JobFailed",
             "JobFaultToleranceRestarted", "JobTimeout", "JobPreempted", "JobStopped"]
NEW_TYPE = "pai:DLC:JobResumed"
BOT_SECRET = "SEC" + "a11e7e57" * 8


def keys(rule):
    return sorted(RoutingKey.objects.filter(rule=rule).values_list("event_type", "scope_key"))


@pytest.fixture
def catalog_with_a_new_dlc_type(monkeypatch):
    """The catalog as a later release would have it: DLC job gains the type "Job Resumed"."""
    source = catalog.SOURCES_BY_KEY["dlc_job"]
    new = catalog.EventType(key=NEW_TYPE, label="Job Resumed", group="Other", description="The job resumed.")
    grown = dataclasses.replace(source, event_types=(*source.event_types, new))
    monkeypatch.setattr(catalog, "SOURCES", tuple(grown if s.key == "dlc_job" else s for s in catalog.SOURCES))
    monkeypatch.setitem(catalog.SOURCES_BY_KEY, "dlc_job", grown)
    monkeypatch.setitem(catalog.EVENT_TYPES_BY_KEY, NEW_TYPE, new)
    for event_type in grown.event_types:
        monkeypatch.setitem(catalog.SOURCE_OF_TYPE, event_type.key, grown)
    return new


# --- the service ------------------------------------------------------------------------------------
def test_a_rule_without_event_types_keys_every_type_of_its_source(make_rule, owner):
    rule = make_rule(event_types=[])
    assert not rule.event_types.exists()
    assert keys(rule) == sorted((f"pai:DLC:{name}", "all") for name in DLC_TYPES)
    mine = make_rule(name="mine", event_types=[], scope="mine")
    assert keys(mine) == sorted((f"pai:DLC:{name}", f"user:{owner.pk}") for name in DLC_TYPES)


def test_a_form_that_offered_the_choice_and_got_neither_is_refused_with_the_other_problems(make_rule):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        make_rule(name="", event_types=[], all_event_types=False)
    assert refused.value.message_dict["event_types"] == [
        "Choose event types of DLC job, or All event types of this source."]
    assert "name" in refused.value.message_dict and not Rule.objects.exists()
    assert not make_rule(event_types=[], all_event_types=True).event_types.exists()


def test_it_is_shown_and_audited_as_all_event_types(make_rule, owner):
    rule = make_rule(event_types=[])
    row = rule_row(rule)
    assert row.event_type_labels == ["All event types"] and row.all_event_types is True
    created = audit_entries(actor=owner).get(action="rule.create")
    assert created.changes["event_types"] == [None, "All event types"]

    rule_update(actor=owner, rule=rule, name=rule.name, source="dlc_job", event_types=[DLC_FAILED],
                targets=[dingtalk()])
    assert keys(rule) == [(DLC_FAILED, "all")]
    assert rule_row(Rule.objects.get(pk=rule.pk)).event_type_labels == ["Job Failed"]
    updated = AuditLogEntry.objects.filter(action="rule.update").latest("pk")
    assert updated.changes["event_types"] == ["All event types", [DLC_FAILED]]


def test_changing_the_source_of_an_all_types_rule_keys_the_new_sources_types(make_rule, owner):
    rule = make_rule(event_types=[])
    rule_update(actor=owner, rule=rule, name=rule.name, source="flow_task", event_types=[], targets=[dingtalk()])
    assert keys(rule) == [("pai:PAIFlow:TaskFailed", "all"), ("pai:PAIFlow:TaskFinished", "all")]


def test_an_event_of_each_type_of_the_source_is_delivered_to_it(
        make_rule, activated_workspace, fake_dingtalk, django_capture_on_commit_callbacks):
    bot = fake_dingtalk.add_bot(secret=BOT_SECRET)
    make_rule(event_types=[], targets=[{"method": "dingtalk",
                                        "values": {"webhook": bot.webhook, "signing_secret": BOT_SECRET}}])
    make_rule(name="failures-only", event_types=[DLC_FAILED], enabled=False)
    for number, name in enumerate(DLC_TYPES, start=1):
        event = raise_event(activated_workspace, type_name=name, resource_id=number, name=f"job-{number}")
        with django_capture_on_commit_callbacks(execute=True):
            assert event_route(event_id=event.pk) == 1, name
    delivered = Delivery.objects.filter(status="succeeded").values_list("event__type", flat=True)
    assert sorted(delivered) == sorted(f"pai:DLC:{name}" for name in DLC_TYPES)
    messages = fake_dingtalk.messages_for(bot)
    assert len(messages) == 10
    assert all(f"job-{number}" in messages[number - 1].json["markdown"]["text"] for number in range(1, 11))


def test_an_event_of_another_source_is_not_delivered_to_it(make_rule, activated_workspace):
    make_rule(event_types=[])
    event = raise_event(activated_workspace, source="flow_task", type_name="TaskFailed")
    assert event_route(event_id=event.pk) == 0


# --- the catalog grows ------------------------------------------------------------------------------
def test_after_migrate_an_all_types_rule_has_the_keys_of_a_type_added_to_the_catalog(
        make_rule, owner, catalog_with_a_new_dlc_type):
    everything = make_rule(name="everything", event_types=[])
    mine = make_rule(name="mine", event_types=[], scope="mine")
    listed = make_rule(name="listed", event_types=[DLC_FAILED])
    off = make_rule(name="off", event_types=[], enabled=False)
    RoutingKey.objects.filter(event_type=NEW_TYPE).delete()  # the keys as the previous release wrote them

    call_command("migrate", verbosity=0)

    assert (NEW_TYPE, "all") in keys(everything) and len(keys(everything)) == 11
    assert (NEW_TYPE, f"user:{owner.pk}") in keys(mine)
    assert keys(listed) == [(DLC_FAILED, "all")] and keys(off) == []
    assert catalog_routing_keys_sync() == (0, 0)  # nothing left to do: a second run changes nothing
    rule_enable(actor=owner, rule=off)
    assert (NEW_TYPE, "all") in keys(off)


def test_an_all_types_rule_receives_a_type_the_catalog_added(
        make_rule, activated_workspace, owner, fake_dingtalk, catalog_with_a_new_dlc_type,
        django_capture_on_commit_callbacks):
    bot = fake_dingtalk.add_bot(secret=BOT_SECRET)
    rule = make_rule(event_types=[], targets=[{"method": "dingtalk",
                                               "values": {"webhook": bot.webhook, "signing_secret": BOT_SECRET}}])
    make_rule(name="listed", event_types=[DLC_FAILED])
    RoutingKey.objects.filter(event_type=NEW_TYPE).delete()  # keyed by the previous release's catalog
    assert catalog_routing_keys_sync() == (1, 0)

    event = raise_event(activated_workspace, type_name="JobResumed", name="resumed-job")
    with django_capture_on_commit_callbacks(execute=True):
        assert event_route(event_id=event.pk) == 1
    delivery = Delivery.objects.get(event=event)
    assert delivery.rule_id == rule.pk and delivery.status == "succeeded"
    [message] = fake_dingtalk.messages_for(bot)
    assert "resumed-job" in message.json["markdown"]["text"]


def test_a_type_the_catalog_dropped_loses_its_keys(make_rule, catalog_with_a_new_dlc_type, monkeypatch):
    rule = make_rule(event_types=[])
    assert (NEW_TYPE, "all") in keys(rule)
    monkeypatch.undo()  # the next release drops the type again
    assert catalog_routing_keys_sync() == (0, 1)
    assert len(keys(rule)) == 10 and (NEW_TYPE, "all") not in keys(rule)


def test_disabling_and_enabling_keeps_it_all_types(make_rule, owner):
    rule = make_rule(event_types=[])
    rule_disable(actor=owner, rule=rule)
    assert keys(rule) == [] and catalog_routing_keys_sync() == (0, 0)
    rule_enable(actor=owner, rule=rule)
    assert len(keys(rule)) == 10


# --- the console ------------------------------------------------------------------------------------
def drawer_form(**extra):
    data = {"name": "everything", "source": "dlc_job", "all_event_types": "on", "scope": "all",
            "target_keys": ["0"], "t0-method": "dingtalk", "t0-webhook": DINGTALK_WEBHOOK,
            "t0-signing_secret": SIGNING_KEY}
    data.update(extra)
    return data


def console_url(name, ws, **kw):
    return reverse(name, kwargs={"workspace_id": ws.pk, **kw})


def test_the_console_creates_an_all_types_rule_and_the_table_says_so(owner_client, activated_workspace):
    response = owner_client.post(console_url("rule-create", activated_workspace), drawer_form(), **HX)
    assert response.status_code == 200
    rule = Rule.objects.get(name="everything")
    assert not rule.event_types.exists() and len(keys(rule)) == 10
    body = response.content.decode()  # the table, refreshed out of band
    assert "All event types" in body and "of DLC job, including types added later" in body


def test_the_drawer_refuses_neither_types_nor_all(owner_client, activated_workspace):
    data = drawer_form(name="bad name")
    del data["all_event_types"]
    body = owner_client.post(console_url("rule-create", activated_workspace), data, **HX).content.decode()
    assert "Choose event types of DLC job, or All event types of this source." in body
    assert "Invalid rule name" in body and not Rule.objects.exists()  # every problem at once


def test_ticking_all_clears_the_single_types_and_a_single_type_clears_all(owner_client, activated_workspace):
    refresh = console_url("rule-form-refresh", activated_workspace)
    body = owner_client.post(refresh, drawer_form(event_types=[DLC_FAILED], _op="all_types"), **HX).content.decode()
    assert 'name="all_event_types" value="on" checked' in body
    assert f'value="{DLC_FAILED}" checked' not in body
    assert '"_op": "types"' in body  # a single type ticked now asks the server to clear "all"

    body = owner_client.post(refresh, drawer_form(event_types=[DLC_FAILED], _op="types"), **HX).content.decode()
    assert 'name="all_event_types" value="on" checked' not in body
    assert f'value="{DLC_FAILED}" checked' in body
    assert '"_op": "types"' not in body  # with "all" clear, ticking types needs no round trip


def test_editing_an_all_types_rule_opens_with_all_ticked(owner_client, activated_workspace, make_rule):
    rule = make_rule(event_types=[])
    page = owner_client.get(console_url("rule-update", activated_workspace, rule_id=rule.pk), **HX).content.decode()
    assert 'name="all_event_types" value="on" checked' in page and "All event types of this source" in page


# --- the API ----------------------------------------------------------------------------------------
def api_body(**extra):
    data = {"name": "everything", "source": "dlc_job",
            "targets": [{"method": "dingtalk", "config": {"webhook": DINGTALK_WEBHOOK, "signing_secret": SIGNING_KEY}}]}
    data.update(extra)
    return data


@pytest.mark.parametrize("event_types", ["left out", []])
def test_the_api_takes_left_out_or_empty_event_types_as_all(owner_api, activated_workspace, event_types):
    data = api_body() if event_types == "left out" else api_body(event_types=event_types)
    url = reverse("api-rule-list", kwargs={"workspace_id": activated_workspace.pk})
    response = owner_api.post(url, data, format="json")
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["event_types"] == [] and answer["all_event_types"] is True
    assert len(keys(Rule.objects.get(pk=answer["id"]))) == 10

    detail = reverse("api-rule-detail", kwargs={"workspace_id": activated_workspace.pk, "rule_id": answer["id"]})
    listed = owner_api.put(detail, api_body(event_types=[DLC_FAILED]), format="json").json()
    assert listed["event_types"] == [DLC_FAILED] and listed["all_event_types"] is False
    again = owner_api.put(detail, api_body(), format="json").json()
    assert again["event_types"] == [] and again["all_event_types"] is True


def test_the_api_still_refuses_types_of_another_source(owner_api, activated_workspace):
    url = reverse("api-rule-list", kwargs={"workspace_id": activated_workspace.pk})
    response = owner_api.post(url, api_body(event_types=["pai:PAIFlow:TaskFailed"]), format="json")
    assert response.status_code == 400
    assert "Not event types of DLC job" in response.content.decode()


def test_the_schema_documents_empty_event_types_as_all():
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    rule_input = components["RuleCreateRequest"]
    assert "event_types" not in rule_input.get("required", [])
    assert "All event types" in rule_input["properties"]["event_types"]["description"]
    assert "all_event_types" in components["Rule"]["properties"]


# --- the admin --------------------------------------------------------------------------------------
@pytest.fixture
def admin_client(client, db):
    from workspaces.models import User

    client.force_login(User.objects.create_superuser(username="op", password="x-operator-42", email="op@example.com"))
    return client


def test_the_admin_shows_all_event_types(admin_client, make_rule):
    rule = make_rule(event_types=[])
    make_rule(name="listed", event_types=[DLC_FAILED])
    listing = admin_client.get(reverse("admin:notifications_rule_changelist")).content.decode()
    assert "All event types" in listing and "Job Failed" in listing
    page = admin_client.get(reverse("admin:notifications_rule_change", args=[rule.pk])).content.decode()
    assert "All event types" in page
