"""Queues nobody consumes: a worker started without -Q consumes every queue of the project; /readyz
names each queue no worker consumes; the overdue sweeper never adds a copy of a delivery while its
queue still holds messages no worker has taken. On the broker of the run (SQLite, Redis, RabbitMQ)."""

import logging
import time
import uuid
from datetime import timedelta

import pytest
from celery import current_app
from django.conf import settings
from django.utils import timezone

from console import queues
from notifications.models import Delivery, Event
from notifications.services.delivery import deliveries_requeue_overdue

pytestmark = pytest.mark.integration


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"no {what} after {timeout} s")


def test_a_worker_started_without_q_consumes_every_queue(start_worker, tmp_path, empty_broker_queues):
    worker = start_worker(queues="")  # `celery -A console worker`, as most guides show it
    banner = worker.log().split("[tasks]")[0]
    for name in settings.CELERY_QUEUE_NAMES:
        assert f".> {name} " in banner, banner
    marker, value = tmp_path / "telephony.txt", uuid.uuid4().hex
    current_app.send_task("console.tasks.ping", args=[str(marker), value], queue="telephony")
    wait_for(lambda: marker.exists() and marker.read_text() == value, 20, "ping run from the telephony queue")


@pytest.mark.skipif(not queues.broker_can_broadcast(), reason="the embedded broker cannot ask the workers")
def test_readyz_names_every_queue_no_worker_consumes(start_worker, client, empty_broker_queues):
    start_worker(queues="default,events")
    queues._cache.clear()
    answer = client.get("/readyz")
    assert answer.status_code == 503, answer.content
    body = answer.json()
    assert body["checks"]["unconsumed_queues"] == ["chat", "http", "email", "telephony", "eas"]
    assert "no worker consumes queues chat, http, email, telephony, eas" in body["problems"]
    start_worker(queues="chat,http,email,telephony,eas")
    queues._cache.clear()
    answer = client.get("/readyz")
    assert answer.status_code == 200 and answer.json()["checks"]["unconsumed_queues"] == [], answer.content


def test_the_overdue_sweeper_adds_no_copy_while_the_queue_still_holds_messages(
        activated_workspace, empty_broker_queues, django_capture_on_commit_callbacks, caplog):
    event = Event.objects.create(event_id="e-overdue", account=activated_workspace.account,
                                 workspace=activated_workspace, source="dlc_job", type="pai:DLC:JobFailed",
                                 envelope={}, status="published", routed_at=timezone.now())
    delivery = Delivery.objects.create(event=event, channel="email", status="pending", recipient_key="email:1",
                                       deadline_at=timezone.now() + timedelta(days=1),
                                       next_attempt_at=timezone.now() - timedelta(minutes=5))
    # Its message waits in `email`, which no worker consumes (the review's worker set without email).
    current_app.send_task("notifications.tasks.deliver", args=[delivery.pk], queue="email")
    assert wait_for(lambda: queues.queue_depths(["email"])["email"] == 1, 10, "the message in the email queue")
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert deliveries_requeue_overdue() == 0
    assert callbacks == [] and queues.queue_depths(["email"])["email"] == 1  # no second copy
    assert "queue email still holds messages no worker has taken" in caplog.text

    current_app.control.purge()  # the broker lost it (a restart without persistence)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_requeue_overdue() == 1
    assert wait_for(lambda: queues.queue_depths(["email"])["email"] == 1, 10, "the re-enqueued message")
    current_app.control.purge()
