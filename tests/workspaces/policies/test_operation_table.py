"""The one table (workspaces.iam.permissions.OPERATIONS) stays true: every service that acts for a user is
in it, checks the actions the table names, and names only actions a policy can grant."""

import ast
from pathlib import Path

import pytest

from workspaces.iam.permissions import ACTIONS, OPERATIONS, SYSTEM_OPERATIONS

ROOT = Path(__file__).resolve().parents[3]
# Every services package of both apps, and the audit log (its writers act for the system).
SERVICE_FILES = sorted(
    [*ROOT.glob("workspaces/*/services/*.py"), *ROOT.glob("notifications/services/*.py"),
     ROOT / "workspaces" / "iam" / "audit.py"]
)


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _checked_actions(function: ast.FunctionDef, helpers: dict[str, ast.FunctionDef], seen=()) -> tuple[set, set]:
    """The literal actions passed to authorize()/is_allowed() in `function` and its private helpers,
    and, where the action is computed (`"...EnableRule" if enabled else "...DisableRule"`), the
    action names written nearby that it may be."""
    literal, possible, computed = set(), set(), False
    for node in ast.walk(function):
        if isinstance(node, ast.Constant) and node.value in ACTIONS:
            possible.add(node.value)
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        if name in ("authorize", "is_allowed") and len(node.args) >= 2:
            if isinstance(node.args[1], ast.Constant):
                literal.add(node.args[1].value)
            else:
                computed = True
        elif name in helpers and name not in seen:
            more_literal, more_possible = _checked_actions(helpers[name], helpers, (*seen, name))
            literal |= more_literal
            possible |= more_possible
            computed = computed or bool(more_possible - more_literal)
    return literal, (possible if computed else set())


def _services_acting_for_a_user():
    for path in SERVICE_FILES:
        tree = ast.parse(path.read_text())
        functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
        # A service calling another function of its module (private or not) inherits its checks.
        helpers = functions
        for name, node in functions.items():
            arguments = [a.arg for a in (*node.args.args, *node.args.kwonlyargs)]
            if not name.startswith("_") and "actor" in arguments:
                yield path.relative_to(ROOT), name, _checked_actions(node, helpers)


SERVICES = list(_services_acting_for_a_user())


def test_the_service_files_are_found_where_the_layout_puts_them():
    """Moving the services elsewhere must not silently empty the checks below."""
    names = {name for _, name, _ in SERVICES}
    assert {"workspace_create", "subuser_create", "policy_create", "model_version_set_status",
            "eas_service_switch_version", "rule_create", "audit_record", "events_put"} <= names


def test_every_action_of_the_table_is_one_a_policy_can_name():
    assert {action for actions, _ in OPERATIONS.values() for action in actions} <= set(ACTIONS)
    assert all(resource.startswith("acs:") for _, resource in OPERATIONS.values())


@pytest.mark.parametrize(("path", "name", "checked"), SERVICES, ids=[name for _, name, _ in SERVICES])
def test_each_service_acting_for_a_user_is_in_the_table_and_checks_its_actions(path, name, checked):
    literal, possible = checked
    if name in SYSTEM_OPERATIONS:
        assert not (literal or possible), f"{path}:{name} checks {literal | possible} but is a system operation"
        return
    assert name in OPERATIONS, f"{path}:{name} acts for a user: add it to workspaces.iam.permissions.OPERATIONS"
    table = set(OPERATIONS[name][0])
    assert literal or possible, f"{path}:{name} takes an actor but checks no action (table: {sorted(table)})"
    assert literal <= table, f"{path}:{name} checks {sorted(literal)}, the table says {sorted(table)}"
    assert literal or possible & table, f"{path}:{name} may check {sorted(possible)}, the table says {sorted(table)}"
