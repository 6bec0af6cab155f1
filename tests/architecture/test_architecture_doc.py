"""docs/architecture.md stays true: every path it names exists, every `module.name` it names imports,
every package of the three apps is on its map, and its event path walks the stages the import-graph
test enforces, in their order."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from tests.architecture.test_import_graph import EVENT_PATH

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
TEXT = DOC.read_text()
SPANS = re.findall(r"`([^`\n]+)`", TEXT)
TOP = ("console/", "notifications/", "workspaces/", "tests/", "templates/", "static/", "docs/")
APPS = ("console", "notifications", "workspaces")

PATHS = sorted({span for span in SPANS if span.startswith(TOP) and "<" not in span and " " not in span})
DOTTED = sorted({span for span in SPANS
                 if re.fullmatch(r"(console|notifications|workspaces|tests)(\.\w+)+", span)})


def _resolve(dotted: str):
    """Import the longest module prefix of `dotted`, then read the rest as attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name)  # AttributeError names what is missing
        return found
    raise ModuleNotFoundError(dotted)


def test_the_doc_names_paths_and_functions():
    # The checks below would pass on a doc that names nothing: it names the map's parts.
    assert len(PATHS) >= 60, PATHS
    assert len(DOTTED) >= 25, DOTTED


@pytest.mark.parametrize("path", PATHS)
def test_every_named_path_exists(path):
    target = ROOT / path
    assert target.exists(), f"docs/architecture.md names {path}, which does not exist"
    if path.endswith("/"):
        assert target.is_dir(), f"{path} is named as a folder"


@pytest.mark.parametrize("dotted", DOTTED)
def test_every_named_module_function_exists(dotted):
    assert _resolve(dotted) is not None


def test_every_package_of_the_apps_is_on_the_map():
    packages = sorted(
        path.parent.relative_to(ROOT).as_posix() + "/"
        for app in APPS for path in (ROOT / app).rglob("__init__.py")
        if "migrations" not in path.parts and path.parent != ROOT / app
    )
    unnamed = [package for package in packages if not any(named.startswith(package) for named in PATHS)]
    assert not unnamed, f"packages missing from docs/architecture.md: {unnamed}"


def test_the_event_path_walks_the_enforced_stages_in_order():
    section = TEXT.split("## The event's path", 1)[1].split("\n## ", 1)[0]
    steps = re.findall(r"`([\w.]+)`", section)
    positions = []
    for stage, prefixes in EVENT_PATH:
        at = [index for index, name in enumerate(steps) if name.startswith(prefixes)]
        assert at, f"the event's path names no function of the stage {stage!r} ({', '.join(prefixes)})"
        positions.append(min(at))
    assert positions == sorted(positions), "the stages are listed out of order"
