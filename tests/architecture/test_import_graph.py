"""The import graph of the production code, read from the source (no import is executed): the
event's way runs one direction, the notification side never reaches into the workspaces' services,
views or API, nothing on the event path imports inside a function, and no two modules import each
other, directly or around a loop.

The event's way, stage by stage: a resource service raises an event through the front door
(`events.publish`), the outbox hands it to routing, routing to delivery, delivery to a channel
adapter, which records the attempt's outcome. A stage may import a later one, never an earlier one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("console", "notifications", "workspaces")

# The stages of the event's way, in order (module name prefixes).
EVENT_PATH = (
    ("resource services", ("workspaces.pai_resources.services",)),
    ("front door", ("notifications.services.events", "notifications.services.put_events")),
    ("routing", ("notifications.services.routing", "notifications.services.routing_keys")),
    ("delivery", ("notifications.services.delivery", "notifications.services.ratelimit",
                  "notifications.services.usage")),
    ("channels", ("notifications.channels",)),
)
# Also on the way, though not a stage of it: the tasks (faces over the stages), the records.
ALSO_ON_THE_PATH = ("notifications.tasks", "notifications.models", "notifications.catalog")
# What the notification side may never import from the workspaces app: its business logic and faces.
WORKSPACES_INTERNALS = ("services", "views", "api", "admin", "urls")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The production module an imported name lives in (`a.b.c` -> `a.b` when c is a name in a.b)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


class Import:
    def __init__(self, source: str, target: str, line: int, in_function: bool):
        self.source, self.target, self.line, self.in_function = source, target, line, in_function

    def __repr__(self) -> str:
        where = " (inside a function)" if self.in_function else ""
        return f"{self.source}:{self.line} imports {self.target}{where}"


def _imports(module: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside.update(id(child) for child in ast.walk(node) if child is not node)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        targets = {_resolve(name) for name in names} - {None, module}
        # `from a import b` names module a.b when there is one, else a name of a: count the deepest.
        targets = {t for t in targets if not any(other.startswith(t + ".") for other in targets)}
        found += [Import(module, target, node.lineno, id(node) in inside) for target in sorted(targets)]
    return found


IMPORTS = [edge for module, path in MODULES.items() for edge in _imports(module, path)]


def _in(module: str, prefixes) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def _stage(module: str) -> int | None:
    return next((n for n, (_, prefixes) in enumerate(EVENT_PATH) if _in(module, prefixes)), None)


def test_the_graph_is_read_where_the_layout_puts_the_code():
    assert {"notifications.services.events", "notifications.services.delivery", "notifications.tasks",
            "workspaces.pai_resources.services.model_registry", "console.api"} <= set(MODULES)
    assert len(IMPORTS) > 300


def test_the_notification_side_never_imports_the_services_views_or_api_of_workspaces():
    wrong = [edge for edge in IMPORTS if edge.source.startswith("notifications")
             and edge.target.startswith("workspaces.")
             and set(edge.target.split(".")[1:]) & set(WORKSPACES_INTERNALS)]
    assert wrong == []


def test_channels_know_nothing_of_workspaces_rules_views_or_the_api():
    """A channel gets a rendered message and a target's config; the EAS channel acts through its port."""
    allowed_notifications = ("notifications.channels", "notifications.catalog", "notifications.models")
    wrong = [edge for edge in IMPORTS if edge.source.startswith("notifications.channels")
             and (edge.target.startswith("workspaces")
                  or (edge.target.startswith("notifications") and not _in(edge.target, allowed_notifications)))]
    assert wrong == []


def test_the_event_path_runs_one_direction():
    backwards = [edge for edge in IMPORTS
                 if _stage(edge.source) is not None and _stage(edge.target) is not None
                 and _stage(edge.target) < _stage(edge.source)]
    assert backwards == []


def test_nothing_on_the_event_path_imports_inside_a_function():
    """Not the project's modules, nor anything else: a lazy import hides a dependency (or a loop)."""
    on_path = tuple(prefix for _, prefixes in EVENT_PATH for prefix in prefixes) + ALSO_ON_THE_PATH
    lazy = [f"{module}:{node.lineno} {ast.unparse(node)}" for module, path in sorted(MODULES.items())
            if _in(module, on_path) for node in _function_level_imports(path)]
    assert lazy == []


def _function_level_imports(path: Path) -> list[ast.AST]:
    """Every import statement inside a function, of any module (third-party ones too)."""
    tree = ast.parse(path.read_text())
    return [node for function in ast.walk(tree) if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(function) if isinstance(node, ast.Import | ast.ImportFrom)]


def _cycles() -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each a loop of imports."""
    graph: dict[str, set[str]] = {}
    for edge in IMPORTS:
        graph.setdefault(edge.source, set()).add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(MODULES):
        if node not in index:
            visit(node)
    return groups


def test_no_two_modules_import_each_other_even_around_a_loop():
    assert _cycles() == []


@pytest.mark.parametrize(("source", "target", "expected"), [
    ("notifications.tasks", "notifications.services.events", True),
    ("notifications.services.events", "notifications.tasks", False),  # the routing task is called by name
    ("notifications.services.routing", "notifications.services.delivery", True),
])
def test_the_graph_sees_the_edges_it_should(source, target, expected):
    """The reader itself: known edges are found, and a removed one is gone."""
    assert any(edge.source == source and edge.target == target for edge in IMPORTS) is expected
