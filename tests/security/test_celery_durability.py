"""Durable Celery: a task is acknowledged only after it ran, comes back when its worker dies, waits in
the broker rather than in a worker's prefetch buffer, and running any task twice duplicates nothing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from console.celery import app

ROOT = Path(__file__).resolve().parents[2]
TASK_MODULES = ("notifications.tasks", "workspaces.tasks")


def project_tasks():
    app.loader.import_default_modules()
    return sorted(
        (task for name, task in app.tasks.items() if name.startswith(tuple(f"{m}." for m in TASK_MODULES))),
        key=lambda task: task.name,
    )


def effective_conf_with(**env) -> dict:
    """The app's configuration as a fresh process with this environment sees it."""
    code = (
        "import json, django; django.setup(); from console.celery import app; c = app.conf; "
        "print(json.dumps({'transport_options': c.broker_transport_options, 'acks_late': c.task_acks_late, "
        "'reject_on_worker_lost': c.task_reject_on_worker_lost, 'prefetch': c.worker_prefetch_multiplier, "
        "'retry_max': django.conf.settings.DELIVERY_RETRY_MAX_SECONDS}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "console.settings", **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def longest_rate_limit_wait() -> float:
    """The longest a delivery may be held back by a bot's rate limit: the widest window any channel
    adapter declares, and the platforms' penalty (DingTalk: 10 minutes after 130101)."""
    from notifications.channels.registry import CHANNELS

    windows = [0.0]
    for channel in CHANNELS:
        try:
            windows += [float(window) for _count, window in getattr(channel.adapter, "rate_limits", ())]
        except ImportError:
            continue
    return max(*windows, float(getattr(settings, "RATE_LIMIT_MAX_WAIT_SECONDS", 0) or 0), 600.0)


def test_tasks_are_acknowledged_late_requeued_on_a_lost_worker_and_prefetched_one_at_a_time():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_always_eager is False


def test_every_project_task_inherits_the_durable_settings():
    tasks = project_tasks()
    assert {task.name for task in tasks} >= {
        "notifications.tasks.route_event", "notifications.tasks.deliver",
        "notifications.tasks.requeue_unenqueued_events", "notifications.tasks.requeue_overdue_deliveries",
        "workspaces.tasks.raise_job_timeouts",
    }
    for task in tasks:
        assert task.acks_late is True, task.name
        assert task.reject_on_worker_lost in (True, None), task.name  # None: the app's True applies


def test_every_project_task_is_routed_to_a_named_queue():
    router = app.amqp.router  # creates missing queues, as a worker and a publisher do
    for task in project_tasks():
        route = router.route({}, task.name)
        assert route["queue"].name in settings.CELERY_QUEUE_NAMES, task.name
    # The one deliver task is sent to its channel's queue (delivery_enqueue names it).
    assert router.route({"queue": "chat"}, "notifications.tasks.deliver")["queue"].name == "chat"
    assert router.route({}, "notifications.tasks.route_event")["queue"].name == "events"


def test_on_redis_the_visibility_timeout_outlasts_the_longest_countdown_and_rate_limit_wait():
    conf = effective_conf_with(CELERY_BROKER_URL="redis://127.0.0.1:6379/15")
    timeout = conf["transport_options"]["visibility_timeout"]
    assert timeout > conf["retry_max"], "a retry countdown would outlive the visibility timeout: run twice"
    assert timeout > longest_rate_limit_wait()
    assert conf["transport_options"]["max_connections"] >= settings.CELERY_WORKER_CONCURRENCY
    assert conf["acks_late"] and conf["reject_on_worker_lost"] and conf["prefetch"] == 1


def test_the_visibility_timeout_can_be_shortened_from_the_environment_for_the_chaos_run():
    conf = effective_conf_with(CELERY_BROKER_URL="redis://127.0.0.1:6379/15", CELERY_VISIBILITY_TIMEOUT="7")
    assert conf["transport_options"]["visibility_timeout"] == 7


@pytest.mark.parametrize("retry_max", ["3600", "7200"])
def test_a_retry_schedule_longer_than_the_visibility_timeout_is_reported_by_a_system_check(settings, retry_max):
    from console.checks import check_celery_visibility_timeout

    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    settings.DELIVERY_RETRY_MAX_SECONDS = float(retry_max)
    assert [message.id for message in check_celery_visibility_timeout()] == ["console.W004"]


# --- every task, run twice on the same ids, duplicates nothing


SECRET = "SEC" + "1d3m" * 16
WHSEC = "whsec_" + "aWRlbXBvdGVuY3ktc2lnbmluZy1rZXktMzItYnl0ZXM="


@pytest.fixture
def delivery_setup(activated_workspace, owner, fake_dingtalk, fake_http_receiver, fake_eas_api, settings):
    """A model rule with a DingTalk, an HTTP, an EAS-update and a contacts (SMS + email) target, and
    one approval event routed into its deliveries."""
    from notifications.models import Contact, Delivery, Event, Rule, RuleEventType, Target, TargetContact
    from notifications.services.routing import event_route
    from notifications.services.routing_keys import rule_routing_keys_sync
    from workspaces.models import EasService, EventBus, Model, ModelVersion
    from workspaces.pai_resources.services.model_registry import model_version_set_status

    bot = fake_dingtalk.add_bot(secret=SECRET)
    endpoint = fake_http_receiver.add_endpoint(secret=WHSEC)
    model = Model.objects.create(workspace=activated_workspace, name="fraud", created_by=owner)
    current = ModelVersion.objects.create(model=model, version_name="0.1.0", approval_status="Approved")
    candidate = ModelVersion.objects.create(model=model, version_name="0.2.0", created_by=owner, uri="oss://m/0.2.0/")
    service = EasService.objects.create(workspace=activated_workspace, name="fraud-svc", model_version=current)
    fake_eas_api.add_service(settings.EAS_REGION, "fraud-svc")
    bus = EventBus.objects.get(workspace=activated_workspace)
    rule = Rule.objects.create(bus=bus, name="idempotent", source="model", created_by=owner)
    RuleEventType.objects.create(rule=rule, event_type="pai:ModelManagement:ModelVersionApproved")
    rule_routing_keys_sync(rule)
    Target.objects.create(rule=rule, method="dingtalk", secrets={"webhook": bot.webhook, "signing_secret": SECRET})
    Target.objects.create(rule=rule, method="http", config={"url": endpoint.url}, secrets={"signing_secret": WHSEC})
    Target.objects.create(rule=rule, method="eas_update",
                          config={"eas_service": service.pk, "eas_service_name": service.name})
    contact = Contact.objects.create(account=activated_workspace.account, name="Alice", mobile="13800000000",
                                     email="alice@example.com")
    contacts = Target.objects.create(rule=rule, method="contacts")
    TargetContact.objects.create(target=contacts, contact=contact, channel="sms")
    TargetContact.objects.create(target=contacts, contact=contact, channel="email")
    model_version_set_status(version=candidate, approval_status="Approved", actor=owner)
    event = Event.objects.get(type="pai:ModelManagement:ModelVersionApproved")
    event_route(event_id=event.pk)
    return {"event": event, "service": service, "deliveries": {d.channel: d for d in Delivery.objects.all()}}


def twice(task, *args):
    return [task(*args), task(*args)]


def test_routing_an_event_twice_creates_its_deliveries_once(delivery_setup, django_capture_on_commit_callbacks):
    from notifications.models import Delivery
    from notifications.tasks import route_event

    before = set(Delivery.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks() as callbacks:
        created = twice(route_event, delivery_setup["event"].pk)
    assert created == [0, 0]
    assert set(Delivery.objects.values_list("pk", flat=True)) == before
    assert len(before) == 5  # dingtalk, http, eas, sms, email
    # Deliveries never tried are handed on again (their first task may be the one that was lost).
    assert len(callbacks) <= 2 * len(before)


@pytest.mark.parametrize("channel", ["dingtalk", "http", "eas_update", "sms", "email"])
def test_delivering_twice_sends_once(channel, delivery_setup, fake_dingtalk, fake_http_receiver, fake_eas_api,
                                     mailoutbox):
    from notifications.models import Delivery, DeliveryAttempt
    from notifications.tasks import deliver
    from workspaces.models import EasServiceRevision

    delivery = delivery_setup["deliveries"][channel]
    twice(deliver, delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 1
    received = {
        "dingtalk": lambda: [len(fake_dingtalk.accepted)],
        "http": lambda: [len(fake_http_receiver.accepted)],
        "eas_update": lambda: [EasServiceRevision.objects.filter(service=delivery_setup["service"]).count(),
                        len(fake_eas_api.requests)],
        "email": lambda: [len(mailoutbox)],
        "sms": lambda: [DeliveryAttempt.objects.filter(delivery=delivery, outcome="succeeded").count()],
    }[channel]()
    assert set(received) == {1}


def test_sweeping_unenqueued_events_twice_enqueues_each_once(activated_workspace):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Event
    from notifications.tasks import requeue_unenqueued_events
    from tests.notifications.delivery.builders import make_rule, raise_event

    make_rule(activated_workspace, types=("JobFailed",))
    # Raised in the test's transaction, their on-commit enqueue never runs: as if the broker had been
    # down at commit (which clears the stamp they were written with). Older than the sweeper's grace.
    for number in range(3):
        raise_event(activated_workspace, resource_id=number)
    Event.objects.update(created_at=timezone.now() - timedelta(minutes=5), enqueued_at=None)
    assert twice(requeue_unenqueued_events) == [3, 0]
    assert Event.objects.count() == 3 and not Event.objects.filter(enqueued_at__isnull=True).exists()


def test_sweeping_overdue_deliveries_twice_enqueues_each_once(delivery_setup, empty_broker_queues,
                                                             django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Delivery
    from notifications.tasks import requeue_overdue_deliveries

    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=10))
    with django_capture_on_commit_callbacks() as first:
        assert requeue_overdue_deliveries() == 5
    with django_capture_on_commit_callbacks() as second:
        assert requeue_overdue_deliveries() == 0
    assert len(first) == 5 and len(second) == 0
    assert Delivery.objects.count() == 5


def test_raising_job_timeouts_twice_raises_each_timeout_once(activated_workspace, owner):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Event
    from workspaces.models import DlcJob
    from workspaces.tasks import raise_job_timeouts

    DlcJob.objects.create(workspace=activated_workspace, name="slow", created_by=owner, status="Running",
                          timeout_minutes=1, running_since=timezone.now() - timedelta(minutes=5))
    assert twice(raise_job_timeouts) == [1, 0]
    assert Event.objects.filter(type__endswith=":JobTimeout").count() == 1


def test_running_a_recover_request_twice_takes_each_delivery_once(delivery_setup, owner, activated_workspace,
                                                                  django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Delivery
    from notifications.services.recovery import recovery_start
    from notifications.tasks import recover

    since = timezone.now() - timedelta(hours=1)
    Delivery.objects.update(status="dead")  # the five deliveries of the approval, all dead
    with django_capture_on_commit_callbacks():
        recovery = recovery_start(actor=owner, workspace=activated_workspace, since=since)
        assert twice(recover, recovery.pk) == [5, 0]
    assert Delivery.objects.count() == 5 and not Delivery.objects.filter(status="dead").exists()


def test_running_a_replay_twice_creates_each_new_delivery_once(delivery_setup, owner, activated_workspace,
                                                                django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Delivery
    from notifications.services.replay import replay_start
    from notifications.tasks import replay

    originals = sorted(Delivery.objects.values_list("pk", "status"))
    with django_capture_on_commit_callbacks():
        job = replay_start(actor=owner, workspace=activated_workspace, start=timezone.now() - timedelta(hours=1))
    assert twice(replay, job.pk) == [job.matched, 0] and job.matched
    # The same recipients once more, but the EAS update (a replay never switches a service back).
    assert sorted(Delivery.objects.filter(replay_job=job).values_list("channel", flat=True)) == sorted(
        channel for _, channel in Delivery.objects.filter(replay_job__isnull=True).values_list("pk", "channel")
        if channel != "eas_update")
    assert sorted(Delivery.objects.filter(replay_job__isnull=True).values_list("pk", "status")) == originals


def test_sweeping_stalled_replays_twice_enqueues_each_once(delivery_setup, owner, activated_workspace,
                                                          empty_broker_queues, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import ReplayJob
    from notifications.services.replay import replay_start
    from notifications.tasks import requeue_stalled_replays

    with django_capture_on_commit_callbacks():  # its task is left uncalled: lost
        job = replay_start(actor=owner, workspace=activated_workspace, start=timezone.now() - timedelta(hours=1))
    ReplayJob.objects.filter(pk=job.pk).update(progressed_at=timezone.now() - timedelta(minutes=10))
    with django_capture_on_commit_callbacks() as first:
        assert twice(requeue_stalled_replays) == [1, 0]
    assert len(first) == 1 and ReplayJob.objects.get().stalled_requeues == 1


def test_every_task_has_an_idempotency_test_above():
    covered = {"route_event", "deliver", "requeue_unenqueued_events", "requeue_overdue_deliveries",
               "raise_job_timeouts", "recover", "replay", "requeue_stalled_replays"}
    assert {task.name.rsplit(".", 1)[-1] for task in project_tasks()} <= covered
