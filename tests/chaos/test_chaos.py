"""The chaos run: 500 events fan out to the fake DingTalk, WeCom, Lark and HTTP receiver through real
Celery workers on Redis and PostgreSQL while things break:

- a worker is killed with SIGKILL (and a new one started);
- the broker loses everything for 20 seconds: Redis is shut down without saving; on RabbitMQ the
  run's vhost has its connections closed and its queues purged at both ends of the 20 s
  (tests/chaos/brokers.py);
- the fake DingTalk answers HTTP 500, then errcode 130101, for 30 seconds.

At the end every delivery has succeeded, every fake has received every event id at least once, and a
message received twice carries the same event id (the HTTP receiver also checks `webhook-id`). The
counts are printed. The sweepers that beat would run (`requeue_unenqueued_events`,
`requeue_overdue_deliveries`) are called by the test every two seconds.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test CELERY_BROKER_URL=redis://127.0.0.1:6379/3 make chaos
(or CELERY_BROKER_URL=amqp://guest:guest@127.0.0.1:5672/<vhost>: CI's RabbitMQ pass).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.db import connection

from tests.chaos.brokers import broker_of
from tests.factories import event_raised
from tests.fakes.base import Answer
from tests.fakes.dingtalk import FakeDingTalk
from tests.fakes.http_receiver import FakeHttpReceiver
from tests.fakes.lark import FakeLark
from tests.fakes.wecom import FakeWeCom

pytestmark = pytest.mark.chaos

EVENTS = int(os.environ.get("CHAOS_EVENTS", "500"))
RULES = 5  # one bot of each platform per rule; each event goes to one rule (by its model)
TARGETS_PER_RULE = 4
PUBLISH_SECONDS = 40.0  # events are raised over this span, while the faults happen
# Minutes of the platforms' rate limits become 3 s (fakes and the console's limiter alike).
WINDOW_SCALE = 0.05
DEADLINE_SECONDS = 270.0
SWEEP_EVERY_SECONDS = 2.0
OVERDUE_GRACE_SECONDS = 40.0
# The faults, in seconds from the start.
DINGTALK_500_AT, DINGTALK_500_FOR = 6.0, 15.0
DINGTALK_130101_AT, DINGTALK_130101_FOR = 21.0, 15.0
SIGKILL_AT = 12.0
REDIS_DOWN_AT, REDIS_DOWN_FOR = 24.0, 20.0

VISIBILITY_TIMEOUT = 10  # so that the killed worker's unacknowledged tasks come back within the run
WORKER_ENV = {
    "OUTBOUND_ALLOWED_NETWORKS": "127.0.0.1/32",
    "WEBHOOK_EXTRA_HOSTS": "127.0.0.1",
    "RATE_LIMIT_WINDOW_SCALE": str(WINDOW_SCALE),
    "DELIVERY_RETRY_BASE_SECONDS": "0.5",
    "DELIVERY_RETRY_MAX_SECONDS": "4",
    "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    "OUTBOUND_CONNECT_TIMEOUT": "1",
    "OUTBOUND_READ_TIMEOUT": "3",
    "LOG_LEVEL": "WARNING",
}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def requirements_missing() -> str:
    broker = settings.CELERY_BROKER_URL
    if broker_of(broker) is None:
        return (f"the chaos run needs Redis or RabbitMQ (CELERY_BROKER_URL is {broker.split(':', 1)[0]}://...): "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test "
                "CELERY_BROKER_URL=redis://127.0.0.1:6379/3 make chaos")
    if connection.vendor != "postgresql":
        return f"the chaos run needs PostgreSQL (DATABASE_URL is {connection.vendor})"
    return ""


class ChaosDingTalk(FakeDingTalk):
    """The fake DingTalk, able to answer HTTP 500 for a while (the base class counts failures)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.http_500_until = 0.0

    def fail_http_for(self, seconds: float) -> None:
        with self.lock:
            self.http_500_until = time.monotonic() + seconds

    def _next_http_failure(self):
        if time.monotonic() < self.http_500_until:
            return Answer(status=500, body={"error": "injected HTTP 500"})
        return super()._next_http_failure()


@dataclass
class Step:
    at: float
    name: str
    action: object
    done_at: float | None = None


@dataclass
class Run:
    capsys: object = None  # lines go to the terminal even without -s: the CI log shows the counts
    started: float = field(default_factory=time.monotonic)
    log: list[str] = field(default_factory=list)
    sweeps: Counter = field(default_factory=Counter)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def say(self, text: str) -> None:
        if self.capsys is None:
            print(text, flush=True)
            return
        with self.capsys.disabled():
            print(text, flush=True)

    def note(self, text: str) -> None:
        line = f"  t={self.elapsed():6.1f}s  {text}"
        self.log.append(line)
        self.say(line)


@pytest.fixture
def chaos_settings(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1"]
    settings.CELERY_VISIBILITY_TIMEOUT = VISIBILITY_TIMEOUT
    settings.RATE_LIMIT_WINDOW_SCALE = WINDOW_SCALE
    return settings


@pytest.fixture
def quiet_logs():
    """Enqueue failures while Redis is down are expected: keep their tracebacks out of the CI log."""
    import logging

    names = ("notifications", "celery", "kombu")
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.ERROR)
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def fakes():
    started = {
        "dingtalk": ChaosDingTalk(window_scale=WINDOW_SCALE).start(),
        "wecom": FakeWeCom(window_scale=WINDOW_SCALE).start(),
        "lark": FakeLark(window_scale=WINDOW_SCALE).start(),
        "http": FakeHttpReceiver().start(),
    }
    yield started
    for fake in started.values():
        fake.stop()


@pytest.fixture
def redis_server():
    """The broker under test (Redis or the run's RabbitMQ vhost), emptied first, left running."""
    broker = broker_of(settings.CELERY_BROKER_URL)
    if broker is None:
        yield None
        return
    broker.flush()
    yield broker
    broker.restore()  # whatever happened, leave the broker running


def configure_rules(workspace, owner, fakes) -> list:
    """RULES rules through the rules service, each for one model, each with a DingTalk (signed),
    WeCom, Lark (signed) and HTTP target of its own. Returns the models, one per rule."""
    from notifications.services.rule_checks import TargetSpec
    from notifications.services.rules import rule_create
    from workspaces.models import Model

    models = []
    for index in range(RULES):
        model = Model.objects.create(workspace=workspace, name=f"chaos-model-{index}", created_by=owner)
        models.append(model)
        ding_secret = f"SEC{index:02d}" + "c0ffee" * 10
        lark_secret = f"lark-secret-{index}"
        dingtalk = fakes["dingtalk"].add_bot(secret=ding_secret)
        wecom = fakes["wecom"].add_bot()
        lark = fakes["lark"].add_bot(secret=lark_secret)
        rule = rule_create(
            actor=owner, workspace=workspace, name=f"chaos-{index}", source="model",
            event_types=["pai:ModelManagement:ModelVersionApproved"], scope="models", model_ids=[model.pk],
            targets=[
                # Digests off: this run counts each event id in a message of its own (digests have
                # their own test, tests/integration/test_digest_burst.py).
                TargetSpec("dingtalk", {"webhook": dingtalk.webhook, "signing_secret": ding_secret},
                           message={"digest": False}),
                TargetSpec("wecom", {"webhook": wecom.webhook}, message={"digest": False}),
                TargetSpec("lark", {"webhook": lark.webhook, "signing_secret": lark_secret}, message={"digest": False}),
                TargetSpec("http", {"url": f"{fakes['http'].base_url}/hooks/chaos-{index}"}),
            ],
        )
        http_target = rule.targets.get(method="http")
        whsec = rule.revealed_secrets[http_target.pk]["signing_secret"]
        fakes["http"].add_endpoint(secret=whsec, endpoint_id=f"chaos-{index}")
    return models


def raise_event(workspace, owner, model, number: int):
    return event_raised(workspace, source="model", type_name="ModelVersionApproved", resource_id=number,
                        resource_name=f"{model.name} v{number}", old_status="Pending", new_status="Approved",
                        actor=owner, owner=owner, model=model)


def sweep(run: Run) -> None:
    """What beat runs, on a shorter period, and with a shorter grace for lost deliveries (longer than
    the claim a killed worker leaves behind, so that the sweeper does not chase live deliveries)."""
    from notifications.services.delivery import deliveries_requeue_overdue
    from notifications.services.events import events_requeue_unenqueued

    for name, sweeper in (("events", lambda: events_requeue_unenqueued(grace_seconds=5, reroute_after_seconds=20)),
                          ("deliveries", lambda: deliveries_requeue_overdue(grace_seconds=OVERDUE_GRACE_SECONDS))):
        try:
            run.sweeps[name] += sweeper() or 0
        except Exception as exc:  # the broker is down: beat would fail the same way and try again
            run.sweeps[f"{name}-failed"] += 1
            if run.sweeps[f"{name}-failed"] == 1:
                run.note(f"sweeper ({name}) failed: {exc.__class__.__name__}")


def ids_received(fake, name: str, event_ids: set[str]) -> Counter:
    """How many accepted messages each event id reached this fake in; a message naming no known
    event id, or more than one, fails the run."""
    received: Counter = Counter()
    for request in fake.accepted:
        if name == "http":
            found = {request.json["id"]} if isinstance(request.json, dict) else set()
            assert request.headers.get("webhook-id") == request.json["id"], "webhook-id differs from the event id"
        else:
            found = set(UUID.findall(request.body.decode("utf-8", errors="replace"))) & event_ids
        assert len(found) == 1, f"a {name} message names {len(found)} known event ids: {request.body[:300]!r}"
        received[found.pop()] += 1
    return received


def test_every_event_reaches_every_fake_through_a_killed_worker_a_redis_outage_and_a_failing_bot(
        start_worker, fakes, redis_server, chaos_settings, quiet_logs, activated_workspace, owner, capsys):
    missing = requirements_missing()
    if missing:
        pytest.skip(missing)
    from notifications.models import Delivery, DeliveryAttempt, Event

    workspace = activated_workspace
    models = configure_rules(workspace, owner, fakes)
    Run(capsys).say(f"\nchaos run: {EVENTS} events x {TARGETS_PER_RULE} targets, {RULES} rules, "
                    f"rate-limit windows x{WINDOW_SCALE}")
    workers = [start_worker(concurrency=4, **WORKER_ENV), start_worker(concurrency=4, **WORKER_ENV)]
    run = Run(capsys)  # the clock starts once the workers are up
    run.note("workers up; raising events")

    def replace_worker():
        # Started 13 s before the broker goes down: on a loaded machine it may not be ready until the
        # broker is back, so it is given the whole run to say "ready" (a failure is noted, not lost).
        try:
            workers.append(start_worker(concurrency=4, ready_timeout=DEADLINE_SECONDS, **WORKER_ENV))
        except Exception as failure:  # noqa: BLE001  (the thread's exception would vanish)
            run.note(f"the new worker did not start: {str(failure)[:300]}")
            return
        run.note("new worker up")

    def kill_a_worker():
        workers[0].kill()
        run.note("worker SIGKILLed; starting a new one")
        # Started beside the loop, which keeps raising events and injecting faults on time.
        threading.Thread(target=replace_worker, daemon=True).start()

    steps = [
        Step(DINGTALK_500_AT, "DingTalk answers HTTP 500", lambda: fakes["dingtalk"].fail_http_for(DINGTALK_500_FOR)),
        Step(SIGKILL_AT, "SIGKILL a worker", kill_a_worker),
        Step(DINGTALK_130101_AT, "DingTalk answers errcode 130101",
             lambda: fakes["dingtalk"].fail_with(130101, seconds=DINGTALK_130101_FOR)),
        Step(REDIS_DOWN_AT, f"{redis_server.label} loses everything (down)", redis_server.shutdown),
        Step(REDIS_DOWN_AT + REDIS_DOWN_FOR, f"{redis_server.label} back (and loses everything again)",
             redis_server.start),
    ]
    published: list[str] = []
    expected_deliveries = EVENTS * TARGETS_PER_RULE
    last_sweep = 0.0
    done = False
    while run.elapsed() < DEADLINE_SECONDS:
        now = run.elapsed()
        while len(published) < EVENTS and len(published) * PUBLISH_SECONDS / EVENTS <= now:
            number = len(published)
            published.append(raise_event(workspace, owner, models[number % RULES], number).event_id)
        for step in steps:
            if step.done_at is None and now >= step.at:
                run.note(step.name)
                step.action()
                step.done_at = run.elapsed()
        if now - last_sweep >= SWEEP_EVERY_SECONDS:
            last_sweep = now
            sweep(run)
            if len(published) == EVENTS and all(step.done_at for step in steps) and len(workers) == 3:
                succeeded = Delivery.objects.filter(status=Delivery.Status.SUCCEEDED).count()
                if succeeded == expected_deliveries and all(
                        len(ids_received(fake, name, set(published))) == EVENTS for name, fake in fakes.items()):
                    done = True
                    break
        time.sleep(0.05)
    took = run.elapsed()

    event_ids = set(published)
    statuses = Counter(Delivery.objects.values_list("status", flat=True))
    received = {name: ids_received(fake, name, event_ids) for name, fake in fakes.items()}
    duplicates = {name: sum(count - 1 for count in counter.values()) for name, counter in received.items()}
    refused = {name: sum(not r.accepted for r in fake.requests) for name, fake in fakes.items()}
    spans = {name: f"{min(r.received_monotonic for r in fake.accepted) - run.started:.0f}-"
                   f"{max(r.received_monotonic for r in fake.accepted) - run.started:.0f}s"
             for name, fake in fakes.items() if fake.accepted}
    unrouted = Event.objects.filter(routed_at__isnull=True).count()
    never_enqueued = Event.objects.filter(enqueued_at__isnull=True).count()
    summary = (
        f"chaos: {len(published)} events, {sum(statuses.values())} deliveries {dict(statuses)}, "
        f"{DeliveryAttempt.objects.count()} attempts, duplicates per fake {duplicates}, "
        f"received per fake { {name: sum(c.values()) for name, c in received.items()} }, "
        f"refused per fake {refused}, accepted between {spans}, "
        f"sweeps {dict(run.sweeps)}, {took:.0f} s"
    )
    run.say(summary)
    diagnosis = (
        f"{summary}\nevents not routed: {unrouted} (never enqueued: {never_enqueued}); "
        f"ids missing per fake: { {name: EVENTS - len(c) for name, c in received.items()} }\n"
        + "\n".join(run.log)
    )
    assert done, f"not everything was delivered within {DEADLINE_SECONDS:.0f} s\n{diagnosis}"
    assert len(published) == EVENTS
    assert statuses == {Delivery.Status.SUCCEEDED: expected_deliveries}, diagnosis
    for name, counter in received.items():
        assert set(counter) == event_ids, f"{name} is missing {len(event_ids - set(counter))} event ids"
    assert Event.objects.filter(routed_at__isnull=True).count() == 0
    assert took < 300, f"the chaos run took {took:.0f} s; CI runs it only within 5 minutes"
