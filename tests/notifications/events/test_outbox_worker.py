"""End to end with a real worker: an event whose enqueue failed at commit is handed on by the periodic
task once the broker is back, and a worker process routes it."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.models import Event
from notifications.services.events import publish
from notifications.tasks import requeue_unenqueued_events
from tests.integration.conftest import start_worker  # noqa: F401  (the real-worker fixture)
from tests.notifications.delivery.builders import make_rule

pytestmark = pytest.mark.integration


def _wait_for(predicate, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_real_worker_routes_an_event_the_sweeper_recovered_after_the_broker_was_down(
    empty_broker_queues, start_worker, activated_workspace, owner, unreachable_broker  # noqa: F811
):
    # No routing wake-up left by an earlier test: the worker would take it and route this event (a
    # pass takes every ready event) before the sweeper could hand it on.
    make_rule(activated_workspace, source="model", types=("ModelVersionStatusChanged",))
    with transaction.atomic():  # committed for real: the on-commit enqueue meets the dead broker
        event = publish(workspace=activated_workspace, source="model", type_name="ModelVersionStatusChanged",
                        resource_id=5, resource_name="resnet:5", old_status="Pending", new_status="Rejected",
                        actor=owner)
    assert Event.objects.get(pk=event.pk).enqueued_at is None

    unreachable_broker()  # the broker is back
    start_worker(queues="events")
    Event.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(seconds=30))
    # The sweeper runs on every beat: a first pass may still meet a connection the dead broker left
    # in the client's pool (kombu drops it on that failure); a later pass hands the event on.
    assert _wait_for(lambda: requeue_unenqueued_events() == 1, seconds=10.0)

    assert _wait_for(lambda: Event.objects.get(pk=event.pk).routed_at is not None)
    assert Event.objects.get(pk=event.pk).enqueued_at is not None
