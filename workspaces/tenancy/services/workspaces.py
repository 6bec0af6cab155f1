"""Workspaces: created inside an account, named uniquely within it."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from workspaces.iam.audit import audit_record
from workspaces.iam.operations import WORKSPACE, Check, operation
from workspaces.models import Account, User, Workspace
from workspaces.tenancy.services.eventbridge import event_bus_ensure

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,22}")
NAME_RULE = gettext_noop("Use letters, digits and underscores, starting with a letter, 3 to 23 characters.")
DESCRIPTION_MAX = 256


class WorkspaceNameTaken(ValidationError):
    """The name is valid but already used in the account (the API answers 409 for it)."""


def _name_problem(name: str) -> str:
    if not name:
        return "The workspace name is required."
    if len(name) < 3:
        return f"The workspace name {name} is too short ({len(name)} character{'s' if len(name) > 1 else ''})."
    if len(name) > 23:
        return f"The workspace name is too long ({len(name)} characters)."
    if not name[0].isascii() or not name[0].isalpha():
        return f"The workspace name {name} does not start with a letter (A-Z or a-z)."
    return f"The workspace name {name} contains characters other than letters, digits and underscores."


def workspace_name_checked(name) -> str:
    """The name as stored when its form is valid, or ValidationError({"name": [...]}) saying what is
    wrong (checked before authorizing: the name goes into the ARN that policies are matched against)."""
    name = name.strip() if isinstance(name, str) else ""
    if not NAME_PATTERN.fullmatch(name):
        raise ValidationError({"name": [f"{_name_problem(name)} {NAME_RULE}"]})
    return name


def workspace_name_validate(*, account: Account, name: str) -> str:
    """The name as stored, or ValidationError({"name": [...]}) saying what is wrong."""
    name = workspace_name_checked(name)
    if Workspace.objects.filter(account=account, name__iexact=name).exists():
        raise WorkspaceNameTaken({"name": [f"A workspace named {name} already exists in this account."]})
    return name


def _new_workspace_values(account, name="", **_) -> dict:
    name = name.strip() if isinstance(name, str) else ""
    if name:  # a name given is checked before authorizing: it goes into the ARN
        name = workspace_name_checked(name)
    return {"account": account, "workspace": name or "*"}


@operation(Check("pai:CreateWorkspace", WORKSPACE), values=_new_workspace_values)
@transaction.atomic
def workspace_create(*, actor: User | None, account: Account, name: str, description: str = "") -> Workspace:
    """A new workspace; when the account already activated EventBridge, its bus
    `pai-system-<name>` is created with it."""
    name = name.strip() if isinstance(name, str) else ""
    # Lock the account row first: two creations of one name, or a creation racing an activation,
    # run one after the other (the second sees the first's workspace, the activation sees this one).
    account = Account.objects.select_for_update().get(pk=account.pk)
    name = workspace_name_validate(account=account, name=name)
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError({"description": [f"The description must be at most {DESCRIPTION_MAX} characters."]})
    workspace = Workspace.objects.create(account=account, name=name, description=description,
                                         created_by=actor if getattr(actor, "pk", None) else None)
    changes = {"name": [None, name]}
    if account.eventbridge_active:
        bus = event_bus_ensure(workspace=workspace)
        changes["event_bus"] = [None, bus.name]
    audit_record(actor=actor, account=account, action="workspace.create", obj=workspace, changes=changes)
    return workspace
