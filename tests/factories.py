"""The one home of the test suite's builders: each makes its object through the service that makes
it in the product (authorization, validation, audit and events included), so a test arranges what a
user could have done. Fixtures in the conftest files are built from these.

The delivery tests' `tests/notifications/delivery/builders.py` writes rules and targets as rows on
purpose (targets pointing at the local fakes, which the rule service's address checks refuse); its
events come from here.
"""

from __future__ import annotations

from django.db import transaction


def event_raised(workspace, *, source: str = "dlc_job", type_name: str = "JobFailed", resource_id=1,
                 resource_name: str = "train-1", old_status: str = "Running", new_status: str = "Failed",
                 actor=None, owner=None, model=None, console_path: str = "", extra: dict | None = None):
    """One event of the catalog's `source`/`type_name`, through the front door (`publish`), in its own
    transaction as a resource service would (its routing task is enqueued when that commits)."""
    from notifications.services.events import publish

    with transaction.atomic():
        return publish(workspace=workspace, source=source, type_name=type_name, resource_id=resource_id,
                       resource_name=resource_name, old_status=old_status, new_status=new_status, actor=actor,
                       resource_owner=owner, model=model, console_path=console_path, extra=extra)


def workspace_ready(*, account, owner, name: str = "ws_ready"):
    """A workspace of `account` whose bus is ready: created, EventBridge activated, Grant Access given."""
    from workspaces.tenancy.services.eventbridge import eventbridge_activate, service_role_grant
    from workspaces.tenancy.services.workspaces import workspace_create

    workspace = workspace_create(actor=owner, account=account, name=name)
    eventbridge_activate(actor=owner, account=account)
    service_role_grant(actor=owner, account=account)
    workspace.refresh_from_db()
    return workspace


def rule_made(workspace, *, actor, name: str = "job-failures", source: str = "dlc_job",
              event_types=("pai:DLC:JobFailed",), targets=(), **options):
    """A notice rule through the rule service (targets: dicts as the API takes them)."""
    from notifications.services.rules import rule_create

    return rule_create(actor=actor, workspace=workspace, name=name, source=source, event_types=list(event_types),
                       targets=list(targets), **options)


def dlc_job(workspace, *, actor, name: str = "train_1", timeout_minutes=None):
    from workspaces.pai_resources.services.dlc import dlc_job_create

    return dlc_job_create(workspace=workspace, name=name, timeout_minutes=timeout_minutes, actor=actor)


def dsw_instance(workspace, *, actor, name: str = "notebook"):
    """A DSW instance (its creation raises Creating)."""
    from workspaces.pai_resources.services.dsw import dsw_instance_create

    return dsw_instance_create(workspace=workspace, name=name, actor=actor)


def flow_task(workspace, *, actor, name: str = "pipeline", run: bool = False):
    from workspaces.pai_resources.services.flow import flow_task_create

    return flow_task_create(workspace=workspace, name=name, run=run, actor=actor)


def model_version(workspace, *, actor, model_name: str = "resnet", version_name: str = "1.0.0",
                  approval_status: str = "Pending"):
    """A registered model with one version (Pending by default: approving it raises the events)."""
    from workspaces.pai_resources.services.model_registry import model_create, model_version_create

    model = model_create(workspace=workspace, name=model_name, actor=actor)
    return model_version_create(model=model, version_name=version_name, approval_status=approval_status,
                                actor=actor)
