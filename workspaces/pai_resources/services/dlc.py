"""Deep Learning Containers jobs: lifecycle, scheduling settings, and the Job Timeout check.

Every move of the lifecycle raises the catalog event of the state it enters. A job may have a
timeout (minutes, in its scheduling settings); `dlc_jobs_raise_timeouts`, run by beat, raises *Job
Timeout* once for a job still running past it. Changing the timeout re-arms the check.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_noop

from notifications.services.events import publish
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import DLC_JOB, Check, operation
from workspaces.iam.permissions import workspace_arn
from workspaces.models import DlcJob

from .console_paths import console_path
from .model_registry import requested_resource_name, resource_name_checked
from .transitions import StateConflict, allowed_targets, transition_apply

logger = logging.getLogger(__name__)

S = DlcJob.Status
KIND = "DLC job"
MAX_TIMEOUT_MINUTES = 30 * 24 * 60  # 30 days
FINAL = frozenset({S.SUCCEEDED, S.FAILED, S.PREEMPTED, S.STOPPED})
# The states a job counts as running in, for the timeout (a fault-tolerance restart keeps running).
RUNNING_STATES = (S.RUNNING, S.RESTARTING)

TRANSITIONS: dict[str, frozenset[str]] = {
    S.CREATED: frozenset({S.QUEUING, S.STOPPED}),
    S.QUEUING: frozenset({S.BIDDING, S.ENV_PREPARING, S.FAILED, S.STOPPED}),
    S.BIDDING: frozenset({S.ENV_PREPARING, S.FAILED, S.STOPPED}),
    S.ENV_PREPARING: frozenset({S.RUNNING, S.FAILED, S.PREEMPTED, S.STOPPED}),
    S.RUNNING: frozenset({S.SUCCEEDED, S.FAILED, S.RESTARTING, S.PREEMPTED, S.STOPPED}),
    S.RESTARTING: frozenset({S.ENV_PREPARING, S.RUNNING, S.FAILED, S.PREEMPTED, S.STOPPED}),
    **{state: frozenset() for state in FINAL},
}
# The state a lifecycle action enters -> (the action's label in the console, the event it raises).
ACTIONS: dict[str, tuple[str, str]] = {
    S.QUEUING: (gettext_noop("Enter queue"), "JobEnqueued"),
    S.BIDDING: (gettext_noop("Start bidding"), "JobBidding"),
    S.ENV_PREPARING: (gettext_noop("Start environment preparation"), "JobEnvPreparing"),
    S.RUNNING: (gettext_noop("Start running"), "JobRunning"),
    S.SUCCEEDED: (gettext_noop("Succeed"), "JobSucceeded"),
    S.FAILED: (gettext_noop("Fail"), "JobFailed"),
    S.RESTARTING: (gettext_noop("Automatic fault tolerance restart"), "JobFaultToleranceRestarted"),
    S.PREEMPTED: (gettext_noop("Preempt"), "JobPreempted"),
    S.STOPPED: (gettext_noop("Stop manually"), "JobStopped"),
}


def dlc_job_arn(workspace, name: str) -> str:
    return workspace_arn("paidlc", workspace, f"job/{name}")


def _clean_timeout(timeout_minutes) -> int | None:
    if timeout_minutes in (None, ""):
        return None
    try:
        value = int(timeout_minutes)
    except (TypeError, ValueError):
        raise ValidationError({"timeout_minutes": ["Timeout must be a whole number of minutes."]})
    if not 1 <= value <= MAX_TIMEOUT_MINUTES:
        raise ValidationError({"timeout_minutes": [
            f"Timeout must be between 1 and {MAX_TIMEOUT_MINUTES} minutes (30 days), not {value}."
        ]})
    return value


def _publish(job: DlcJob, *, type_name: str, old: str, new: str, actor, extra: dict | None = None) -> None:
    publish(
        workspace=job.workspace, source="dlc_job", type_name=type_name, resource_id=job.pk, resource_name=job.name,
        old_status=old, new_status=new, actor=actor, resource_owner=job.created_by,
        console_path=console_path("dlc-job-detail", workspace_id=job.workspace_id, job_id=job.pk),
        extra={"timeoutMinutes": job.timeout_minutes, **(extra or {})},
    )


def _job_values(job, **_) -> dict:
    return {"account": job.workspace.account, "workspace": job.workspace.name, "job": job.name}


@operation(Check("paidlc:CreateJob", DLC_JOB), values=lambda workspace, name="", **_: {
    "account": workspace.account, "workspace": workspace.name, "job": requested_resource_name(name, noun="Job")})
def dlc_job_create(*, workspace, name: str, timeout_minutes=None, actor=None) -> DlcJob:
    name = resource_name_checked(name, noun="Job")
    timeout = _clean_timeout(timeout_minutes)
    with transaction.atomic():
        job = DlcJob.objects.create(workspace=workspace, name=name, timeout_minutes=timeout,
                                    created_by=actor if getattr(actor, "pk", None) else None)
        audit_record(actor=actor, account=workspace.account, action="dlc_job.create", obj=job,
                     changes={"status": [None, job.status], "timeout_minutes": [None, timeout]})
    return job


# Views ask before judging the rest of the input (a refusal is 403, not 400); a name given is checked first.
dlc_job_create_authorize = dlc_job_create.authorize


@operation(Check("paidlc:UpdateJob", DLC_JOB), values=_job_values)
def dlc_job_set_status(*, job: DlcJob, status: str, actor=None) -> DlcJob:
    """One lifecycle action: move the job to `status` and raise that state's event."""
    if status not in ACTIONS:
        raise ValidationError({"status": [f"Status must be one of {', '.join(ACTIONS)}, not {status or 'empty'}."]})
    now = timezone.now()
    updates = {"running_since": Coalesce("running_since", Value(now))} if status == S.RUNNING else {}
    with transaction.atomic():
        old = transition_apply(obj=job, kind=KIND, table=TRANSITIONS, target=status, updates=updates)
        _publish(job, type_name=ACTIONS[status][1], old=old, new=status, actor=actor)
        audit_record(actor=actor, account=job.workspace.account, action="dlc_job.set_status", obj=job,
                     changes={"status": [old, status]})
    return job


@operation(Check("paidlc:UpdateJob", DLC_JOB), values=_job_values)
def dlc_job_set_timeout(*, job: DlcJob, timeout_minutes, actor=None) -> DlcJob:
    """Scheduling settings: the timeout in minutes (None: no timeout). A new value re-arms the check."""
    timeout = _clean_timeout(timeout_minutes)
    with transaction.atomic():
        current = DlcJob.objects.select_for_update().get(pk=job.pk)
        if current.status in FINAL:
            # Like a refused move: `current` the state now, `allowed` the states it may move to (none,
            # it is final); the message says in which states the timeout can be changed.
            open_states = [state for state in TRANSITIONS if state not in FINAL]
            raise StateConflict(
                f"cannot change the timeout of a DLC job that is {current.status}: {current.status} is final; "
                f"the timeout can be changed while the job is {', '.join(open_states)}",
                current=current.status, allowed=allowed_targets(TRANSITIONS, current.status, list(TRANSITIONS)))
        old = current.timeout_minutes
        if old != timeout:
            DlcJob.objects.filter(pk=job.pk).update(timeout_minutes=timeout, timeout_raised_at=None,
                                                    updated_at=timezone.now())
            audit_record(actor=actor, account=job.workspace.account, action="dlc_job.set_timeout", obj=job,
                         changes={"timeout_minutes": [old, timeout]})
    job.refresh_from_db()
    return job


def dlc_job_timeout_due(job: DlcJob, now) -> bool:
    return (
        job.status in RUNNING_STATES and job.timeout_minutes is not None and job.running_since is not None
        and job.timeout_raised_at is None and job.running_since + timedelta(minutes=job.timeout_minutes) <= now
    )


def dlc_jobs_raise_timeouts(*, now=None) -> int:
    """Raise Job Timeout once for every job running past its timeout. Each job is claimed with a
    conditional UPDATE of `timeout_raised_at` in the transaction that publishes the event, so two
    overlapping beats never raise it twice. Returns how many were raised."""
    now = now or timezone.now()
    candidates = DlcJob.objects.filter(
        status__in=RUNNING_STATES, timeout_minutes__isnull=False, running_since__isnull=False,
        timeout_raised_at__isnull=True,
    ).select_related("workspace", "workspace__account", "created_by")
    raised = 0
    for job in candidates:
        if not dlc_job_timeout_due(job, now):
            continue
        with transaction.atomic():
            claimed = DlcJob.objects.filter(
                pk=job.pk, status__in=RUNNING_STATES, timeout_raised_at__isnull=True,
                timeout_minutes=job.timeout_minutes,
            ).update(timeout_raised_at=now)
            if not claimed:
                continue
            running_for = int((now - job.running_since).total_seconds() // 60)
            _publish(job, type_name="JobTimeout", old=job.status, new=job.status, actor=None,
                     extra={"runningMinutes": running_for})
        raised += 1
    if raised:
        logger.info("raised Job Timeout for %s DLC job(s)", raised)
    return raised
