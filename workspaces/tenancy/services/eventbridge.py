"""EventBridge activation (per account) and the service-linked role PAI publishes events with.

Activation creates the custom bus `pai-system-<workspace name>` for every workspace of the account,
and `workspace_create` creates it for each later one. Both operations are idempotent: doing them
again changes nothing and records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from workspaces.iam.audit import audit_record
from workspaces.iam.operations import BUSES, ROLE, Check, operation
from workspaces.models import Account, EventBus, ServiceLinkedRole, User, Workspace
from workspaces.tenancy.bus import event_bus_name
from workspaces.tenancy.models import SERVICE_LINKED_ROLE_NAME


def event_bus_ensure(*, workspace: Workspace) -> EventBus:
    """The workspace's bus, created when missing. Callers hold the account's row lock."""
    bus, _ = EventBus.objects.get_or_create(
        workspace=workspace,
        defaults={
            "account_id": workspace.account_id,
            "name": event_bus_name(workspace),
            "description": f"PAI events of workspace {workspace.name}",
        },
    )
    return bus


@dataclass(frozen=True)
class Activation:
    account: Account
    activated_now: bool
    buses_created: list[EventBus]


def _account_values(account, **_) -> dict:
    return {"account": account}


@operation(Check("eventbridge:CreateEventBus", BUSES), values=_account_values)
@transaction.atomic
def eventbridge_activate(*, actor: User | None, account: Account) -> Activation:
    """Activate EventBridge for the account: one bus per workspace. Activating again only creates the
    buses that are missing (none, unless something deleted one)."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    activated_now = account.eventbridge_activated_at is None
    if activated_now:
        account.eventbridge_activated_at = timezone.now()
        account.save(update_fields=["eventbridge_activated_at"])
    missing = Workspace.objects.filter(account=account, event_bus__isnull=True).order_by("name")
    created = [event_bus_ensure(workspace=workspace) for workspace in missing]
    if activated_now or created:
        audit_record(
            actor=actor, account=account, action="eventbridge.activate", obj=account,
            changes={
                **({"eventbridge_activated_at": [None, account.eventbridge_activated_at.isoformat()]}
                   if activated_now else {}),
                "event_buses": [[], [bus.name for bus in created]],
            },
        )
    return Activation(account=account, activated_now=activated_now, buses_created=created)


@dataclass(frozen=True)
class RoleGrant:
    role: ServiceLinkedRole
    created: bool


@operation(Check("ram:CreateServiceLinkedRole", ROLE), values=_account_values)
@transaction.atomic
def service_role_grant(*, actor: User | None, account: Account) -> RoleGrant:
    """Grant Access: create AliyunServiceRoleForPAIWorkspace for the account, once."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    role, created = ServiceLinkedRole.objects.get_or_create(
        account=account, name=SERVICE_LINKED_ROLE_NAME,
        defaults={"created_by": actor if getattr(actor, "pk", None) else None},
    )
    if created:
        audit_record(actor=actor, account=account, action="service_role.create", obj=role,
                     changes={"name": [None, role.name]})
    return RoleGrant(role=role, created=created)
