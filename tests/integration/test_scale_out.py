"""Three worker processes and one burst of 2,000 events (issue 20, item 5): every delivery reaches
its DingTalk bot exactly once, no bot ever gets more than its 20 a minute, and the routing passes
are shared among the three workers (each event records the pass that claimed it, named after its
worker). RATE_LIMIT_WINDOW_SCALE shrinks the minute (for the workers' limiter and the fake bots
alike), so that the 25 messages each bot receives cross its window in seconds."""

import collections
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from notifications.models import Delivery, DeliveryAttempt, Event
from notifications.services.events import publish
from tests.fakes.dingtalk import FakeDingTalk
from tests.notifications.delivery.builders import add_target, make_rule
from workspaces.models import Model

pytestmark = pytest.mark.integration

SCALE = 0.05  # a DingTalk "minute" of 3 s
EVENTS = 2000
BOTS = 80  # 25 events each: every bot's window fills, and the rest of its messages wait
PER_TRANSACTION = 100  # one routing wake-up per publishing transaction
SECRET = "SEC" + "5ca1" * 16


def _bot_of(request) -> str:
    return request.query.get("access_token", "")


def _max_in_any_window(times: list[float], window: float) -> int:
    times, best, start = sorted(times), 0, 0
    for end, moment in enumerate(times):
        while times[start] <= moment - window:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_three_workers_share_a_burst_of_2000_events_and_send_each_delivery_once(start_worker, activated_workspace,
                                                                                owner):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes every write: three workers' passes and sends queue on one file lock, and "
                    "2,000 events take minutes there (the embedded profile is for one worker)")
    fake = FakeDingTalk(window_scale=SCALE).start()
    try:
        models = []
        for number in range(BOTS):
            model = Model.objects.create(workspace=activated_workspace, name=f"scale-{number}", created_by=owner)
            bot = fake.add_bot(secret=SECRET)
            rule = make_rule(activated_workspace, scope="models", scope_models=[model], name=f"scale-{number}")
            add_target(rule, "dingtalk", secrets={"webhook": bot.webhook, "signing_secret": SECRET})
            models.append(model)
        env = {"OUTBOUND_ALLOWED_NETWORKS": "127.0.0.1/32", "WEBHOOK_EXTRA_HOSTS": "127.0.0.1",
               "RATE_LIMIT_WINDOW_SCALE": str(SCALE), "ROUTE_BATCH_SIZE": "100", "LOG_LEVEL": "WARNING"}
        started = time.monotonic()
        # The workers start (one after the other, a few seconds each) while the first half is published;
        # the second half is published once all three are up.
        with ThreadPoolExecutor(1) as starter:
            starting = starter.submit(lambda: [start_worker(concurrency=1, **env) for _ in range(3)])
            for first in range(0, EVENTS, PER_TRANSACTION):
                if first == EVENTS // 2:
                    starting.result()
                with transaction.atomic():
                    for number in range(first, first + PER_TRANSACTION):
                        publish(workspace=activated_workspace, source="dlc_job", type_name="JobFailed",
                                resource_id=number, resource_name=f"job-{number}", old_status="Running",
                                new_status="Failed", model=models[number % BOTS])
        published = time.monotonic() - started

        assert fake.wait_for_accepted(EVENTS, timeout=60), f"{len(fake.accepted)} of {EVENTS} delivered"
        took = time.monotonic() - started
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Delivery.objects.exclude(status="succeeded").exists():
            time.sleep(0.1)

        # Exactly once: one delivery per event, one attempt per delivery, one receipt per delivery id.
        assert Delivery.objects.filter(status="succeeded").count() == EVENTS
        assert DeliveryAttempt.objects.count() == EVENTS
        receipts = collections.Counter(r.json["msgUuid"].rsplit("-", 1)[1] for r in fake.requests)
        assert len(receipts) == EVENTS and set(receipts.values()) == {1}
        assert {str(pk) for pk in Delivery.objects.values_list("pk", flat=True)} == set(receipts)
        # The bots' limits held: never refused, never more than 20 in any of their "minutes".
        assert all(r.accepted for r in fake.requests), "a bot had to refuse a message (130101)"
        by_bot = collections.defaultdict(list)
        for request in fake.requests:
            by_bot[_bot_of(request)].append(request.received_monotonic)
        assert len(by_bot) == BOTS and max(_max_in_any_window(t, 60 * SCALE) for t in by_bot.values()) <= 20
        # Shared: every worker claimed some of the events (a claim is "<worker name>#<pass>").
        claims = Event.objects.filter(source="dlc_job").values_list("routing_claim", flat=True)  # not the platform's
        per_worker = collections.Counter(claim.split("#", 1)[0] for claim in claims)
        passes = len(set(claims))
        assert len(per_worker) == 3 and all(per_worker.values()), per_worker
        assert not Event.objects.filter(routed_at__isnull=True).exists()
        print(f"\n{EVENTS} deliveries in {took:.1f} s on 3 workers (started, and the events published, in "
              f"{published:.1f} s); events per worker {sorted(per_worker.values())}; {passes} routing passes")
    finally:
        fake.stop()
