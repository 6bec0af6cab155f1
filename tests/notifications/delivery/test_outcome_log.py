"""One log line per delivery outcome, carrying the event id, the delivery id, the target, the status
and the error; with LOG_FORMAT=json each is a field. And the matching Prometheus counters."""

import json
import logging

from prometheus_client import REGISTRY

from console.logjson import JsonFormatter
from notifications.models import Delivery
from notifications.services.delivery import delivery_send
from tests.notifications.delivery.test_delivery import dingtalk_delivery  # noqa: F401  (the fixture)


def counted(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_failed_then_succeeded_delivery_logs_one_line_per_outcome(dingtalk_delivery, fake_dingtalk, caplog):  # noqa: F811
    retrying_before = counted("pai_delivery_outcomes_total", channel="dingtalk", outcome="retrying")
    succeeded_before = counted("pai_delivery_outcomes_total", channel="dingtalk", outcome="succeeded")
    latency_before = counted("pai_delivery_attempt_seconds_count", channel="dingtalk")
    fake_dingtalk.fail_next(1, status=500)
    with caplog.at_level(logging.INFO, logger="notifications.delivery"):
        assert delivery_send(delivery_id=dingtalk_delivery.pk) == "retrying"
        Delivery.objects.filter(pk=dingtalk_delivery.pk).update(next_attempt_at=None)
        assert delivery_send(delivery_id=dingtalk_delivery.pk) == "succeeded"
    lines = [r for r in caplog.records if r.name == "notifications.delivery"]
    assert [(r.levelname, r.status, r.attempt) for r in lines] == [("WARNING", "retrying", 1), ("INFO", "succeeded", 2)]
    failed = lines[0]
    event_uuid = dingtalk_delivery.event.event_id
    assert (failed.event_id, failed.delivery_id, failed.target) == (event_uuid, dingtalk_delivery.pk,
                                                                    dingtalk_delivery.target_id)
    assert failed.http_status == 500 and "500" in failed.error
    assert f"delivery {dingtalk_delivery.pk} of event {event_uuid}" in failed.getMessage()
    as_json = json.loads(JsonFormatter().format(failed))
    assert {key: as_json[key] for key in ("level", "event_id", "delivery_id", "target", "status", "channel")} == {
        "level": "WARNING", "event_id": event_uuid, "delivery_id": dingtalk_delivery.pk,
        "target": dingtalk_delivery.target_id, "status": "retrying", "channel": "dingtalk"}
    assert as_json["error"] == failed.error and as_json["http_status"] == 500
    assert counted("pai_delivery_outcomes_total", channel="dingtalk", outcome="retrying") == retrying_before + 1
    assert counted("pai_delivery_outcomes_total", channel="dingtalk", outcome="succeeded") == succeeded_before + 1
    assert counted("pai_delivery_attempt_seconds_count", channel="dingtalk") == latency_before + 2


def test_log_format_json_is_a_setting():
    from django.conf import settings

    assert settings.LOGGING["formatters"]["json"] == {"()": "console.logjson.JsonFormatter"}
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom %s", ("now",), None)
    assert json.loads(JsonFormatter().format(record))["message"] == "boom now"
