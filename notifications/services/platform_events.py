"""Platform events: the console's own events about a workspace's notification setup (the catalog's
source "notification_system"): Target Disabled, Delivery Dead, Quota Nearly Used, Replay Finished.
They go through the front door (`events.publish`) on the workspace's bus and are routed by the same
rules to the same targets, so a team can watch its notification setup with the tools it already has.

The services that cause them call the functions below inside their own transaction; the event is
raised once that transaction commits, and a failure to raise it is logged, never raised: the operation
that caused it stands (a disable, a dead delivery, a counted notification). A workspace whose bus is
not ready (EventBridge not activated, role not granted) records nothing.

No notice about a notice can loop: a dead delivery of a platform event raises no Delivery Dead; a
target disabled by the delivery of a platform event is announced (`chain` 1), but a target disabled
by the delivery of such an announcement is not. A Target Disabled never reaches the target it is
about (routing leaves that target out).
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.catalog import type_key
from notifications.channels.registry import get_method
from notifications.models import DeliveryAttempt, Event, RoutingKey
from notifications.services.events import event_subject, publish, publish_state
from workspaces.models import Workspace

logger = logging.getLogger(__name__)

SOURCE = "notification_system"
TARGET_DISABLED = type_key(SOURCE, "TargetDisabled")
QUOTA_NEARLY_USED = type_key(SOURCE, "QuotaNearlyUsed")
NEARLY_USED_PERCENT = 80  # the share of a quota at which Quota Nearly Used is raised
# A Target Disabled caused by the delivery of a platform event has chain 1; one caused by the delivery
# of a chain-1 notice would have 2 and is not raised.
MAX_CHAIN = 1
FREE_TIER_RESOURCE_ID = "free-tier"


def _raise_after_commit(**fields) -> None:
    transaction.on_commit(partial(platform_event_raise, **fields))


def platform_event_raise(*, workspace_id: int, type_name: str, resource_kind: str, resource_id, resource_name: str,
                         old_status: str = "", new_status: str = "", console_path: str = "", actor=None,
                         resource_owner=None, data: dict | None = None, once_since: datetime.datetime | None = None,
                         ) -> Event | None:
    """Publish one platform event now (the functions below call it after their transaction commits).
    Returns the event, or None when nothing was recorded: the bus is not ready, an event of this type
    about this resource was already raised since `once_since`, or publishing failed (logged)."""
    try:
        workspace = Workspace.objects.select_related("account").get(pk=workspace_id)
        _, blocker, _ = publish_state(workspace)
        if blocker:
            logger.info("platform event %s of workspace %s not recorded: %s", type_name, workspace_id, blocker)
            return None
        if once_since is not None and Event.objects.filter(
                workspace=workspace, type=type_key(SOURCE, type_name), resource_id=str(resource_id),
                created_at__gte=once_since).exists():
            return None
        with transaction.atomic():
            return publish(
                workspace=workspace, source=SOURCE, type_name=type_name, resource_id=resource_id,
                resource_name=resource_name, old_status=old_status, new_status=new_status, actor=actor,
                resource_owner=resource_owner, console_path=console_path,
                subject=event_subject(workspace=workspace, resource_kind=resource_kind, resource_id=resource_id),
                extra={"resourceKind": resource_kind, **(data or {})},
            )
    except Exception:  # never the caller's problem: its operation already committed
        logger.exception("could not raise platform event %s in workspace %s", type_name, workspace_id)
        return None


def _method_label(method: str) -> str:
    try:
        return get_method(method).label
    except KeyError:
        return method


def _rules_page(workspace_id: int) -> str:
    return reverse("rule-list", kwargs={"workspace_id": workspace_id})


def _chain_of(event: Event | None) -> int:
    """How deep in notices about notices the event that caused a disable is (-1: not a platform event)."""
    if event is None or event.source != SOURCE:
        return -1
    data = (event.envelope or {}).get("data") or {}
    try:
        return int(data.get("chain") or 0)
    except (TypeError, ValueError):
        return MAX_CHAIN


def _cause_of_disable(target) -> Event | None:
    """The event whose delivery disabled the target: the one its latest attempt carried (that
    attempt was completed in the transaction that disables it)."""
    attempt = (DeliveryAttempt.objects.filter(delivery__target_id=target.pk).select_related("delivery__event")
               .order_by("-pk").first())
    return attempt.delivery.event if attempt is not None else None


def platform_event_target_disabled(*, target, reason: str) -> None:
    """Target Disabled, about `target`, which the system disabled for `reason` (health.target_disable)."""
    chain = _chain_of(_cause_of_disable(target)) + 1
    rule = target.rule
    workspace_id = rule.bus.workspace_id
    if chain > MAX_CHAIN:
        logger.warning("target %s was disabled by a notice about a notice: no Target Disabled is raised", target.pk)
        return
    method = _method_label(target.method)
    _raise_after_commit(
        workspace_id=workspace_id, type_name="TargetDisabled", resource_kind="NotificationTarget",
        resource_id=target.pk, resource_name=f"{rule.name} / {method}", old_status="failing", new_status="disabled",
        console_path=_rules_page(workspace_id), resource_owner=rule.created_by,
        data={"ruleId": str(rule.pk), "ruleName": rule.name, "targetId": str(target.pk), "targetMethod": method,
              "reason": reason[:512], "chain": str(chain)},
    )


def platform_event_delivery_dead(*, delivery, reason: str) -> None:
    """Delivery Dead, about `delivery`, which gave up (delivery.attempt_send). Not for a delivery of a
    platform event: no cascade."""
    event = delivery.event
    if event.source == SOURCE or delivery.target_id is None:
        return
    rule, target = delivery.rule, delivery.target
    method = _method_label(target.method)
    path = reverse("event-detail", kwargs={"workspace_id": event.workspace_id, "event_id": event.pk})
    _raise_after_commit(
        workspace_id=event.workspace_id, type_name="DeliveryDead", resource_kind="NotificationDelivery",
        resource_id=delivery.pk, resource_name=f"{rule.name if rule else '?'} / {method}", old_status=delivery.status,
        new_status="dead", console_path=f"{path}?tab=deliveries", resource_owner=rule.created_by if rule else None,
        data={"ruleId": str(rule.pk) if rule else "", "ruleName": rule.name if rule else "",
              "targetId": str(target.pk), "targetMethod": method, "reason": (reason or "")[:512],
              "deliveryId": str(delivery.pk), "originalEventId": event.event_id, "originalEventType": event.type},
    )


def _crossed(before: int, after: int, limit: int) -> bool:
    return limit > 0 and before * 100 < limit * NEARLY_USED_PERCENT <= after * 100


def _month_start(now: datetime.datetime) -> tuple[datetime.datetime, str]:
    """The start of the billing month `now` is in, and its key (YYYY-MM)."""
    local = now.astimezone(zoneinfo.ZoneInfo(settings.BILLING_TIME_ZONE))
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return start, f"{start.year:04d}-{start.month:02d}"


def platform_event_rule_units_counted(*, rule, before: int, units: int, limit: int, actor=None) -> None:
    """A save changed the rule's target units from `before` to `units` of `limit`: Quota Nearly Used
    when that crossed NEARLY_USED_PERCENT, once per billing month per rule."""
    if not _crossed(before, units, limit):
        return
    since, period = _month_start(timezone.now())
    workspace_id = rule.bus.workspace_id
    _raise_after_commit(
        workspace_id=workspace_id, type_name="QuotaNearlyUsed", resource_kind="NotificationRule",
        resource_id=rule.pk, resource_name=rule.name, old_status=str(before), new_status=str(units), actor=actor,
        console_path=reverse("quota-page"), resource_owner=rule.created_by, once_since=since,
        data={"ruleId": str(rule.pk), "ruleName": rule.name, "quota": "rule_units", "used": str(units),
              "limit": str(limit), "percent": str(units * 100 // limit), "period": period},
    )


def platform_event_free_tier_counted(*, account_id: int, used: int, limit: int, month: datetime.date) -> None:
    """This month's notifications just crossed NEARLY_USED_PERCENT of the free tier (usage_record):
    Quota Nearly Used, once per billing month, on the bus of each of the account's workspaces where an
    enabled rule listens for it. The free tier is the account's, not a workspace's: an account with
    hundreds of workspaces would otherwise store hundreds of events nobody routes, all at once, in the
    delivery that crossed the line."""
    since, _ = _month_start(timezone.now())
    period = f"{month:%Y-%m}"
    path = reverse("usage-page")
    listening = (RoutingKey.objects.filter(bus__account_id=account_id, event_type=type_key(SOURCE, "QuotaNearlyUsed"))
                 .values_list("bus__workspace_id", flat=True).distinct())
    for workspace_id in sorted(listening):
        _raise_after_commit(
            workspace_id=workspace_id, type_name="QuotaNearlyUsed", resource_kind="FreeTier",
            resource_id=FREE_TIER_RESOURCE_ID, resource_name=f"Free tier {month:%Y-%m}", console_path=path,
            once_since=since,
            data={"ruleId": "", "ruleName": "", "quota": "free_tier", "used": str(used), "limit": str(limit),
                  "percent": str(used * 100 // limit), "period": period},
        )


def platform_event_replay_finished(*, workspace, job_id, rule_name: str = "", rule_id=None, replayed: int,
                                   delivered: int, failed: int, status: str = "finished", actor=None) -> None:
    """Replay Finished: the replay job `job_id` of the workspace's bus is over (`status`: finished,
    cancelled or failed), to one rule (`rule_name`) or to all the bus's rules (""), with its counts."""
    scope = rule_name or "all rules"
    _raise_after_commit(
        workspace_id=workspace.pk, type_name="ReplayFinished", resource_kind="ReplayJob", resource_id=job_id,
        resource_name=f"Replay {job_id} ({scope})", old_status="running", new_status=status, actor=actor,
        console_path=reverse("event-log", kwargs={"workspace_id": workspace.pk}),
        data={"ruleId": "" if rule_id is None else str(rule_id), "ruleName": rule_name, "replayId": str(job_id),
              "replayed": str(replayed), "delivered": str(delivered), "failed": str(failed)},
    )
