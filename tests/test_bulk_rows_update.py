"""console.bulk.rows_update: every row gets its own values, in one statement on PostgreSQL (the
second CI pass) and through Django's bulk_update elsewhere: NULLs, quotes, non-ASCII text, times."""

from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from console.bulk import rows_update
from notifications.models import Delivery, DeliveryAttempt
from tests.notifications.delivery.builders import add_target, make_rule, raise_event


def test_each_row_gets_its_own_values_in_one_statement(activated_workspace):
    target = add_target(make_rule(activated_workspace), "http", config={"url": "https://example.com/hook"})
    event = raise_event(activated_workspace)
    delivery = Delivery.objects.create(event=event, target=target, rule=target.rule, channel="http",
                                       workspace=activated_workspace, deadline_at=datetime(2026, 12, 2, tzinfo=UTC))
    started = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    attempts = [DeliveryAttempt.objects.create(delivery=delivery, number=number, started_at=started)
                for number in (1, 2, 3)]
    values = [
        (datetime(2026, 12, 1, 9, 0, 1, tzinfo=UTC), 12.5, 200, "0", '{"errcode":0,"errmsg":"ok"}', "succeeded", None),
        (datetime(2026, 12, 1, 9, 0, 2, tzinfo=UTC), 3.25, None, "", "it's \"quoted\" — 机器人已停用", "failed", True),
        (None, None, 503, "E'1", "", "failed", False),
    ]
    for attempt, (finished, duration, status, code, body, outcome, permanent) in zip(attempts, values, strict=True):
        attempt.finished_at, attempt.duration_ms, attempt.http_status = finished, duration, status
        attempt.provider_code, attempt.response_body, attempt.outcome, attempt.permanent = code, body, outcome, permanent

    fields = ("finished_at", "duration_ms", "http_status", "provider_code", "response_body", "outcome", "permanent")
    with CaptureQueriesContext(connection) as queries:
        rows_update(DeliveryAttempt, attempts, fields)

    if connection.vendor == "postgresql":
        assert len(queries) == 1
    stored = list(DeliveryAttempt.objects.order_by("number").values_list(*fields))
    assert stored == values
    assert list(DeliveryAttempt.objects.values_list("started_at", flat=True)) == [started] * 3  # untouched
