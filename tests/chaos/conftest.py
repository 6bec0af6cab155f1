"""The chaos run: skipped unless asked for, by `make chaos` (`-m chaos`) or CHAOS=1 (CI's
PostgreSQL + Redis pass). The real-worker fixture is the integration suite's."""

import os

import pytest

from tests.integration.conftest import start_worker  # noqa: F401  (the fixture, shared)


def chaos_requested(config) -> bool:
    return os.environ.get("CHAOS") == "1" or "chaos" in (config.getoption("markexpr") or "")


def pytest_configure(config):
    # The marker is registered in pyproject.toml; registering it here too keeps `--strict-markers`
    # happy if this directory is run with another configuration.
    config.addinivalue_line("markers", "chaos: the chaos run (make chaos; CI runs it on PostgreSQL + Redis)")


def pytest_collection_modifyitems(config, items):
    if chaos_requested(config):
        return
    skip = pytest.mark.skip(reason="the chaos run takes minutes: `make chaos` or CHAOS=1 runs it")
    for item in items:
        if "chaos" in item.keywords:
            item.add_marker(skip)
