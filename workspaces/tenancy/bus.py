"""A workspace's event bus, in one home: its name, its ARNs, and whether it is ready.

EventBridge activation (per account) creates the bus `pai-system-<workspace>` of every workspace;
PAI publishes on it only while the account has the service-linked role. `bus_readiness(workspace)`
answers, in one query, everything the rest of the product asks about that: `publish` (is the event
published, or stored with a reason?), the rule services and the rules section (may rules be
created?), and the Event Notification Configuration tab (which step comes next?).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists

from workspaces.iam.permissions import arn
from workspaces.tenancy.models import EVENT_BUS_PREFIX, SERVICE_LINKED_ROLE_NAME, EventBus, ServiceLinkedRole

# Why an event raised now would not be published (the values of Event.NotPublishedReason).
NO_EVENT_BUS = "no_event_bus"
NO_SERVICE_ROLE = "no_service_role"


def event_bus_name(workspace) -> str:
    return f"{EVENT_BUS_PREFIX}{workspace.name}"


def bus_arn(workspace) -> str:
    return arn("eventbridge", workspace.account, f"eventbus/{event_bus_name(workspace)}")


def buses_arn(account) -> str:
    """Every PAI bus of the account (what activation creates)."""
    return arn("eventbridge", account, f"eventbus/{EVENT_BUS_PREFIX}*")


def rule_arn(workspace, rule_name: str) -> str:
    return f"{bus_arn(workspace)}/rule/{rule_name}"


def role_arn(account) -> str:
    return arn("ram", account, f"role/{SERVICE_LINKED_ROLE_NAME.lower()}", region="")


def setup_step(*, activated: bool, role_granted: bool) -> str:
    """What the account needs next: `activate` (ServiceNotEnable), then `grant` (Grant Access), then
    `ready` (rules can be created and events are published)."""
    if not activated:
        return "activate"
    return "ready" if role_granted else "grant"


@dataclass(frozen=True)
class BusReadiness:
    bus: EventBus | None
    activated: bool  # EventBridge activated for the account
    role_granted: bool  # the account has the service-linked role (not asked before activation)

    @property
    def step(self) -> str:
        return setup_step(activated=self.activated, role_granted=self.role_granted)

    @property
    def accepts_rules(self) -> bool:
        """Notice rules need the bus (and so an activated account); the role is asked for later."""
        return self.activated and self.bus is not None

    @property
    def publish_blocker(self) -> str:
        """Why an event raised now would be stored as not published ("" when it is published)."""
        if self.bus is None:
            return NO_EVENT_BUS
        return "" if self.role_granted else NO_SERVICE_ROLE


def bus_readiness(workspace, **annotations) -> BusReadiness:
    """The workspace's bus and where the account stands, in one query. `annotations` are more
    expressions to compute on the bus row in the same query (publish asks whether a rule lists the
    event's type); they are read from `readiness.bus`."""
    role = ServiceLinkedRole.objects.filter(account_id=workspace.account_id, name=SERVICE_LINKED_ROLE_NAME)
    bus = EventBus.objects.filter(workspace_id=workspace.pk).annotate(has_role=Exists(role), **annotations).first()
    activated = workspace.account.eventbridge_active
    # Without a bus the role only matters once activated (an activated account whose bus was deleted).
    role_granted = bus.has_role if bus is not None else activated and role.exists()
    return BusReadiness(bus=bus, activated=activated, role_granted=role_granted)
