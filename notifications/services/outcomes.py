"""One log line per delivery outcome, and the matching Prometheus counters (console/metrics.py).

Each line names the event (its CloudEvents id and row id), the delivery, the target, the channel,
the attempt, what happened and why: `succeeded` at INFO, `retrying` and `rate_limited` at INFO and
WARNING, `dead` at WARNING. With LOG_FORMAT=json each of these is a field of its own."""

from __future__ import annotations

import logging

from console import metrics

logger = logging.getLogger("notifications.delivery")

LEVELS = {"succeeded": logging.INFO, "retrying": logging.WARNING, "dead": logging.WARNING,
          "rate_limited": logging.INFO}


def delivery_outcome_record(delivery, *, outcome: str, attempt=None, error: str = "", wait_seconds: float | None = None,
                            event_uuid: str = "") -> None:
    """Log and count what one try of `delivery` came to ("succeeded", "retrying", "dead" or
    "rate_limited"). `attempt` is the completed DeliveryAttempt (None when no send happened)."""
    duration_ms = getattr(attempt, "duration_ms", None)
    fields = {
        "event_id": event_uuid or getattr(getattr(delivery, "event", None), "event_id", ""),
        "event_pk": delivery.event_id,
        "delivery_id": delivery.pk,
        "target": delivery.target_id,
        "channel": delivery.channel,
        "recipient": delivery.recipient_label,
        "status": outcome,
        "attempt": getattr(attempt, "number", None),
        "http_status": getattr(attempt, "http_status", None),
        "duration_ms": duration_ms,
        "error": error,
    }
    if wait_seconds is not None:
        fields["wait_seconds"] = round(wait_seconds, 3)
    detail = f"attempt {fields['attempt']}" if attempt is not None else "no attempt"
    if fields["http_status"]:
        detail += f", HTTP {fields['http_status']}"
    if duration_ms is not None:
        detail += f", {duration_ms:.0f} ms"
    if wait_seconds is not None:
        detail += f", waiting {wait_seconds:.1f} s for the bot's rate limit"
    logger.log(
        LEVELS.get(outcome, logging.INFO),
        "delivery %s of event %s to %s target %s: %s (%s)%s",
        delivery.pk, fields["event_id"], delivery.channel, delivery.target_id, outcome, detail,
        f": {error}" if error else "", extra=fields,
    )
    if outcome == "rate_limited":
        metrics.rate_limit_wait_counted(channel=delivery.channel)
    else:
        metrics.delivery_outcome_counted(channel=delivery.channel, outcome=outcome,
                                         seconds=duration_ms / 1000 if duration_ms is not None else None)
