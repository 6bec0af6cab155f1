"""RAM policies: validate a policy document, write policies, attach them to sub-users (created by
`workspaces.iam.services.users.subuser_create`).

Every change is authorized (`ram:*` actions on `acs:ram::<account>:policy/<name>` or `user/<name>`)
and recorded in the audit log.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from console.input import json_loads_checked, json_text_problem
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import POLICY, USER, Check, operation
from workspaces.iam.permissions import MAX_PATTERN_LENGTH, MAX_PATTERN_STARS, actions_matching, forget_policies
from workspaces.models import Policy, User

POLICY_VERSION = "1"
EFFECTS = ("Allow", "Deny")
STATEMENT_KEYS = ("Effect", "Action", "Resource")
MAX_DOCUMENT_CHARS = 6144  # RAM's limit for a custom policy document
MAX_STATEMENTS = 100
POLICY_NAME = re.compile(r"^[A-Za-z0-9-]{1,128}$")
ACTION_FORMAT = re.compile(r"^(\*|[a-z0-9*-]+:[A-Za-z0-9*]+)$")

# The seed's policy (workspace-event-notifications 1.3): the editor's starting point.
SEED_POLICY_DOCUMENT = {
    "Statement": [{
        "Effect": "Allow",
        "Action": [
            "eventbridge:CreateEventBus", "eventbridge:GetEventBus", "eventbridge:DeleteEventBus",
            "eventbridge:ListEventBuses", "eventbridge:CreateRule", "eventbridge:GetRule",
            "eventbridge:UpdateRule", "eventbridge:EnableRule", "eventbridge:DisableRule",
            "eventbridge:DeleteRule", "eventbridge:ListRules", "eventbridge:PutEvents",
            "eventbridge:UpdateTargets", "eventbridge:DeleteTargets", "eventbridge:ListTargets",
        ],
        "Resource": "acs:eventbridge:*:*:eventbus/*",
    }],
    "Version": "1",
}


@dataclass(frozen=True)
class PolicyProblem:
    """One error in a policy document: where (`Statement[1].Action[2]`, or a line and column of the
    JSON text) and what."""

    place: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


class PolicyDocumentError(ValidationError):
    """A refused policy document. `problems` lists each error with its place; the messages read
    `Statement[0].Effect: must be "Allow" or "Deny"`."""

    def __init__(self, problems: list[PolicyProblem]):
        self.problems = problems
        super().__init__([str(problem) for problem in problems], code="invalid_policy_document")


class PolicyInUse(ValidationError):
    """A policy still attached to users cannot be deleted (RAM asks to detach it first)."""


def _parse(text: str) -> object:
    try:
        return json_loads_checked(text)
    except json.JSONDecodeError as error:
        place = f"line {error.lineno}, column {error.colno}"
        raise PolicyDocumentError([PolicyProblem(place, f"malformed JSON: {error.msg}", error.lineno, error.colno)])
    except ValueError as error:  # nested too deep to parse
        raise PolicyDocumentError([PolicyProblem("Document", str(error))])


def _entries(statement: dict, key: str, where: str, problems: list[PolicyProblem]) -> list[tuple[str, object]]:
    """The (place, value) of each entry of an Action or Resource element (a string or a list)."""
    if key not in statement:
        problems.append(PolicyProblem(f"{where}.{key}", "required"))
        return []
    value = statement[key]
    if isinstance(value, str):
        return [(f"{where}.{key}", value)]
    if isinstance(value, list) and value:
        return [(f"{where}.{key}[{index}]", item) for index, item in enumerate(value)]
    problems.append(PolicyProblem(f"{where}.{key}", "must be a string or a non-empty list of strings"))
    return []


def _pattern_problem(pattern: str) -> str | None:
    """A pattern over the limits (wildcards cost the same to match however many there are, but a
    policy is read by people, and the limits keep every check cheap)."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"at most {MAX_PATTERN_LENGTH} characters, got {len(pattern)}"
    stars = pattern.count("*")
    if stars > MAX_PATTERN_STARS:
        return f'at most {MAX_PATTERN_STARS} wildcards ("*") in one pattern, got {stars}'
    return None


def _check_action(place: str, action: object, problems: list[PolicyProblem]) -> None:
    if not isinstance(action, str):
        problems.append(PolicyProblem(place, "must be a string"))
    elif problem := _pattern_problem(action):
        problems.append(PolicyProblem(place, problem))
    elif not ACTION_FORMAT.match(action):
        problems.append(PolicyProblem(place, f'"{action}" is not an action: write "<service>:<Action>" or "*"'))
    elif not actions_matching(action):
        problems.append(PolicyProblem(place, f'unknown action "{action}"'))


def _check_resource(place: str, resource: object, problems: list[PolicyProblem]) -> None:
    if not isinstance(resource, str):
        problems.append(PolicyProblem(place, "must be a string"))
    elif problem := _pattern_problem(resource):
        problems.append(PolicyProblem(place, problem))
    elif resource != "*" and not (resource.startswith("acs:") and len(resource.split(":", 4)) == 5):
        problems.append(PolicyProblem(
            place, f'"{resource}" must be "*" or an ARN "acs:<service>:<region>:<account>:<resource>"'
        ))


def _check_statement(index: int, statement: object, problems: list[PolicyProblem]) -> None:
    where = f"Statement[{index}]"
    if not isinstance(statement, dict):
        problems.append(PolicyProblem(where, "must be an object with Effect, Action and Resource"))
        return
    for key in statement:
        if key not in STATEMENT_KEYS:
            problems.append(PolicyProblem(f"{where}.{key}", "not supported: use Effect, Action and Resource"))
    if "Effect" not in statement:
        problems.append(PolicyProblem(f"{where}.Effect", 'required: "Allow" or "Deny"'))
    elif statement["Effect"] not in EFFECTS:
        problems.append(PolicyProblem(f"{where}.Effect", 'must be "Allow" or "Deny"'))
    for place, action in _entries(statement, "Action", where, problems):
        _check_action(place, action, problems)
    for place, resource in _entries(statement, "Resource", where, problems):
        _check_resource(place, resource, problems)


def policy_validate(document: str | dict) -> dict:
    """The document as a dict when it is a valid policy; else PolicyDocumentError naming the place
    of each error. Accepts the JSON text (malformed JSON is reported by line and column)."""
    parsed = _parse(document) if isinstance(document, str | bytes) else document
    if (problem := json_text_problem(parsed)) is not None:  # nothing below could measure or store it
        raise PolicyDocumentError([PolicyProblem("Document", problem)])
    problems: list[PolicyProblem] = []
    if not isinstance(parsed, dict):
        raise PolicyDocumentError([PolicyProblem("Document", 'must be a JSON object with "Version" and "Statement"')])
    for key in parsed:
        if key not in ("Version", "Statement"):
            problems.append(PolicyProblem(str(key), 'unknown element: a policy has "Version" and "Statement"'))
    if "Version" not in parsed:
        problems.append(PolicyProblem("Version", f'required, must be "{POLICY_VERSION}"'))
    elif parsed["Version"] != POLICY_VERSION:
        problems.append(PolicyProblem("Version", f'must be "{POLICY_VERSION}"'))
    statements = parsed.get("Statement")
    if "Statement" not in parsed:
        problems.append(PolicyProblem("Statement", "required: a list of statements"))
    elif not isinstance(statements, list) or not statements:
        problems.append(PolicyProblem("Statement", "must be a non-empty list of statements"))
    elif len(statements) > MAX_STATEMENTS:
        problems.append(PolicyProblem("Statement", f"at most {MAX_STATEMENTS} statements, got {len(statements)}"))
    else:
        for index, statement in enumerate(statements):
            _check_statement(index, statement, problems)
    size = len(json.dumps(parsed, separators=(",", ":")))
    if size > MAX_DOCUMENT_CHARS:
        problems.append(PolicyProblem("Document", f"at most {MAX_DOCUMENT_CHARS} characters, got {size}"))
    if problems:
        raise PolicyDocumentError(problems)
    return parsed


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not POLICY_NAME.match(name):
        raise ValidationError({"name": ["1 to 128 characters: letters, digits and hyphens"]})


def _document_or_field_error(document) -> dict:
    try:
        return policy_validate(document)
    except PolicyDocumentError as error:
        raise ValidationError({"document": error.messages}) from error


def _new_policy_values(account, name="", **_) -> dict:
    if name:  # a name given is checked before authorizing: it goes into the ARN policies are matched against
        _check_name(name)
    return {"account": account, "policy": name or "*"}


def _policy_values(policy, **_) -> dict:
    return {"account": policy.account, "policy": policy.name}


def _user_values(user, **_) -> dict:
    return {"account": user.account, "user": user.username}


@operation(Check("ram:CreatePolicy", POLICY), values=_new_policy_values)
@transaction.atomic
def policy_create(*, actor, account, name: str, document: str | dict, description: str = "") -> Policy:
    _check_name(name)
    if len(description) > 1024:
        raise ValidationError({"description": ["at most 1024 characters"]})
    parsed = _document_or_field_error(document)
    if Policy.objects.filter(account=account, name=name).exists():
        raise ValidationError({"name": [f'a policy named "{name}" already exists in this account']})
    try:
        with transaction.atomic():
            policy = Policy.objects.create(account=account, name=name, description=description, document=parsed)
    except IntegrityError:
        raise ValidationError({"name": [f'a policy named "{name}" already exists in this account']})
    audit_record(actor=actor, account=account, action="policy.create", obj=policy,
                 changes={"description": [None, description], "document": [None, parsed]})
    return policy


@operation(Check("ram:CreatePolicy", POLICY, asked=True), Check("ram:UpdatePolicy", POLICY, asked=True),
           values=lambda account, **_: {"account": account, "policy": "*"})
def policy_validate_authorize(*, actor, account) -> None:
    """Whether `actor` may validate a document in the editor (nothing is saved): whoever may create
    or change a policy. Refused naming ram:CreatePolicy."""
    if actor is not None and not any(policy_validate_authorize.allowed(actor, action, account=account)
                                     for action in ("ram:CreatePolicy", "ram:UpdatePolicy")):
        policy_validate_authorize.authorize(actor, "ram:CreatePolicy", account=account)


@operation(Check("ram:UpdatePolicy", POLICY), values=_policy_values)
@transaction.atomic
def policy_update(*, actor, policy: Policy, document: str | dict | None = None,
                  description: str | None = None) -> Policy:
    """Change a policy's document or description (its name is fixed, as in RAM)."""
    changes = {}
    if description is not None and description != policy.description:
        if len(description) > 1024:
            raise ValidationError({"description": ["at most 1024 characters"]})
        changes["description"] = [policy.description, description]
        policy.description = description
    if document is not None:
        parsed = _document_or_field_error(document)
        if parsed != policy.document:
            changes["document"] = [policy.document, parsed]
            policy.document = parsed
    if changes:
        policy.save()
        audit_record(actor=actor, account=policy.account, action="policy.update", obj=policy, changes=changes)
    return policy


@operation(Check("ram:DeletePolicy", POLICY), values=_policy_values)
@transaction.atomic
def policy_delete(*, actor, policy: Policy) -> None:
    holders = list(policy.users.values_list("username", flat=True))
    if holders:
        raise PolicyInUse(
            f'Policy "{policy.name}" is attached to {", ".join(holders)}: detach it first.', code="policy_in_use"
        )
    audit_record(actor=actor, account=policy.account, action="policy.delete", obj=policy,
                 changes={"document": [policy.document, None]})
    policy.delete()


def _check_same_account(policy: Policy, user: User) -> None:
    if policy.account_id != user.account_id:
        raise ValidationError({"policy": ["the policy and the user belong to different accounts"]})
    if user.is_account_owner:
        raise ValidationError({"user": ["the account owner may do everything: policies apply to sub-users"]})


def _policy_names(user: User) -> list[str]:
    return sorted(user.policies.values_list("name", flat=True))


@operation(Check("ram:AttachPolicyToUser", USER), values=_user_values)
@transaction.atomic
def policy_attach(*, actor, policy: Policy, user: User) -> None:
    _check_same_account(policy, user)
    before = _policy_names(user)
    if policy.name in before:
        return
    user.policies.add(policy)
    forget_policies(user)
    audit_record(actor=actor, account=user.account, action="policy.attach", obj=user,
                 changes={"policies": [before, _policy_names(user)]})


@operation(Check("ram:DetachPolicyFromUser", USER), values=_user_values)
@transaction.atomic
def policy_detach(*, actor, policy: Policy, user: User) -> None:
    _check_same_account(policy, user)
    before = _policy_names(user)
    if policy.name not in before:
        return
    user.policies.remove(policy)
    forget_policies(user)
    audit_record(actor=actor, account=user.account, action="policy.detach", obj=user,
                 changes={"policies": [before, _policy_names(user)]})
