"""Tenancy reads: workspaces scoped to the signed-in user's account (another account's do not exist for a
user: 404, never 403), where the account stands with EventBridge, and what the Event Notification
Configuration tab shows."""

from dataclasses import dataclass
from datetime import datetime

from django.http import Http404

from workspaces.iam.permissions import account_arn, arn, authorize, is_allowed
from workspaces.models import Account, EventBus, ServiceLinkedRole, Workspace
from workspaces.tenancy.bus import bus_readiness, buses_arn, role_arn, setup_step
from workspaces.tenancy.models import EVENT_BUS_PREFIX, SERVICE_LINKED_ROLE_NAME


def workspaces_for_user(user):
    if user is None or not user.is_authenticated or user.account_id is None:
        return Workspace.objects.none()
    return Workspace.objects.filter(account_id=user.account_id).select_related("account")


def workspace_get_for_user(user, pk) -> Workspace:
    try:
        return workspaces_for_user(user).get(pk=int(pk))
    except (Workspace.DoesNotExist, ValueError, TypeError):
        raise Http404("No such workspace") from None


def workspaces_list_authorized(user):
    """The account's workspaces, for a caller allowed `pai:ListWorkspaces`."""
    if user is not None and user.is_authenticated and user.account_id is not None:
        authorize(user, "pai:ListWorkspaces", arn("pai", user.account, "workspace/*"))
    return workspaces_for_user(user)


def workspace_get_authorized(user, pk) -> Workspace:
    """One workspace of the caller's account (404 otherwise), for a caller allowed `pai:GetWorkspace`.
    Pages under a workspace (rules, events, resources) check their own actions instead."""
    workspace = workspace_get_for_user(user, pk)
    authorize(user, "pai:GetWorkspace", arn("pai", workspace.account, f"workspace/{workspace.name}"))
    return workspace


# --- EventBridge: what the Event Notification Configuration tab and the API show.
def service_role_get(*, account: Account) -> ServiceLinkedRole | None:
    return ServiceLinkedRole.objects.filter(account=account, name=SERVICE_LINKED_ROLE_NAME).first()


def event_buses_for_account(*, account: Account):
    return EventBus.objects.filter(account=account).select_related("workspace", "account").order_by("name")


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
    can_list_buses = is_allowed(user, "eventbridge:ListEventBuses", account_arn("eventbridge", account, "eventbus/*"))
    return {
        "workspace": workspace,
        "status": eventbridge_status_get(account=account),
        "event_bus": bus_readiness(workspace).bus,
        "event_buses": event_buses_for_account(account=account) if can_list_buses else None,
        "can_activate": is_allowed(
            user, "eventbridge:CreateEventBus", buses_arn(account)
        ),
        "can_grant": is_allowed(user, "ram:CreateServiceLinkedRole", role_arn(account)),
        "role_name": SERVICE_LINKED_ROLE_NAME,
        "bus_prefix": EVENT_BUS_PREFIX,
        "error": error,
        "notice": notice,
        "active_tab": "configuration",
    }
