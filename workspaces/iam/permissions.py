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
from django.utils.translation import gettext_noop

# Every action a policy may name. Policies naming anything else (after wildcards) are refused. The
# labels are marked for translation: the console's 403 page shows them in its language.
ACTIONS: dict[str, str] = {
    # EventBridge (the seed's policy lists these)
    "eventbridge:CreateEventBus": gettext_noop("Activate EventBridge (creates the workspace buses)"),
    "eventbridge:GetEventBus": gettext_noop("Read an event bus"),
    "eventbridge:DeleteEventBus": gettext_noop("Delete an event bus"),
    "eventbridge:ListEventBuses": gettext_noop("List event buses"),
    "eventbridge:CreateRule": gettext_noop("Create a notice rule"),
    "eventbridge:GetRule": gettext_noop("Read a notice rule"),
    "eventbridge:UpdateRule": gettext_noop("Edit a notice rule"),
    "eventbridge:EnableRule": gettext_noop("Enable a notice rule"),
    "eventbridge:DisableRule": gettext_noop("Disable a notice rule"),
    "eventbridge:DeleteRule": gettext_noop("Delete a notice rule"),
    "eventbridge:ListRules": gettext_noop("List notice rules"),
    "eventbridge:PutEvents": gettext_noop("Publish events; redeliver a delivery"),
    "eventbridge:UpdateTargets": gettext_noop("Add or change a rule's targets; Test Connectivity"),
    "eventbridge:DeleteTargets": gettext_noop("Remove a rule's targets"),
    "eventbridge:ListTargets": gettext_noop("List a rule's targets"),
    "eventbridge:QueryEvent": gettext_noop("Read the event log, deliveries and attempts"),
    # RAM
    "ram:CreateServiceLinkedRole": gettext_noop("Grant Access (create AliyunServiceRoleForPAIWorkspace)"),
    "ram:GetRole": gettext_noop("Read the service-linked role"),
    "ram:ListUsers": gettext_noop("List users"),
    "ram:GetUser": gettext_noop("Read a user and the policies attached to it"),
    "ram:CreateUser": gettext_noop("Create a sub-user"),
    "ram:ListPolicies": gettext_noop("List policies"),
    "ram:GetPolicy": gettext_noop("Read a policy"),
    "ram:CreatePolicy": gettext_noop("Create a policy"),
    "ram:UpdatePolicy": gettext_noop("Change a policy"),
    "ram:DeletePolicy": gettext_noop("Delete a policy"),
    "ram:AttachPolicyToUser": gettext_noop("Attach a policy to a user"),
    "ram:DetachPolicyFromUser": gettext_noop("Detach a policy from a user"),
    # PAI workspaces and resources
    "pai:ListWorkspaces": gettext_noop("List workspaces"),
    "pai:GetWorkspace": gettext_noop("Read a workspace"),
    "pai:CreateWorkspace": gettext_noop("Create a workspace"),
    "paimodel:ListModels": gettext_noop("List models and versions"),
    "paimodel:CreateModel": gettext_noop("Register a model"),
    "paimodel:CreateModelVersion": gettext_noop("Add a model version"),
    "paimodel:UpdateModelVersion": gettext_noop("Change a model version's approval status"),
    "eas:ListServices": gettext_noop("List EAS services"),
    "eas:CreateService": gettext_noop("Create an EAS service"),
    "eas:UpdateService": gettext_noop("Switch an EAS service's version, stop or start it"),
    "paidlc:ListJobs": gettext_noop("List DLC jobs"),
    "paidlc:CreateJob": gettext_noop("Create a DLC job"),
    "paidlc:UpdateJob": gettext_noop("Move a DLC job through its lifecycle; change its scheduling settings"),
    "paidsw:ListInstances": gettext_noop("List DSW instances"),
    "paidsw:CreateInstance": gettext_noop("Create a DSW instance"),
    "paidsw:UpdateInstance": gettext_noop("Move a DSW instance through its lifecycle; save its image"),
    "paiflow:ListRuns": gettext_noop("List Designer flow tasks"),
    "paiflow:CreateRun": gettext_noop("Run a Designer flow task"),
    "paiflow:UpdateRun": gettext_noop("Finish a flow task (success or failure)"),
    # Account-level pages
    "cms:DescribeContactList": gettext_noop("List message receiving contacts"),
    "cms:PutContact": gettext_noop("Create or change a contact"),
    "cms:DeleteContact": gettext_noop("Delete a contact"),
    "quotas:ListProductQuotas": gettext_noop("Read quotas"),
    "quotas:CreateQuotaApplication": gettext_noop("Request a quota increase"),
    "bss:QueryBill": gettext_noop("Read usage and billing"),
    "actiontrail:LookupEvents": gettext_noop("Read the audit log"),
    "pai:UpdateAccountSettings": gettext_noop(
        "Change the account's settings (the default message language of new targets)"),
}


# Which operation checks which of these actions, on which resource, is declared on the operation's
# function (workspaces.iam.operations); the table of operations and docs/operations.md are read from
# those declarations.


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
