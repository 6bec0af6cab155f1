"""The EAS service update channel's port: what the channel needs from the PAI resources, provided by
the workspaces app (`workspaces.pai_resources.eas_port`, registered in its AppConfig.ready). The
channel never imports the resources' services: it hands the port a request and gets an outcome, or a
refusal whose message is safe to show the tenant.

`switch` checks everything before anything changes (the service, the event's publisher, that the
version is the approved version of the named model in the service's own workspace), then calls
`update_remote` (the channel's UpdateService call, when an EAS API is configured) and only then
records the switch locally. A refusal says the same for a version that is absent and one of another
tenant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class EasServiceRef:
    id: int
    name: str
    running: bool


@dataclass(frozen=True)
class SwitchRequest:
    """Switch service `service_id` to the model version an approval event names (its `data`)."""

    service_id: int
    event_id: str
    event_data: dict = field(default_factory=dict)
    delivery_id: int | None = None  # the same delivery switches once
    # Who published the event: "platform" (a real approval), "put_events" (then `publisher_id`, whose
    # own eas:UpdateService on the service is required), or "" (unknown: refused).
    origin: str = ""
    publisher_id: int | None = None


@dataclass(frozen=True)
class SwitchPlan:
    """A checked switch, handed to `update_remote` before it is recorded."""

    service_name: str
    version_label: str  # "fraud:0.2.0"
    model_path: str


@dataclass(frozen=True)
class SwitchOutcome:
    service_name: str
    version_label: str
    revision: int
    already: bool = False  # this delivery's switch was recorded before: nothing done now
    remote_response: str = ""


class SwitchRefused(Exception):
    """The switch cannot happen and trying again will not help (the message names why)."""


class EasServicePort(Protocol):
    def service_get(self, *, service_id) -> EasServiceRef | None:
        """Any EAS service by id (None when it is gone)."""

    def service_in_workspace(self, *, workspace, service_id) -> EasServiceRef | None:
        """An EAS service of `workspace` (None when absent or another workspace's)."""

    def running_services(self, *, workspace) -> list[EasServiceRef]:
        """The workspace's running services, for a target's choices."""

    def switch(self, request: SwitchRequest, *,
               update_remote: Callable[[SwitchPlan], str] | None = None) -> SwitchOutcome:
        """Check, call `update_remote` (its return value is kept on the revision), record."""


_port: list[EasServicePort] = []


def eas_port_register(port: EasServicePort) -> None:
    """Called once by the app that holds the EAS services (a second call replaces the first)."""
    _port[:] = [port]


def eas_port() -> EasServicePort:
    if not _port:
        raise RuntimeError("no EAS service port registered: is the workspaces app installed?")
    return _port[0]
