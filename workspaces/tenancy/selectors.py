"""Tenancy reads: workspaces scoped to the signed-in user's account (another account's do not exist for a
user: 404, never 403), where the account stands with EventBridge, and what the Event Notification
Configuration tab shows."""

from dataclasses import dataclass
from datetime import datetime

from django.http import Http404

from workspaces.iam.operations import ALL_BUSES, ROLE, WORKSPACE, WORKSPACES, Check, operation
from workspaces.models import Account, EventBus, ServiceLinkedRole, Workspace
from workspaces.tenancy.bus import bus_readiness, setup_step
from workspaces.tenancy.models import EVENT_BUS_PREFIX, SERVICE_LINKED_ROLE_NAME
from workspaces.tenancy.services.eventbridge import eventbridge_activate, service_role_grant


def workspaces_for_user(user):
    if user is None or not user.is_authenticated or user.account_id is None:
        return Workspace.objects.none()
    return Workspace.objects.filter(account_id=user.account_id).select_related("account")


def workspace_get_for_user(user, pk) -> Workspace:
    try:
        return workspaces_for_user(user).get(pk=int(pk))
    except (Workspace.DoesNotExist, ValueError, TypeError):
        raise Http404("No such workspace") from None


@operation(Check("pai:ListWorkspaces", WORKSPACES), values=lambda actor, **_: {"account": actor.account},
           enforce=False)
def workspaces_list_authorized(user):
    """The account's workspaces, for a caller allowed `pai:ListWorkspaces`."""
    if user is not None and user.is_authenticated and user.account_id is not None:
        workspaces_list_authorized.authorize(user)
    return workspaces_for_user(user)


def _workspace_values(workspace, **_) -> dict:
    return {"account": workspace.account, "workspace": workspace.name}


@operation(Check("pai:GetWorkspace", WORKSPACE), values=_workspace_values, enforce=False)
def workspace_get_authorized(user, pk) -> Workspace:
    """One workspace of the caller's account (404 otherwise), for a caller allowed `pai:GetWorkspace`.
    Pages under a workspace (rules, events, resources) check their own actions instead."""
    workspace = workspace_get_for_user(user, pk)
    workspace_get_authorized.authorize(user, workspace=workspace)
    return workspace


# --- EventBridge: what the Event Notification Configuration tab and the API show.
def service_role_get(*, account: Account) -> ServiceLinkedRole | None:
    return ServiceLinkedRole.objects.filter(account=account, name=SERVICE_LINKED_ROLE_NAME).first()


def event_buses_for_account(*, account: Account):
    return EventBus.objects.filter(account=account).select_related("workspace", "account").order_by("name")


def _account_values(account, **_) -> dict:
    return {"account": account}


@operation(Check("ram:GetRole", ROLE), values=_account_values)
def service_role_read(*, actor, account: Account) -> ServiceLinkedRole | None:
    """The service-linked role, for a reader allowed ram:GetRole."""
    return service_role_get(account=account)


@operation(Check("eventbridge:ListEventBuses", ALL_BUSES), values=_account_values)
def event_buses_list(*, actor, account: Account):
    """The account's buses, for a reader allowed eventbridge:ListEventBuses."""
    return event_buses_for_account(account=account)


@dataclass(frozen=True)
class EventBridgeStatus:
    """Where the account stands on the way to notice rules, in the order the tab asks for it."""

    activated: bool
    activated_at: datetime | None
    role_granted: bool
    role_created_at: datetime | None
    event_bus_count: int

    @property
    def step(self) -> str:
        """`activate` (ServiceNotEnable), then `grant`, then `ready` (the rule of workspaces.tenancy.bus)."""
        return setup_step(activated=self.activated, role_granted=self.role_granted)


def eventbridge_status_get(*, account: Account) -> EventBridgeStatus:
    role = service_role_get(account=account)
    return EventBridgeStatus(
        activated=account.eventbridge_active,
        activated_at=account.eventbridge_activated_at,
        role_granted=role is not None,
        role_created_at=role.created_at if role else None,
        event_bus_count=EventBus.objects.filter(account=account).count(),
    )


def event_notifications_tab(*, user, workspace, error: str = "", notice: str = "") -> dict:
    """What the Event Notification Configuration tab shows `user`; the rule views render the tab too,
    with a drawer open, for a plain GET."""
    account = workspace.account
    account.refresh_from_db(fields=["eventbridge_activated_at"])
    can_list_buses = event_buses_list.allowed(user, account=account)
    return {
        "workspace": workspace,
        "status": eventbridge_status_get(account=account),
        "event_bus": bus_readiness(workspace).bus,
        "event_buses": event_buses_for_account(account=account) if can_list_buses else None,
        "can_activate": eventbridge_activate.allowed(user, account=account),
        "can_grant": service_role_grant.allowed(user, account=account),
        "role_name": SERVICE_LINKED_ROLE_NAME,
        "bus_prefix": EVENT_BUS_PREFIX,
        "error": error,
        "notice": notice,
        "active_tab": "configuration",
    }
