"""(f) The console's two long tables, the rules table (Event Notification Configuration) and the
event log, with 10 and with 1,000 rows (and 50, the rule service's cap per bus): the number of
queries (CaptureQueriesContext) and the render time (Django test client, median of five after one
warm-up)."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benchmarks import pipeline
from benchmarks.harness import Context, Stage
from benchmarks.stats import median

ROWS = (10, 50, 1000)  # 50: the most rules a bus may hold through the rule service
CONSOLE_ACCOUNT = "benchconsole"  # its own account: three workspaces in the top bar's switcher
PAGES = {"rules_table": "workspace-event-notifications", "event_log": "event-log"}


def add_events(workspace_id: int, count: int) -> None:
    """`count` delivered approval events, each with its delivery and one successful attempt."""
    from notifications.models import Delivery, DeliveryAttempt, Event, Target
    from workspaces.models import EventBus, Workspace

    workspace = Workspace.objects.select_related("account").get(pk=workspace_id)
    bus = EventBus.objects.get(workspace=workspace)
    target = Target.objects.filter(rule__bus=bus).select_related("rule").first()
    now = timezone.now()
    with transaction.atomic():
        events = Event.objects.bulk_create([
            Event(event_id=str(uuid.uuid4()), account_id=workspace.account_id, workspace=workspace, bus=bus,
                  source="model", type=pipeline.approved_type(), subject=f"acs.pai:bench:ModelVersion/{i}",
                  resource_id=str(i), resource_name=f"resnet50:v{i}", status=Event.Status.PUBLISHED,
                  envelope={"id": str(uuid.uuid4()), "type": pipeline.approved_type(), "data": {"resourceId": i}},
                  enqueued_at=now, routed_at=now)
            for i in range(count)
        ], batch_size=500)
        deliveries = Delivery.objects.bulk_create([
            Delivery(event=event, workspace=workspace, rule=target.rule, target=target, channel="dingtalk",
                     status=Delivery.Status.SUCCEEDED, attempt_count=1, deadline_at=now + timedelta(days=1),
                     succeeded_at=now)
            for event in events
        ], batch_size=500)
        DeliveryAttempt.objects.bulk_create([
            DeliveryAttempt(delivery=delivery, number=1, outcome=DeliveryAttempt.Outcome.SUCCEEDED, started_at=now,
                            finished_at=now, duration_ms=1.0, http_status=200, provider_code="0",
                            request_url="http://127.0.0.1/robot/send?access_token=****", response_body='{"errcode":0}')
            for delivery in deliveries
        ], batch_size=500)


def render(client: Client, url: str, repeat: int = 5) -> dict:
    client.get(url)  # warm: templates, URL resolver
    times, queries, status = [], [], None
    for _ in range(repeat):
        connection.queries_log.clear()  # the log keeps 9,000 entries across captures
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
        queries.append(len(captured.captured_queries))
    return {"status": status, "queries": max(queries), "median_ms": round(median(times), 1),
            "bytes": len(response.content)}


def measure(ctx: Context) -> Stage:
    stage = Stage("f_console")
    account, owner = pipeline.bench_account(CONSOLE_ACCOUNT)
    client = Client()
    client.force_login(owner)
    for rows in ROWS:
        workspace_id = pipeline.build_bot_workspaces(1, ctx.fake.url, account_name=CONSOLE_ACCOUNT).workspace_ids[0]
        pipeline.add_rules(workspace_id, rows - 1, ctx.fake.url)
        add_events(workspace_id, rows)
        for page, url_name in PAGES.items():
            url = reverse(url_name, kwargs={"workspace_id": workspace_id})
            stage.figures.setdefault(page, {})[str(rows)] = {"url": url, **render(client, url)}
    for page in PAGES:
        small, large = stage.figures[page][str(ROWS[0])], stage.figures[page][str(ROWS[-1])]
        stage.figures[page]["same_queries"] = small["queries"] == large["queries"]
    return stage
