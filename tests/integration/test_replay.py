"""With a real Celery worker: a replay of yesterday's 500 events to a rule created today delivers all
500 to its HTTP receiver, each with the original event id and the replay's `replayjobid`, and leaves
the events' original deliveries as they were."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.models import Delivery, Event, ReplayJob
from notifications.services.events import publish
from notifications.services.replay import replay_start
from tests.fakes.http_receiver import FakeHttpReceiver
from tests.integration.test_target_health_and_recover import WHSEC
from tests.notifications.delivery.builders import add_target, make_rule

pytestmark = pytest.mark.integration

EVENTS = 500


def yesterdays_events(workspace) -> list[Event]:
    """500 JobFailed events through the front door, before any rule lists the type (so no routing
    task is spent on them), dated yesterday."""
    with transaction.atomic():
        for n in range(EVENTS):
            publish(workspace=workspace, source="dlc_job", type_name="JobFailed", resource_id=n,
                    resource_name=f"job-{n}", old_status="Running", new_status="Failed")
    events = Event.objects.filter(workspace=workspace)
    events.update(created_at=timezone.now() - timedelta(days=1))
    return list(events.order_by("pk"))


def old_deliveries(workspace, events) -> list[tuple]:
    """Their original deliveries, to yesterday's rule: delivered then."""
    target = add_target(make_rule(workspace, name="yesterday"), "dingtalk",
                        secrets={"webhook": "https://oapi.dingtalk.com/robot/send?access_token=old"})
    then = timezone.now() - timedelta(days=1)
    Delivery.objects.bulk_create([
        Delivery(event=event, workspace_id=workspace.pk, rule=target.rule, target=target, channel="dingtalk",
                 status=Delivery.Status.SUCCEEDED, attempt_count=1, succeeded_at=then, deadline_at=then)
        for event in events])
    return snapshot()


def snapshot() -> list[tuple]:
    return list(Delivery.objects.filter(replay_job__isnull=True).order_by("pk").values_list(
        "pk", "event_id", "target_id", "status", "attempt_count", "succeeded_at", "updated_at"))


def test_a_replay_of_yesterdays_500_events_to_a_new_rule_delivers_500_and_leaves_the_old_deliveries_untouched(
        start_delivery_worker, wait_until, activated_workspace, owner, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS, settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1/32"], ["127.0.0.1"]
    account = activated_workspace.account
    account.outbound_allowed_networks = "127.0.0.1/32"  # this tenant's receiver is on a private network
    account.save(update_fields=["outbound_allowed_networks"])
    events = yesterdays_events(activated_workspace)
    before = old_deliveries(activated_workspace, events)
    receiver = FakeHttpReceiver().start()
    try:
        endpoint = receiver.add_endpoint(secret=WHSEC)
        new_rule = make_rule(activated_workspace, name="today")
        add_target(new_rule, "http", secrets={"url": endpoint.url, "signing_secret": WHSEC})
        # Only the queues this replay uses, polled often: 500 sends through the SQLite broker in seconds.
        start_delivery_worker(queues="default,http", concurrency=3, CELERY_BROKER_POLLING_INTERVAL="0.01")

        job = replay_start(actor=owner, workspace=activated_workspace, start=timezone.now() - timedelta(days=2),
                           rule_id=new_rule.pk)
        assert job.matched == EVENTS
        assert receiver.wait_for_accepted(EVENTS, timeout=60), len(receiver.accepted)
        assert wait_until(lambda: ReplayJob.objects.get().state == "finished")
        # The receiver has the last request before the worker has recorded its answer.
        assert wait_until(lambda: Delivery.objects.filter(replay_job=job, status="succeeded").count() == EVENTS)
    finally:
        receiver.stop()

    bodies = receiver.events()
    assert len(bodies) == EVENTS  # each event once
    assert sorted(body["id"] for body in bodies) == sorted(event.event_id for event in events)
    assert {body["replayjobid"] for body in bodies} == {str(job.pk)}
    assert {request.headers.get("webhook-id") for request in receiver.accepted} == {e.event_id for e in events}
    job.refresh_from_db()
    assert (job.done, job.deliveries_created) == (EVENTS, EVENTS)
    assert Delivery.objects.filter(replay_job=job, status="succeeded", rule=new_rule).count() == EVENTS
    assert snapshot() == before  # the original deliveries: not one changed
