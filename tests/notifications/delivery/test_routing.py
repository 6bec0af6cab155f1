import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Contact, Delivery, Event, RoutingKey, Rule
from notifications.services.routing import event_route, matching_rule_ids, rules_matching
from workspaces.models import EasService, Model, ModelVersion

from .builders import add_target, enqueued, make_rule, raise_event

DINGTALK = {"webhook": "https://oapi.dingtalk.com/robot/send?access_token=abc", "signing_secret": "SECabcdefgh"}


@pytest.fixture
def ws(activated_workspace):
    return activated_workspace


def test_one_delivery_per_target_of_each_matching_rule_and_one_task_each(ws, django_capture_on_commit_callbacks):
    rule = make_rule(ws, types=("JobFailed", "JobSucceeded"))
    add_target(rule, "dingtalk", secrets=DINGTALK)
    add_target(rule, "wecom", secrets={"webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"})
    event = raise_event(ws, type_name="JobFailed")
    with django_capture_on_commit_callbacks() as callbacks:
        assert event_route(event_id=event.pk) == 2
    deliveries = list(Delivery.objects.filter(event=event))
    assert sorted(d.channel for d in deliveries) == ["dingtalk", "wecom"]
    assert all(d.status == "pending" and d.deadline_at > d.created_at for d in deliveries)
    assert sorted(enqueued(callbacks)) == sorted(
        ("chat", d.pk, None) for d in deliveries
    )
    event.refresh_from_db()
    assert event.routed_at is not None


def test_routing_twice_creates_nothing_new(ws, django_capture_on_commit_callbacks):
    add_target(make_rule(ws), "dingtalk", secrets=DINGTALK)
    event = raise_event(ws)
    assert event_route(event_id=event.pk) == 1
    Delivery.objects.update(status=Delivery.Status.SUCCEEDED)
    with django_capture_on_commit_callbacks() as callbacks:
        assert event_route(event_id=event.pk) == 0
    assert Delivery.objects.count() == 1
    assert enqueued(callbacks) == []  # a delivery already sent is not enqueued again


def test_rules_of_other_types_sources_and_disabled_rules_do_not_match(ws):
    add_target(make_rule(ws, types=("JobSucceeded",)), "dingtalk", secrets=DINGTALK)
    add_target(make_rule(ws, source="flow_task", types=("TaskFailed",)), "dingtalk", secrets=DINGTALK)
    add_target(make_rule(ws, enabled=False), "dingtalk", secrets=DINGTALK)
    event = raise_event(ws, type_name="JobFailed")
    assert event_route(event_id=event.pk) == 0


def test_scope_created_by_me_matches_only_the_resource_owners_rules(ws, owner, seed_subuser):
    mine = make_rule(ws, scope="mine", created_by=owner)
    theirs = make_rule(ws, scope="mine", created_by=seed_subuser)
    everyone = make_rule(ws, scope="all", created_by=seed_subuser)
    event = raise_event(ws, owner=owner)
    assert set(rules_matching(event)) == {mine, everyone}
    assert theirs not in set(rules_matching(raise_event(ws, owner=None)))


def test_scope_specified_models_matches_only_those_models(ws, owner):
    fraud = Model.objects.create(workspace=ws, name="fraud", created_by=owner)
    churn = Model.objects.create(workspace=ws, name="churn", created_by=owner)
    rule = make_rule(ws, source="model", types=("ModelVersionStatusChanged",), scope="models", scope_models=[fraud])
    on_fraud = raise_event(ws, source="model", type_name="ModelVersionStatusChanged", model=fraud)
    on_churn = raise_event(ws, source="model", type_name="ModelVersionStatusChanged", model=churn)
    assert list(rules_matching(on_fraud)) == [rule]
    assert list(rules_matching(on_churn)) == []


def test_rules_are_found_through_their_routing_keys_not_by_scanning_every_rule(ws, owner):
    for number in range(30):
        make_rule(ws, types=("JobSucceeded",), name=f"other-{number}")
        make_rule(ws, types=("JobFailed",), name=f"off-{number}", enabled=False)
        make_rule(ws, types=("JobFailed",), name=f"someone-elses-{number}", scope="mine", created_by=None)
    make_rule(ws, types=("JobFailed",), name="the-one")
    make_rule(ws, types=("JobFailed",), name="mine", scope="mine", created_by=owner)
    event = raise_event(ws, owner=owner)
    with CaptureQueriesContext(connection) as queries:
        rule_ids = matching_rule_ids(event)
    assert sorted(Rule.objects.filter(pk__in=rule_ids).values_list("name", flat=True)) == ["mine", "the-one"]
    [query] = queries.captured_queries
    assert '"notifications_routingkey"' in query["sql"] and '"notifications_rule"' not in query["sql"]
    # Only the matching rules have keys among this bus's keys of the type.
    assert RoutingKey.objects.filter(bus=ws.event_bus, event_type=event.type).count() == 2
    if connection.vendor == "sqlite":  # (PostgreSQL prefers a scan on tables this small)
        keys = RoutingKey.objects.filter(bus=ws.event_bus, event_type=event.type, scope_key__in=["all"])
        assert "routing_key_lookup" in keys.explain()


def test_a_contacts_target_fans_out_one_delivery_per_contact_and_channel(ws, account):
    alice = Contact.objects.create(account=account, name="Alice", mobile="13800001111", email="alice@example.com")
    tony = Contact.objects.create(account=account, name="Tony", mobile="13900002222", email="tony@example.com")
    rule = make_rule(ws)
    add_target(rule, "contacts", contacts=[(alice, "sms"), (tony, "sms"), (alice, "email"), (alice, "voice")])
    event = raise_event(ws)
    assert event_route(event_id=event.pk) == 4
    keys = sorted(Delivery.objects.values_list("recipient_key", "channel"))
    assert keys == [(f"email:{alice.pk}", "email"), (f"sms:{alice.pk}", "sms"), (f"sms:{tony.pk}", "sms"),
                    (f"voice:{alice.pk}", "voice")]


def test_an_eas_update_target_fires_only_when_a_version_is_approved(ws, owner):
    model = Model.objects.create(workspace=ws, name="fraud", created_by=owner)
    version = ModelVersion.objects.create(model=model, version_name="0.1.0", created_by=owner)
    service = EasService.objects.create(workspace=ws, name="fraud-svc", model_version=version)
    rule = make_rule(ws, source="model", types=("ModelVersionApproved", "ModelVersionStatusChanged"))
    add_target(rule, "eas_update", config={"eas_service": service.pk, "eas_service_name": service.name})
    add_target(rule, "http", config={"url": "https://example.com/hook"})
    approved = raise_event(ws, source="model", type_name="ModelVersionApproved", model=model)
    changed = raise_event(ws, source="model", type_name="ModelVersionStatusChanged", model=model)
    event_route(event_id=approved.pk)
    event_route(event_id=changed.pk)
    assert sorted(Delivery.objects.filter(event=approved).values_list("channel", flat=True)) == ["eas_update", "http"]
    assert list(Delivery.objects.filter(event=changed).values_list("channel", flat=True)) == ["http"]


def test_an_unpublished_or_missing_event_routes_nowhere(workspace):
    event = raise_event(workspace)  # EventBridge not activated: stored, not published
    assert event.status == Event.Status.NOT_PUBLISHED
    assert event_route(event_id=event.pk) == 0
    assert event_route(event_id=987654) == 0
