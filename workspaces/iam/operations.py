"""Which RAM actions an operation checks, on which resources: declared once, on the service or
selector function that performs it, and nowhere else.

    @operation(Check("eventbridge:UpdateRule", RULE), Check("eventbridge:UpdateRule", NEW_RULE),
               values=lambda rule, name="", **_: {...})
    def rule_update(*, actor, rule, name, ...): ...

`values` maps the call's arguments (the actor's too) to the templates' placeholders (`<account>` takes an Account and
becomes its uid; `<region>` is the deployment's region). The decorator checks every `Check` before
the function runs, so console views, the API, the admin and tasks that call the function are
authorized by it and decide nothing themselves. A face that must refuse before it reads its input (a
form page, an API create before validation) asks the same declaration:
`rule_create.authorize(actor, workspace=ws, name=...)`; a page hiding a button asks
`rule_delete.allowed(user, rule=rule)`. A check made only under a condition found inside the
function (targets removed) is declared with `asked=True` and made by the function:
`rule_update.authorize(actor, "eventbridge:DeleteTargets", rule=rule, name=name)`. A reader that
must look its object up first is declared with `enforce=False` and calls its own `.authorize`.

The table of every operation (`operations_table()`), its documentation (`docs/operations.md`,
`operations_markdown()`) and the tests read these declarations; `ACTION_RESOURCES` documents the
ARN shape each action is granted on, and every declared resource has one of those shapes.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from workspaces.iam.permissions import ACTIONS, authorize, is_allowed

# --- the resources' templates ------------------------------------------------------------------
BUS = "acs:eventbridge:<region>:<account>:eventbus/pai-system-<workspace>"
BUSES = "acs:eventbridge:<region>:<account>:eventbus/pai-system-*"
ALL_BUSES = "acs:eventbridge:<region>:<account>:eventbus/*"
RULE = BUS + "/rule/<rule>"
ROLE = "acs:ram::<account>:role/aliyunserviceroleforpaiworkspace"
USER = "acs:ram::<account>:user/<user>"
USERS = "acs:ram::<account>:user/*"
POLICY = "acs:ram::<account>:policy/<policy>"
POLICIES = "acs:ram::<account>:policy/*"
WORKSPACE = "acs:pai:<region>:<account>:workspace/<workspace>"
WORKSPACES = "acs:pai:<region>:<account>:workspace/*"
MODEL = "acs:paimodel:<region>:<account>:workspace/<workspace>/model/<model>"
MODELS = "acs:paimodel:<region>:<account>:workspace/<workspace>/model/*"
MODEL_VERSION = MODEL + "/version/<version>"
EAS_SERVICE = "acs:eas:<region>:<account>:workspace/<workspace>/service/<service>"
EAS_SERVICES = "acs:eas:<region>:<account>:workspace/<workspace>/service/*"
DLC_JOB = "acs:paidlc:<region>:<account>:workspace/<workspace>/job/<job>"
DLC_JOBS = "acs:paidlc:<region>:<account>:workspace/<workspace>/job/*"
DSW_INSTANCE = "acs:paidsw:<region>:<account>:workspace/<workspace>/instance/<instance>"
DSW_INSTANCES = "acs:paidsw:<region>:<account>:workspace/<workspace>/instance/*"
FLOW_RUN = "acs:paiflow:<region>:<account>:workspace/<workspace>/pipelinerun/<run>"
FLOW_RUNS = "acs:paiflow:<region>:<account>:workspace/<workspace>/pipelinerun/*"
CONTACT = "acs:cms:<region>:<account>:contact/<contact>"
CONTACTS = "acs:cms:<region>:<account>:contact/*"
QUOTA = "acs:quotas:<region>:<account>:quota/eventbridge/targets-per-rule"
BILL = "acs:bss:<region>:<account>:*"
AUDIT = "acs:actiontrail:<region>:<account>:*"
ACCOUNT_SETTINGS = "acs:pai:<region>:<account>:settings/account"

# The resources each action is granted on (a policy's Resource names these shapes). A declared check
# uses one of its action's shapes: a RAM user is `acs:ram::<account>:user/<user>`, with no region,
# wherever it is checked (F4: the API checked CreateUser on a regional ARN and missed every Deny).
ACTION_RESOURCES: dict[str, tuple[str, ...]] = {
    "eventbridge:CreateEventBus": (BUSES,),
    "eventbridge:GetEventBus": (BUS,),
    "eventbridge:DeleteEventBus": (BUS,),
    "eventbridge:ListEventBuses": (ALL_BUSES,),
    "eventbridge:CreateRule": (BUS, RULE),
    "eventbridge:GetRule": (RULE,),
    "eventbridge:UpdateRule": (RULE,),
    "eventbridge:EnableRule": (RULE,),
    "eventbridge:DisableRule": (RULE,),
    "eventbridge:DeleteRule": (RULE,),
    "eventbridge:ListRules": (BUS,),
    "eventbridge:PutEvents": (BUS,),
    "eventbridge:UpdateTargets": (BUS, RULE),
    "eventbridge:DeleteTargets": (RULE,),
    "eventbridge:ListTargets": (RULE,),
    "eventbridge:QueryEvent": (BUS,),
    "ram:CreateServiceLinkedRole": (ROLE,),
    "ram:GetRole": (ROLE,),
    "ram:ListUsers": (USERS,),
    "ram:GetUser": (USER,),
    "ram:CreateUser": (USER,),
    "ram:ListPolicies": (POLICIES,),
    "ram:GetPolicy": (POLICY,),
    "ram:CreatePolicy": (POLICY,),
    "ram:UpdatePolicy": (POLICY,),
    "ram:DeletePolicy": (POLICY,),
    "ram:AttachPolicyToUser": (USER,),
    "ram:DetachPolicyFromUser": (USER,),
    "pai:ListWorkspaces": (WORKSPACES,),
    "pai:GetWorkspace": (WORKSPACE,),
    "pai:CreateWorkspace": (WORKSPACE,),
    "paimodel:ListModels": (MODELS,),
    "paimodel:CreateModel": (MODEL,),
    "paimodel:CreateModelVersion": (MODEL_VERSION,),
    "paimodel:UpdateModelVersion": (MODEL_VERSION,),
    "eas:ListServices": (EAS_SERVICES,),
    "eas:CreateService": (EAS_SERVICE,),
    "eas:UpdateService": (EAS_SERVICE,),
    "paidlc:ListJobs": (DLC_JOBS,),
    "paidlc:CreateJob": (DLC_JOB,),
    "paidlc:UpdateJob": (DLC_JOB,),
    "paidsw:ListInstances": (DSW_INSTANCES,),
    "paidsw:CreateInstance": (DSW_INSTANCE,),
    "paidsw:UpdateInstance": (DSW_INSTANCE,),
    "paiflow:ListRuns": (FLOW_RUNS,),
    "paiflow:CreateRun": (FLOW_RUN,),
    "paiflow:UpdateRun": (FLOW_RUN,),
    "cms:DescribeContactList": (CONTACTS,),
    "cms:PutContact": (CONTACT,),
    "cms:DeleteContact": (CONTACT,),
    "quotas:ListProductQuotas": (QUOTA,),
    "quotas:CreateQuotaApplication": (QUOTA,),
    "bss:QueryBill": (BILL,),
    "actiontrail:LookupEvents": (AUDIT,),
    "pai:UpdateAccountSettings": (ACCOUNT_SETTINGS,),
}

_PLACEHOLDER = re.compile(r"<(\w+)>")


def arn_shape(template: str) -> str:
    """A template with its placeholders' names dropped: `acs:ram::<account>:user/<user>` ->
    `acs:ram::<>:user/<>`. Two templates name the same kind of resource when their shapes are equal."""
    return _PLACEHOLDER.sub("<>", template)


def fill(template: str, values: dict) -> str:
    """The ARN: `<region>` is the deployment's region, `<account>` the account's uid, any other
    placeholder the value given for it (a KeyError names a placeholder the declaration left out)."""
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "region":
            return settings.EAS_REGION
        if name == "account":
            return values["account"].uid
        return str(values[name])

    return _PLACEHOLDER.sub(value, template)


@dataclass(frozen=True)
class Check:
    """One action checked on one resource template. `asked`: made only when the function asks (a
    condition found inside it), not before it runs."""

    action: str
    resource: str
    asked: bool = False

    def __post_init__(self):
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}: add it to workspaces.iam.permissions.ACTIONS")


@dataclass(frozen=True)
class Operation:
    name: str
    module: str
    checks: tuple[Check, ...]
    values: Callable[..., dict]
    summary: str

    def _resources(self, actor, actions: tuple[str, ...], arguments: dict) -> list[tuple[str, str]]:
        chosen = [c for c in self.checks if c.action in actions] if actions else [c for c in self.checks
                                                                                     if not c.asked]
        if actions and not chosen:
            raise ValueError(f"{self.name} declares none of {actions}")
        values = self.values(actor=actor, **arguments)
        return [(check.action, fill(check.resource, values)) for check in chosen]

    def authorize(self, actor, *actions: str, **arguments) -> None:
        """Raise AccessDenied unless `actor` may do this (`actions`: only those of its checks, the
        asked ones included). `actor` None is the system: always allowed."""
        if actor is None:
            return
        for action, resource in self._resources(actor, actions, arguments):
            authorize(actor, action, resource)

    def allowed(self, actor, /, *actions: str, **arguments) -> bool:
        """Whether `actor` may do this (a page hiding a button); positional, so an operation on a
        user (`policy_attach.allowed(request.user, user=member)`) names its own `user`."""
        return all(is_allowed(actor, action, resource)
                   for action, resource in self._resources(actor, actions, arguments))


_DECLARED: dict[str, Operation] = {}

# Functions that take an actor but act as the system or an operator, never for a user: they declare
# nothing (tests/workspaces/policies/test_operation_table.py).
SYSTEM_OPERATIONS = frozenset({
    "audit_record", "access_denied_record", "publish", "demo_resources_create",
    "quota_request_approve", "quota_request_reject",  # operators, in Django admin
    # The notification system's own events (publish's kin): `actor` is who caused them, named in the event.
    "platform_event_raise", "platform_event_rule_units_counted", "platform_event_replay_finished",
    "replay_announce",
})
# Functions that take the user only to scope a read to its account (404 for another's), or act on
# the caller's own identity: no action is checked. A write found by `policy_get_for_change` is
# checked by the service that changes it (the refusal names the write's action).
NO_ACTION = frozenset({
    "workspaces_for_user", "workspace_get_for_user", "event_notifications_tab", "policy_get_for_change",
    "api_token_get", "api_token_issue", "api_token_revoke",
})


def operation(*checks: Check, values: Callable[..., dict], enforce: bool = True):
    """Declare what the decorated function checks (see the module's doc). The function takes the
    acting user as its `actor` argument; `values` receives the call's arguments by name."""

    def decorate(function):
        declared = Operation(name=function.__name__, module=function.__module__, checks=tuple(checks),
                             values=values, summary=(inspect.getdoc(function) or "").split("\n\n")[0])
        key = f"{declared.module}.{declared.name}"
        _DECLARED[key] = declared
        if enforce:
            signature = inspect.signature(function)

            @functools.wraps(function)
            def checked(*args, **kwargs):
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                arguments = dict(bound.arguments)
                declared.authorize(arguments.pop("actor", None), **arguments)
                return function(*args, **kwargs)
        else:
            checked = function
        checked.operation = declared
        checked.authorize = declared.authorize
        checked.allowed = declared.allowed
        return checked

    return decorate


# --- the table and its documentation -------------------------------------------------------------
DECLARING_PACKAGES = ("notifications.services", "notifications.selectors", "workspaces.iam.services",
                      "workspaces.iam.selectors", "workspaces.tenancy.services", "workspaces.tenancy.selectors",
                      "workspaces.pai_resources.services", "workspaces.pai_resources.selectors")


def _import_declaring_modules() -> None:
    for name in DECLARING_PACKAGES:
        package = importlib.import_module(name)
        for found in pkgutil.iter_modules(getattr(package, "__path__", [])):
            importlib.import_module(f"{name}.{found.name}")


def operations_table() -> dict[str, Operation]:
    """Every declared operation by its function's name, in the order of the packages."""
    _import_declaring_modules()
    return {declared.name: declared for declared in sorted(_DECLARED.values(), key=lambda d: (d.module, d.name))}


def operations_markdown() -> str:
    """docs/operations.md: each operation, the actions it checks and on which resource."""
    lines = ["# Operations and the RAM actions they check", "",
             "Generated from the declarations on the service functions (`workspaces/iam/operations.py`);",
             "`manage.py operations_doc` rewrites it, and a test fails when it is stale. `<region>` is the",
             "deployment's region, `<account>` the account's uid. *when asked*: checked only when the",
             "operation needs it (e.g. DeleteTargets when an update removes a target).", "",
             "| Operation | Module | Action | Resource |", "|---|---|---|---|"]
    for name, declared in operations_table().items():
        for check in declared.checks:
            asked = " *(when asked)*" if check.asked else ""
            lines.append(f"| `{name}` | `{declared.module}` | `{check.action}`{asked} | `{check.resource}` |")
    lines += ["", "## Actions and the resources they are granted on", "", "| Action | What it allows | Resource |",
              "|---|---|---|"]
    for action, label in ACTIONS.items():
        shapes = "<br>".join(f"`{shape}`" for shape in ACTION_RESOURCES.get(action, ()))
        lines.append(f"| `{action}` | {label} | {shapes} |")
    return "\n".join(lines) + "\n"
