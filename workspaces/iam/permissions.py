"""Who may do what: RAM policy evaluation.

`authorize(user, action, resource)` raises `AccessDenied` naming the missing action and resource;
`is_allowed` answers the same question for templates (to hide or disable what a user may not do).
The account owner may do everything. A sub-user may do what an attached policy allows and none
denies (explicit Deny beats Allow). Operators (staff users with no account) act in Django admin only.

Resources are ARNs: `acs:<service>:<region>:<account uid>:<path>`, built by `arn()` and the helpers
below (the bus's and the role's: `workspaces.tenancy.bus`), e.g. the bus of workspace `ws1`:
`acs:eventbridge:cn-shanghai:1234:eventbus/pai-system-ws1`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied

# Every action a policy may name. Policies naming anything else (after wildcards) are refused.
ACTIONS: dict[str, str] = {
    # EventBridge (the seed's policy lists these)
    "eventbridge:CreateEventBus": "Activate EventBridge (creates the workspace buses)",
    "eventbridge:GetEventBus": "Read an event bus",
    "eventbridge:DeleteEventBus": "Delete an event bus",
    "eventbridge:ListEventBuses": "List event buses",
    "eventbridge:CreateRule": "Create a notice rule",
    "eventbridge:GetRule": "Read a notice rule",
    "eventbridge:UpdateRule": "Edit a notice rule",
    "eventbridge:EnableRule": "Enable a notice rule",
    "eventbridge:DisableRule": "Disable a notice rule",
    "eventbridge:DeleteRule": "Delete a notice rule",
    "eventbridge:ListRules": "List notice rules",
    "eventbridge:PutEvents": "Publish events; redeliver a delivery; recover failed deliveries",
    "eventbridge:UpdateTargets": "Add or change a rule's targets; Test Connectivity; re-enable a target",
    "eventbridge:DeleteTargets": "Remove a rule's targets",
    "eventbridge:ListTargets": "List a rule's targets",
    "eventbridge:QueryEvent": "Read the event log, deliveries and attempts",
    # RAM
    "ram:CreateServiceLinkedRole": "Grant Access (create AliyunServiceRoleForPAIWorkspace)",
    "ram:GetRole": "Read the service-linked role",
    "ram:ListUsers": "List users",
    "ram:GetUser": "Read a user and the policies attached to it",
    "ram:CreateUser": "Create a sub-user",
    "ram:ListPolicies": "List policies",
    "ram:GetPolicy": "Read a policy",
    "ram:CreatePolicy": "Create a policy",
    "ram:UpdatePolicy": "Change a policy",
    "ram:DeletePolicy": "Delete a policy",
    "ram:AttachPolicyToUser": "Attach a policy to a user",
    "ram:DetachPolicyFromUser": "Detach a policy from a user",
    # PAI workspaces and resources
    "pai:ListWorkspaces": "List workspaces",
    "pai:GetWorkspace": "Read a workspace",
    "pai:CreateWorkspace": "Create a workspace",
    "paimodel:ListModels": "List models and versions",
    "paimodel:CreateModel": "Register a model",
    "paimodel:CreateModelVersion": "Add a model version",
    "paimodel:UpdateModelVersion": "Change a model version's approval status",
    "eas:ListServices": "List EAS services",
    "eas:CreateService": "Create an EAS service",
    "eas:UpdateService": "Switch an EAS service's version, stop or start it",
    "paidlc:ListJobs": "List DLC jobs",
    "paidlc:CreateJob": "Create a DLC job",
    "paidlc:UpdateJob": "Move a DLC job through its lifecycle; change its scheduling settings",
    "paidsw:ListInstances": "List DSW instances",
    "paidsw:CreateInstance": "Create a DSW instance",
    "paidsw:UpdateInstance": "Move a DSW instance through its lifecycle; save its image",
    "paiflow:ListRuns": "List Designer flow tasks",
    "paiflow:CreateRun": "Run a Designer flow task",
    "paiflow:UpdateRun": "Finish a flow task (success or failure)",
    # Account-level pages
    "cms:DescribeContactList": "List message receiving contacts",
    "cms:PutContact": "Create or change a contact",
    "cms:DeleteContact": "Delete a contact",
    "quotas:ListProductQuotas": "Read quotas",
    "quotas:CreateQuotaApplication": "Request a quota increase",
    "bss:QueryBill": "Read usage and billing",
    "actiontrail:LookupEvents": "Read the audit log",
}


# Every operation the console, the API and the tasks perform for a user: the actions it checks and
# the resource they are checked on (<region>, <account> = the account's uid, <workspace> = its
# name). Services check exactly these (tests/workspaces/policies/test_operation_table.py reads
# their source to keep this table true); reads are checked by the selectors and views named.
BUS = "acs:eventbridge:<region>:<account>:eventbus/pai-system-<workspace>"
RULE = BUS + "/rule/<rule>"
ROLE = "acs:ram::<account>:role/aliyunserviceroleforpaiworkspace"
EAS_SERVICE = "acs:eas:<region>:<account>:workspace/<workspace>/service/<service>"
IN_WORKSPACE = "acs:{service}:<region>:<account>:workspace/<workspace>/{path}"
OPERATIONS: dict[str, tuple[tuple[str, ...], str]] = {
    # Workspaces and EventBridge
    "workspace_list": (("pai:ListWorkspaces",), "acs:pai:<region>:<account>:workspace/*"),
    "workspace_get": (("pai:GetWorkspace",), "acs:pai:<region>:<account>:workspace/<workspace>"),
    "workspace_create": (("pai:CreateWorkspace",), "acs:pai:<region>:<account>:workspace/<name>"),
    "eventbridge_activate": (("eventbridge:CreateEventBus",),
                             "acs:eventbridge:<region>:<account>:eventbus/pai-system-*"),
    "event_bus_list": (("eventbridge:ListEventBuses",), "acs:eventbridge:<region>:<account>:eventbus/*"),
    "event_bus_get": (("eventbridge:GetEventBus",), BUS),
    "service_role_grant": (("ram:CreateServiceLinkedRole",), ROLE),
    "service_role_get": (("ram:GetRole",), ROLE),
    # Notice rules and targets
    "rule_list": (("eventbridge:ListRules",), BUS),
    "rule_get": (("eventbridge:GetRule",), RULE),
    "rule_create": (("eventbridge:CreateRule", "eventbridge:UpdateTargets"), BUS),
    "rule_update": (("eventbridge:UpdateRule", "eventbridge:UpdateTargets", "eventbridge:DeleteTargets"), RULE),
    "rule_enable": (("eventbridge:EnableRule",), RULE),
    "rule_disable": (("eventbridge:DisableRule",), RULE),
    "rule_delete": (("eventbridge:DeleteRule",), RULE),
    "target_list": (("eventbridge:ListTargets",), RULE),
    "connectivity_test": (("eventbridge:UpdateTargets",), BUS),
    # Events and deliveries
    "events_put": (("eventbridge:PutEvents",), BUS),
    "event_list": (("eventbridge:QueryEvent",), BUS),
    "delivery_list": (("eventbridge:QueryEvent",), BUS),
    "delivery_redeliver": (("eventbridge:QueryEvent", "eventbridge:PutEvents"), BUS),
    "target_enable": (("eventbridge:UpdateTargets",), BUS),
    "connectivity_test_saved": (("eventbridge:UpdateTargets",), BUS),
    "recovery_start": (("eventbridge:PutEvents",), BUS),
    "recovery_get": (("eventbridge:PutEvents",), BUS),
    # PAI resources
    "model_list": (("paimodel:ListModels",), IN_WORKSPACE.format(service="paimodel", path="model/*")),
    "model_create": (("paimodel:CreateModel",), IN_WORKSPACE.format(service="paimodel", path="model/<model>")),
    "model_create_authorize": (("paimodel:CreateModel",),
                               IN_WORKSPACE.format(service="paimodel", path="model/<model>")),
    "model_version_create": (("paimodel:CreateModelVersion",),
                             IN_WORKSPACE.format(service="paimodel", path="model/<model>/version/<version>")),
    "model_version_set_status": (("paimodel:UpdateModelVersion",),
                                 IN_WORKSPACE.format(service="paimodel", path="model/<model>/version/<version>")),
    "eas_service_list": (("eas:ListServices",), IN_WORKSPACE.format(service="eas", path="service/*")),
    "eas_service_create": (("eas:CreateService",), EAS_SERVICE),
    "eas_service_create_authorize": (("eas:CreateService",), EAS_SERVICE),
    "eas_service_switch_version": (("eas:UpdateService",), EAS_SERVICE),
    "eas_service_set_status": (("eas:UpdateService",), EAS_SERVICE),
    "dlc_job_list": (("paidlc:ListJobs",), IN_WORKSPACE.format(service="paidlc", path="job/*")),
    "dlc_job_create": (("paidlc:CreateJob",), IN_WORKSPACE.format(service="paidlc", path="job/<job>")),
    "dlc_job_create_authorize": (("paidlc:CreateJob",), IN_WORKSPACE.format(service="paidlc", path="job/<job>")),
    "dlc_job_set_status": (("paidlc:UpdateJob",), IN_WORKSPACE.format(service="paidlc", path="job/<job>")),
    "dlc_job_set_timeout": (("paidlc:UpdateJob",), IN_WORKSPACE.format(service="paidlc", path="job/<job>")),
    "dsw_instance_list": (("paidsw:ListInstances",), IN_WORKSPACE.format(service="paidsw", path="instance/*")),
    "dsw_instance_create": (("paidsw:CreateInstance",), IN_WORKSPACE.format(service="paidsw", path="instance/<i>")),
    "dsw_instance_create_authorize": (("paidsw:CreateInstance",),
                                      IN_WORKSPACE.format(service="paidsw", path="instance/<i>")),
    "dsw_instance_set_status": (("paidsw:UpdateInstance",), IN_WORKSPACE.format(service="paidsw", path="instance/<i>")),
    "dsw_image_set_status": (("paidsw:UpdateInstance",), IN_WORKSPACE.format(service="paidsw", path="instance/<i>")),
    "flow_task_list": (("paiflow:ListRuns",), IN_WORKSPACE.format(service="paiflow", path="pipelinerun/*")),
    "flow_task_create": (("paiflow:CreateRun",), IN_WORKSPACE.format(service="paiflow", path="pipelinerun/<run>")),
    "flow_task_create_authorize": (("paiflow:CreateRun",),
                                   IN_WORKSPACE.format(service="paiflow", path="pipelinerun/<run>")),
    "flow_task_set_status": (("paiflow:UpdateRun",), IN_WORKSPACE.format(service="paiflow", path="pipelinerun/<run>")),
    # Account pages
    "contact_list": (("cms:DescribeContactList",), "acs:cms:<region>:<account>:contact/*"),
    "contact_create": (("cms:PutContact",), "acs:cms:<region>:<account>:contact/*"),
    "contact_update": (("cms:PutContact",), "acs:cms:<region>:<account>:contact/<contact>"),
    "contact_delete": (("cms:DeleteContact",), "acs:cms:<region>:<account>:contact/<contact>"),
    "quota_get": (("quotas:ListProductQuotas",), "acs:quotas:<region>:<account>:quota/eventbridge/targets-per-rule"),
    "quota_request_create": (("quotas:CreateQuotaApplication",),
                             "acs:quotas:<region>:<account>:quota/eventbridge/targets-per-rule"),
    "usage_month_get": (("bss:QueryBill",), "acs:bss:<region>:<account>:*"),
    "audit_entries": (("actiontrail:LookupEvents",), "acs:actiontrail:<region>:<account>:*"),
    # Users and policies
    "user_list": (("ram:ListUsers",), "acs:ram::<account>:user/*"),
    "user_get": (("ram:GetUser",), "acs:ram::<account>:user/<user>"),
    "subuser_create": (("ram:CreateUser",), "acs:ram::<account>:user/<user>"),
    "policy_list": (("ram:ListPolicies",), "acs:ram::<account>:policy/*"),
    "policy_get": (("ram:GetPolicy",), "acs:ram::<account>:policy/<policy>"),
    "policy_create": (("ram:CreatePolicy",), "acs:ram::<account>:policy/<policy>"),
    "policy_update": (("ram:UpdatePolicy",), "acs:ram::<account>:policy/<policy>"),
    "policy_delete": (("ram:DeletePolicy",), "acs:ram::<account>:policy/<policy>"),
    "policy_attach": (("ram:AttachPolicyToUser",), "acs:ram::<account>:user/<user>"),
    "policy_detach": (("ram:DetachPolicyFromUser",), "acs:ram::<account>:user/<user>"),
}
# Service functions that take an actor but act as the system or an operator, never for a user.
SYSTEM_OPERATIONS = frozenset({
    "audit_record", "access_denied_record", "publish", "demo_resources_create",
    "quota_request_approve", "quota_request_reject",  # operators, in Django admin
})


# The refusals of the request being served (set by console.middleware.AccessDeniedMiddleware), so
# that a refusal is audited even when a view catches it to show the message in place.
_request_refusals: ContextVar[list | None] = ContextVar("request_refusals", default=None)


class AccessDenied(PermissionDenied):
    """A refused operation; says which action on which resource was missing."""

    error_code = "access_denied"

    def __init__(self, action: str, resource: str):
        self.action = action
        self.resource = resource
        self.recorded = False  # set once the audit log has it
        super().__init__(f"You are not authorized to perform {action} on {resource}.")
        refusals = _request_refusals.get()
        if refusals is not None:
            refusals.append(self)


@contextmanager
def collect_refusals() -> Iterator[list[AccessDenied]]:
    """Every AccessDenied made inside the block (raised, or caught by a view and shown in place)."""
    refusals: list[AccessDenied] = []
    token = _request_refusals.set(refusals)
    try:
        yield refusals
    finally:
        _request_refusals.reset(token)


def arn(service: str, account, path: str, region: str | None = None) -> str:
    region = settings.EAS_REGION if region is None else region
    return f"acs:{service}:{region}:{account.uid}:{path}"


def workspace_arn(service: str, workspace, path: str = "") -> str:
    """A resource inside a workspace, e.g. workspace_arn("paimodel", ws, "model/12")."""
    tail = f"workspace/{workspace.name}" + (f"/{path}" if path else "")
    return arn(service, workspace.account, tail)


def account_arn(service: str, account, path: str = "*") -> str:
    return arn(service, account, path)


def user_arn(account, username: str = "*") -> str:
    return arn("ram", account, f"user/{username}", region="")


def policy_arn(account, name: str = "*") -> str:
    return arn("ram", account, f"policy/{name}", region="")


def audit_arn(account) -> str:
    return arn("actiontrail", account, "*")


def arn_account_uid(resource: str) -> str | None:
    """The account part of an ARN (`acs:<service>:<region>:<account>:<path>`), None when there is none."""
    parts = resource.split(":", 4)
    if len(parts) != 5 or parts[0] != "acs":
        return None
    return parts[3] or None


# A policy's Action and Resource patterns: at most this many `*` and characters each (checked when
# a policy is saved). Matching is linear in any case; these keep a policy readable and cheap.
MAX_PATTERN_STARS = 10
MAX_PATTERN_LENGTH = 512


@lru_cache(maxsize=1024)
def _pattern_parts(pattern: str) -> tuple[str, ...]:
    return tuple(pattern.casefold().split("*"))


def wildcard_match(pattern: str, value: str) -> bool:
    """Whether `value` matches `pattern`, where `*` stands for any run of characters (case-insensitive).
    No backtracking: the literal parts between stars are found in order, each at its leftmost place
    after the previous one (the leftmost place leaves the most room for the rest, so it is never
    wrong to take it); the first part anchors at the start, the last at the end. Linear in the
    value's length, whatever the pattern (a regular expression would be O(n^k) for k stars)."""
    return _parts_match(_pattern_parts(pattern), value.casefold())


def _parts_match(parts: tuple[str, ...], value: str) -> bool:
    if len(parts) == 1:
        return value == parts[0]
    first, *middle, last = parts
    if len(value) < len(first) + len(last) or not value.startswith(first) or not value.endswith(last):
        return False
    position, end = len(first), len(value) - len(last)
    for part in middle:
        if not part:
            continue
        found = value.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def actions_matching(pattern: str) -> list[str]:
    """The known actions a policy's Action entry (wildcards allowed) stands for."""
    return [action for action in ACTIONS if wildcard_match(pattern, action)]


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def evaluate(documents: list[dict], action: str, resource: str) -> bool:
    """True when some statement allows `action` on `resource` and none denies it (an explicit Deny
    beats any Allow, in whichever document or order it comes)."""
    allowed = False
    action, resource = action.casefold(), resource.casefold()  # once, not per pattern
    for document in documents:
        for statement in document.get("Statement", []):
            if not any(_parts_match(_pattern_parts(p), action) for p in _as_list(statement.get("Action"))):
                continue
            if not any(_parts_match(_pattern_parts(p), resource) for p in _as_list(statement.get("Resource"))):
                continue
            if statement.get("Effect") == "Deny":
                return False
            if statement.get("Effect") == "Allow":
                allowed = True
    return allowed


def _documents(user) -> list[dict]:
    # Cached on the user object for the length of a request: a page asks is_allowed many times.
    cached = getattr(user, "_policy_documents", None)
    if cached is None:
        cached = [policy.document for policy in user.policies.all()]
        user._policy_documents = cached
    return cached


def forget_policies(user) -> None:
    """Drop the documents cached on `user` (after attaching or detaching a policy)."""
    if user is not None and hasattr(user, "_policy_documents"):
        del user._policy_documents


def _account_uid(user) -> str | None:
    account = getattr(user, "account", None)
    return getattr(account, "uid", None)


_recorded_checks: ContextVar[list | None] = ContextVar("recorded_permission_checks", default=None)


@contextmanager
def record_checks() -> Iterator[list[tuple[str, str, bool]]]:
    """Collect every (action, resource, allowed) decided inside the block, whoever asked (services,
    views, templates). Tests use it to learn which actions an operation checks."""
    checks: list[tuple[str, str, bool]] = []
    token = _recorded_checks.set(checks)
    try:
        yield checks
    finally:
        _recorded_checks.reset(token)


def _decide(user, action: str, resource: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.account_id is None:
        return False
    # Policies act inside their own account only: `acs:eventbridge:*:*:eventbus/*` names the
    # buses of the user's account, never another's, whatever its wildcards say.
    resource_uid = arn_account_uid(resource)
    if resource_uid not in (None, "*") and resource_uid != _account_uid(user):
        return False
    if user.is_account_owner:
        return True
    return evaluate(_documents(user), action, resource)


def is_allowed(user, action: str, resource: str) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}: add it to workspaces.iam.permissions.ACTIONS")
    allowed = _decide(user, action, resource)
    checks = _recorded_checks.get()
    if checks is not None:
        checks.append((action, resource, allowed))
    return allowed


def authorize(user, action: str, resource: str) -> None:
    """Raise AccessDenied unless `user` may perform `action` on `resource`. `user=None` is the
    system itself (Celery tasks, the periodic checks): always allowed."""
    if user is None:
        return
    if not is_allowed(user, action, resource):
        raise AccessDenied(action, resource)
