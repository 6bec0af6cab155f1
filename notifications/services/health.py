"""Target health: healthy, failing (its last deliveries failed), disabled.

A "gone" answer (notifications.channels.answers: a revoked token, a removed bot, HTTP 410),
TARGET_DISABLE_AFTER_GONE times in a row, disables the target; so do TARGET_DISABLE_AFTER_DEAD dead
deliveries in a row when the first of them was at least TARGET_DISABLE_MIN_FAILING_SECONDS ago. The
account's owner is told: the rules page's banner (notifications.selectors.rules), an email when
email is configured, an audit entry. A disabled target's deliveries are recorded as skipped (not
attempted, not billed) until someone re-enables it, after a successful Test Connectivity.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from notifications.channels.answers import GONE
from notifications.models import Target, TargetHealth
from notifications.services.platform_events import platform_event_target_disabled
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import BUS, Check, operation

logger = logging.getLogger(__name__)

# Email backends that deliver nothing anywhere: email is then "not configured".
NO_EMAIL_BACKENDS = ("django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.dummy.EmailBackend")


class EnableRefused(Exception):
    """The target cannot be re-enabled yet (no successful Test Connectivity since it was disabled)."""


def target_delivery_recorded(*, target_id: int | None, error, dead: bool) -> None:
    """Count one completed attempt of a delivery to the target: `error` is the DeliveryError (None
    on success), `dead` whether the delivery is now dead. Runs inside the attempt's transaction."""
    if target_id is None:
        return
    now = timezone.now()
    if error is None:
        targets_delivered(target_ids={target_id})
        return
    target = Target.objects.select_for_update().filter(pk=target_id).first()
    if target is None:
        return
    words = getattr(error, "words", "") or str(error)
    target.last_error = f"{error} — {words}"[:1024] if words != str(error) else words[:1024]
    target.last_error_at = now
    target.consecutive_gone = target.consecutive_gone + 1 if error.klass == GONE else 0
    if dead:
        target.consecutive_dead += 1
        target.failing_since = target.failing_since or now
    fields = ["last_error", "last_error_at", "consecutive_gone", "consecutive_dead", "failing_since", "updated_at"]
    if target.health == TargetHealth.HEALTHY:
        target.health = TargetHealth.FAILING
        fields.append("health")
    target.save(update_fields=fields)
    reason = _disable_reason(target, words, now)
    if reason and target.health != TargetHealth.DISABLED:
        target_disable(target=target, reason=reason)


def targets_delivered(*, target_ids: set[int]) -> None:
    """A delivery to each of these targets succeeded: a failing one is healthy again (one UPDATE for
    a routing pass's successes; a disabled target stays disabled until someone re-enables it)."""
    if target_ids:
        Target.objects.filter(pk__in=target_ids, health=TargetHealth.FAILING).update(
            health=TargetHealth.HEALTHY, consecutive_dead=0, consecutive_gone=0, failing_since=None)


def _disable_reason(target: Target, words: str, now) -> str:
    if target.consecutive_gone >= max(1, settings.TARGET_DISABLE_AFTER_GONE):
        return words
    enough = target.consecutive_dead >= max(1, settings.TARGET_DISABLE_AFTER_DEAD)
    long_enough = target.failing_since is not None and (
        now - target.failing_since >= timedelta(seconds=settings.TARGET_DISABLE_MIN_FAILING_SECONDS))
    if enough and long_enough:
        return (f"{target.consecutive_dead} deliveries in a row failed since "
                f"{target.failing_since:%Y-%m-%d %H:%M} UTC; the last: {words}")
    return ""


def target_disable(*, target: Target, reason: str) -> None:
    """Disable the target (the system does, after its answers), record why, and tell the account's
    owner (audit entry, email) and the workspace's other targets (a Target Disabled platform event)."""
    now = timezone.now()
    Target.objects.filter(pk=target.pk).update(health=TargetHealth.DISABLED, disabled_reason=reason[:1024],
                                               disabled_at=now, updated_at=now)
    target.health, target.disabled_reason, target.disabled_at = TargetHealth.DISABLED, reason[:1024], now
    rule = target.rule
    account = rule.bus.workspace.account
    audit_record(actor=None, account=account, action="target.disable", obj=target,
                 changes={"health": [TargetHealth.FAILING, TargetHealth.DISABLED], "reason": [None, reason[:256]]})
    logger.warning("target %s of rule %s disabled: %s", target.pk, rule.pk, reason)
    transaction.on_commit(lambda: _tell_owner(account, target, rule, reason), robust=True)
    platform_event_target_disabled(target=target, reason=reason)  # to the workspace's other targets


def _tell_owner(account, target: Target, rule, reason: str) -> None:
    if settings.EMAIL_BACKEND in NO_EMAIL_BACKENDS:
        return
    owners = [user.email for user in account.users.filter(is_account_owner=True, is_active=True) if user.email]
    if not owners:
        return
    workspace = rule.bus.workspace
    send_mail(
        f"[PAI notifications] A target of rule {rule.name} was disabled",
        f"The {target.method} target of the notice rule \"{rule.name}\" (workspace {workspace.name}) was "
        f"disabled: {reason}\n\nIts events are recorded as skipped until it is re-enabled. Fix the target, run "
        f"Test Connectivity, then re-enable it on the rules page and recover the skipped events.",
        settings.DEFAULT_FROM_EMAIL, owners, fail_silently=True,
    )


def target_tested_ok(*, target: Target) -> None:
    """A Test Connectivity of this saved target succeeded (with its saved settings)."""
    Target.objects.filter(pk=target.pk).update(tested_ok_at=timezone.now())


@operation(Check("eventbridge:UpdateTargets", BUS),
           values=lambda workspace, **_: {"account": workspace.account, "workspace": workspace.name}, enforce=False)
def target_enable(*, actor, target_id: int) -> Target:
    """Re-enable a disabled target. Needs eventbridge:UpdateTargets on its bus and a successful Test
    Connectivity since it was disabled (EnableRefused otherwise)."""
    target = Target.objects.select_related("rule__bus__workspace__account").get(pk=target_id)
    workspace = target.rule.bus.workspace
    target_enable.authorize(actor, workspace=workspace)
    if target.health != TargetHealth.DISABLED:
        return target
    if target.tested_ok_at is None or (target.disabled_at and target.tested_ok_at < target.disabled_at):
        raise EnableRefused("Run Test Connectivity on this target first: it can be re-enabled once a test "
                            "message gets through.")
    with transaction.atomic():
        Target.objects.filter(pk=target.pk).update(
            health=TargetHealth.HEALTHY, consecutive_dead=0, consecutive_gone=0, failing_since=None,
            disabled_reason="", disabled_at=None, updated_at=timezone.now())
        audit_record(actor=actor, account=workspace.account, action="target.enable", obj=target,
                     changes={"health": [TargetHealth.DISABLED, TargetHealth.HEALTHY]})
    target.refresh_from_db()
    return target
