"""Designer (PAIFlow) flow tasks: run, then succeed or fail.

Success raises *Task Finished*; failure raises *Task Failed* and *Task Finished* (the catalog's
Task Finished covers both outcomes). Starting a run raises nothing: the catalog has no such event.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from notifications.services.events import publish
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import FLOW_RUN, Check, operation
from workspaces.iam.permissions import workspace_arn
from workspaces.models import FlowTask

from .console_paths import console_path
from .model_registry import requested_resource_name, resource_name_checked
from .transitions import transition_apply

S = FlowTask.Status
KIND = "flow task"

TRANSITIONS: dict[str, frozenset[str]] = {
    S.CREATED: frozenset({S.RUNNING}),
    S.RUNNING: frozenset({S.SUCCEEDED, S.FAILED}),
    S.SUCCEEDED: frozenset(),
    S.FAILED: frozenset(),
}
# The state an action enters -> (the action's label, the events it raises in order).
ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    S.RUNNING: (gettext_noop("Run"), ()),
    S.SUCCEEDED: (gettext_noop("Succeed"), ("TaskFinished",)),
    S.FAILED: (gettext_noop("Fail"), ("TaskFailed", "TaskFinished")),
}


def flow_task_arn(workspace, name: str) -> str:
    return workspace_arn("paiflow", workspace, f"pipelinerun/{name}")


def _task_values(task, **_) -> dict:
    return {"account": task.workspace.account, "workspace": task.workspace.name, "run": task.name}


@operation(Check("paiflow:CreateRun", FLOW_RUN), values=lambda workspace, name="", **_: {
    "account": workspace.account, "workspace": workspace.name, "run": requested_resource_name(name, noun="Task")})
def flow_task_create(*, workspace, name: str, run: bool = True, actor=None) -> FlowTask:
    """Create a flow task; `run` starts it at once (as Designer's Run does)."""
    name = resource_name_checked(name, noun="Task")
    status = S.RUNNING if run else S.CREATED
    with transaction.atomic():
        task = FlowTask.objects.create(workspace=workspace, name=name, status=status,
                                       created_by=actor if getattr(actor, "pk", None) else None)
        audit_record(actor=actor, account=workspace.account, action="flow_task.create", obj=task,
                     changes={"status": [None, status]})
    return task


# Views ask before judging the rest of the input (a refusal is 403, not 400); a name given is checked first.
flow_task_create_authorize = flow_task_create.authorize


@operation(Check("paiflow:UpdateRun", FLOW_RUN), values=_task_values)
def flow_task_set_status(*, task: FlowTask, status: str, actor=None) -> FlowTask:
    if status not in ACTIONS:
        raise ValidationError({"status": [f"Status must be one of {', '.join(ACTIONS)}, not {status or 'empty'}."]})
    with transaction.atomic():
        old = transition_apply(obj=task, kind=KIND, table=TRANSITIONS, target=status)
        path = console_path("flow-task-detail", workspace_id=task.workspace_id, task_id=task.pk)
        for type_name in ACTIONS[status][1]:
            publish(
                workspace=task.workspace, source="flow_task", type_name=type_name, resource_id=task.pk,
                resource_name=task.name, old_status=old, new_status=status, actor=actor,
                resource_owner=task.created_by, console_path=path,
                extra={"succeeded": status == S.SUCCEEDED},
            )
        audit_record(actor=actor, account=task.workspace.account, action="flow_task.set_status", obj=task,
                     changes={"status": [old, status]})
    return task
