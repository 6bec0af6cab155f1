"""Recover: "redeliver everything that failed since T" for a target, a rule or a workspace.

The dead, failed (retrying) and skipped deliveries of the window go back through the normal path:
pending, a fresh deadline, no longer marked waiting for their bot (`resend_fields`, as Redeliver: a
digest carries one only if it waits again), enqueued in the order they were created; the rate
limiter and the claim apply as to any delivery. A request takes each delivery at most once (`Delivery.recovery`), and a
second request for the same scope while one runs returns the running one (nothing more is sent).
Progress: how many of the request's deliveries are no longer pending or retrying.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from celery import current_app
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.models import Delivery, Recovery, Rule, Target, TargetHealth
from notifications.services.delivery import ACTIVE, delivery_enqueue
from notifications.services.redeliver import resend_fields
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import BUS, Check, operation
from workspaces.models import Workspace

logger = logging.getLogger(__name__)

RECOVERABLE = (Delivery.Status.DEAD, Delivery.Status.RETRYING, Delivery.Status.SKIPPED)
RECOVER_TASK = "notifications.tasks.recover"
BATCH = 200


class RecoveryRefused(Exception):
    """The request cannot start (a window in the future, a disabled target, a rule of another workspace)."""


@dataclass(frozen=True)
class RecoveryProgress:
    recovery: Recovery
    total: int
    done: int
    succeeded: int

    @property
    def finished(self) -> bool:
        return self.recovery.status == Recovery.Status.FINISHED

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)


WORKSPACE_VALUES = {"values": lambda workspace, **_: {"account": workspace.account, "workspace": workspace.name}}


@operation(Check("eventbridge:PutEvents", BUS), **WORKSPACE_VALUES)
def recovery_start(*, actor, workspace, since, rule_id: int | None = None, target_id: int | None = None) -> Recovery:
    """Start (or find running) the recovery of the scope. Needs eventbridge:PutEvents on the bus."""
    now = timezone.now()
    if since > now:
        raise RecoveryRefused("The start of the window is in the future: choose a time before now.")
    target = rule = None
    if target_id is not None:
        target = Target.objects.select_related("rule").filter(pk=target_id, rule__bus__workspace=workspace).first()
        if target is None:
            raise RecoveryRefused("No such target in this workspace.")
        if target.health == TargetHealth.DISABLED:
            raise RecoveryRefused("This target is disabled: re-enable it first, then recover its deliveries.")
        rule = target.rule
    elif rule_id is not None:
        rule = Rule.objects.filter(pk=rule_id, bus__workspace=workspace).first()
        if rule is None:
            raise RecoveryRefused("No such rule in this workspace.")
    with transaction.atomic():
        Workspace.objects.select_for_update().filter(pk=workspace.pk).first()  # one request at a time
        running = Recovery.objects.filter(workspace=workspace, rule=rule, target=target,
                                          status=Recovery.Status.RUNNING).first()
        if running is not None:
            return running
        recovery = Recovery.objects.create(workspace=workspace, rule=rule, target=target, since=since,
                                           requested_by=actor if getattr(actor, "pk", None) else None)
        audit_record(actor=actor, account=workspace.account, action="delivery.recover", obj=recovery,
                     changes={"since": [None, since.isoformat()], "scope": [None, recovery.scope_label]})
        transaction.on_commit(lambda: _task_send(recovery.pk), robust=True)
    return recovery


def _task_send(recovery_id: int) -> None:
    try:
        current_app.send_task(RECOVER_TASK, args=[recovery_id])
    except Exception:  # the broker refused: run it here, the deliveries' own tasks are what matters
        logger.warning("could not enqueue recovery %s; running it in the request", recovery_id, exc_info=True)
        recovery_run(recovery_id=recovery_id)


def _window(recovery: Recovery):
    deliveries = Delivery.objects.filter(workspace_id=recovery.workspace_id, created_at__gte=recovery.since,
                                         created_at__lte=recovery.created_at, status__in=RECOVERABLE)
    if recovery.target_id:
        deliveries = deliveries.filter(target_id=recovery.target_id)
    elif recovery.rule_id:
        deliveries = deliveries.filter(rule_id=recovery.rule_id)
    # The workspace's disabled targets would only be skipped again: left for after their re-enable.
    return deliveries.exclude(target__health=TargetHealth.DISABLED).exclude(recovery_id=recovery.pk)


def recovery_run(*, recovery_id: int) -> int:
    """Send the recovery's deliveries again, oldest first. Returns how many were taken."""
    recovery = Recovery.objects.filter(pk=recovery_id, status=Recovery.Status.RUNNING).first()
    if recovery is None:
        return 0
    taken = 0
    while True:
        batch = list(_window(recovery).order_by("created_at", "id").values_list("pk", "channel")[:BATCH])
        if not batch:
            break
        now = timezone.now()
        for delivery_id, channel in batch:
            with transaction.atomic():
                updated = (
                    Delivery.objects.filter(pk=delivery_id, status__in=RECOVERABLE)
                    .exclude(recovery_id=recovery.pk)
                    .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
                    .update(recovery=recovery, **resend_fields(now))
                )
                if updated:
                    taken += 1
                    delivery_enqueue(delivery=Delivery(pk=delivery_id, channel=channel))
        Recovery.objects.filter(pk=recovery.pk).update(total=taken)
    Recovery.objects.filter(pk=recovery.pk).update(total=taken)
    if not taken:
        Recovery.objects.filter(pk=recovery.pk).update(status=Recovery.Status.FINISHED, finished_at=timezone.now())
    logger.info("recovery %s: %s deliveries sent again", recovery.pk, taken)
    return taken


def recovery_progress(*, recovery: Recovery) -> RecoveryProgress:
    """How far the recovery is; marks it finished once none of its deliveries is still to send."""
    recovery.refresh_from_db()
    mine = Delivery.objects.filter(recovery=recovery)
    remaining = mine.filter(status__in=ACTIVE).count()
    succeeded = mine.filter(status=Delivery.Status.SUCCEEDED).count()
    total = max(recovery.total, mine.count())
    # (the run writes total after each batch: equal counts mean no batch is half-enqueued)
    if (recovery.status == Recovery.Status.RUNNING and remaining == 0 and recovery.total == mine.count()
            and not _window(recovery).exists()):
        now = timezone.now()
        Recovery.objects.filter(pk=recovery.pk).update(status=Recovery.Status.FINISHED, finished_at=now)
        recovery.status, recovery.finished_at = Recovery.Status.FINISHED, now
    return RecoveryProgress(recovery=recovery, total=total, done=total - remaining, succeeded=succeeded)


@operation(Check("eventbridge:PutEvents", BUS), **WORKSPACE_VALUES)
def recovery_get(*, actor, workspace, recovery_id) -> Recovery:
    return Recovery.objects.get(pk=recovery_id, workspace=workspace)
