"""Authorization is declared once, on the function that performs the operation
(workspaces.iam.operations), and the declarations stay true: every service or selector that acts for a
user declares its checks, nothing else calls authorize() with an ARN of its own, every declared
resource has the shape of its action's documented resource, and docs/operations.md is the table the
declarations make."""

import ast
import importlib
import re
from pathlib import Path

import pytest

from workspaces.iam.operations import (
    ACTION_RESOURCES,
    NO_ACTION,
    SYSTEM_OPERATIONS,
    USER,
    arn_shape,
    fill,
    operations_markdown,
    operations_table,
)
from workspaces.iam.permissions import ACTIONS

ROOT = Path(__file__).resolve().parents[3]
APPS = ("console", "notifications", "workspaces")
# Where operations live: every services and selectors module of both apps, and the audit log (its
# writers act for the system).
DECLARING_FILES = sorted(
    [*ROOT.glob("workspaces/*/services/*.py"), *ROOT.glob("notifications/services/*.py"),
     *ROOT.glob("workspaces/*/selectors.py"), *ROOT.glob("notifications/selectors/*.py"),
     ROOT / "workspaces" / "iam" / "audit.py"]
)
# The policy engine itself and the declarations' home may call authorize(action, resource).
DECIDERS = {ROOT / "workspaces" / "iam" / "permissions.py", ROOT / "workspaces" / "iam" / "operations.py"}
TABLE = operations_table()


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _functions_acting_for_a_user():
    for path in DECLARING_FILES:
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                arguments = [a.arg for a in (*node.args.args, *node.args.kwonlyargs)]
                if "actor" in arguments or arguments[:1] == ["user"]:
                    yield path, node


FUNCTIONS = list(_functions_acting_for_a_user())


def test_the_operations_are_found_where_the_layout_puts_them():
    """Moving the services elsewhere must not silently empty the checks below."""
    names = {node.name for _, node in FUNCTIONS}
    assert {"workspace_create", "subuser_create", "policy_create", "model_version_set_status",
            "eas_service_switch_version", "rule_create", "rule_get", "audit_record", "events_put"} <= names
    assert {"rule_create", "rule_update", "rules_for_workspace", "subuser_create", "events_put"} <= set(TABLE)


@pytest.mark.parametrize(("path", "node"), FUNCTIONS, ids=[node.name for _, node in FUNCTIONS])
def test_each_function_acting_for_a_user_declares_its_checks(path, node):
    function = getattr(importlib.import_module(_module(path)), node.name)
    declared = getattr(function, "operation", None)
    if node.name in SYSTEM_OPERATIONS | NO_ACTION:
        assert declared is None, f"{path.name}:{node.name} is a system operation but declares {declared.checks}"
        return
    assert declared is not None, (f"{path.name}:{node.name} acts for a user: declare its checks with "
                                  "@operation (workspaces.iam.operations)")
    assert TABLE[node.name] is declared


def _is_enforced(function) -> bool:
    return getattr(function, "__wrapped__", None) is not None


@pytest.mark.parametrize("name", sorted(TABLE))
def test_a_function_that_checks_inside_asks_its_own_declaration(name):
    """`enforce=False` (a reader that looks its object up first) or `asked=True` checks: the body
    calls `<name>.authorize(...)` or `<name>.allowed(...)`, so nothing is declared and never made."""
    declared = TABLE[name]
    function = getattr(importlib.import_module(declared.module), name)
    if _is_enforced(function) and not any(check.asked for check in declared.checks):
        return
    source = ast.parse(Path(importlib.import_module(declared.module).__file__).read_text())
    body = next(node for node in source.body if isinstance(node, ast.FunctionDef) and node.name == name)
    asks = {node.func.attr for node in ast.walk(body) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name}
    if not asks & {"authorize", "allowed"}:
        # A module-level helper may ask on its behalf (_set_enabled for rule_enable/rule_disable).
        assert _is_enforced(function), f"{name} declares enforce=False but never calls {name}.authorize()"


def test_nothing_but_the_declarations_calls_authorize_with_its_own_arn():
    """Console views, API views, admin, template tags and tasks ask a declaration
    (`service.authorize(actor, ...)`); a bare authorize(user, action, resource) outside the policy
    engine is a second place deciding (how F4 happened: the API and the console disagreed)."""
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path in DECIDERS or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "authorize":
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_no_template_builds_a_resource_string_to_hide_a_button():
    """A page hiding a button asks the service the button leads to, in its view
    (`policy_delete.allowed(user, policy=policy)`); a template naming an action on an ARN of its own
    (`{% if_allowed "ram:DeletePolicy" account|policy_arn:policy.name %}`) is a second place deciding."""
    asking = re.compile(r"{%\s*(?:if_allowed|allowed)\s|\|\s*\w+_arn\b|{%\s*load\s[^%]*\bpermissions\b")
    found = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "templates").rglob("*.html")
                   if asking.search(path.read_text(encoding="utf-8")))
    assert found == []


def test_every_action_a_policy_can_name_has_a_documented_resource():
    assert set(ACTION_RESOURCES) == set(ACTIONS)
    assert all(shape.startswith("acs:") for shapes in ACTION_RESOURCES.values() for shape in shapes)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_declared_resource_has_the_shape_of_its_actions_documented_resource(name):
    """E.g. a RAM user is `acs:ram::<account>:user/<user>` (no region) wherever it is checked."""
    for check in TABLE[name].checks:
        documented = {arn_shape(shape) for shape in ACTION_RESOURCES[check.action]}
        assert arn_shape(check.resource) in documented, (
            f"{name} checks {check.action} on {check.resource}; the action is granted on "
            f"{' or '.join(ACTION_RESOURCES[check.action])}")


def test_a_declared_resource_is_filled_from_its_template(settings):
    from types import SimpleNamespace

    settings.EAS_REGION = "cn-hangzhou"
    account = SimpleNamespace(uid="1234567890123456")
    assert fill(USER, {"account": account, "user": "bob"}) == "acs:ram::1234567890123456:user/bob"
    assert fill("acs:eas:<region>:<account>:workspace/<workspace>/service/*", {"account": account, "workspace": "w"}) \
        == "acs:eas:cn-hangzhou:1234567890123456:workspace/w/service/*"
    with pytest.raises(KeyError):
        fill(USER, {"account": account})


def test_the_operations_document_is_the_table_the_declarations_make():
    text = (ROOT / "docs" / "operations.md").read_text()
    assert text == operations_markdown(), "docs/operations.md is stale: run `manage.py operations_doc`"
