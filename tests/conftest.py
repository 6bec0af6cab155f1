"""Fixtures shared by the whole suite: an account with its owner, a sub-user with no policy, a
sub-user with the seed's policy, an outsider of another account, and workspaces before and after
EventBridge activation and Grant Access."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from workspaces.iam.services.policies import SEED_POLICY_DOCUMENT

pytest_plugins = ["tests.fakes.fixtures"]  # the fake DingTalk, WeCom, Lark, HTTP receiver, EAS API

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright's sync API beside live_server

PASSWORD = "correct-horse-42"

SEED_POLICY = SEED_POLICY_DOCUMENT  # the seed's policy (workspace-event-notifications 1.3)


# The tiers (`make test-fast` leaves these out; `make test` runs everything): a test is marked by
# where it lives, so that a new file in one of these folders is in its tier without a line of its own.
MARKERS_BY_PATH = {
    "tests/browser/": "browser",
    "tests/production/": "browser",
    "tests/integration/": "integration",
    # Tests that start processes of their own (workers, web, beat) are integration tests too.
    "tests/notifications/usage/test_concurrent_workers.py": "integration",
    "tests/security/test_round2_keys.py": "integration",
    "tests/security/test_celery_durability.py": "integration",
    "tests/chaos/": "chaos",
    "tests/security/test_api_fuzz.py": "fuzz",
    # The security walks: every endpoint and page against every secret and every hostile input.
    "tests/security/test_secrets.py": "walk",
    "tests/security/test_bad_input.py": "walk",
    "tests/test_api_permissions_walk.py": "walk",
}
ROOT = Path(__file__).resolve().parents[1]


def tier_markers(path: Path) -> list[str]:
    """The tier markers of a test file, from where it lives."""
    relative = path.resolve().relative_to(ROOT).as_posix()
    return [marker for prefix, marker in MARKERS_BY_PATH.items() if relative.startswith(prefix)]


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker in tier_markers(Path(item.fspath)):
            item.add_marker(marker)


# Figures a test wants in the CI log (pytest captures its output): `summary_line("...")`, printed
# after the run by `pytest_terminal_summary`.
SUMMARY_LINES: list[str] = []


def summary_line(text: str) -> None:
    SUMMARY_LINES.append(text)


def pytest_terminal_summary(terminalreporter):
    if SUMMARY_LINES:
        terminalreporter.section("figures")
        for line in SUMMARY_LINES:
            terminalreporter.write_line(line)


@pytest.fixture
def seed_policy_document():
    return SEED_POLICY


@pytest.fixture
def account(db):
    from workspaces.models import Account

    return Account.objects.create(name="acme", uid="1234567890123456")


@pytest.fixture
def other_account(db):
    from workspaces.models import Account

    return Account.objects.create(name="globex", uid="6543210987654321")


def _user(account, username, owner=False):
    from workspaces.models import User

    return User.objects.create_user(
        username=username, password=PASSWORD, account=account, is_account_owner=owner, email=f"{username}@example.com"
    )


@pytest.fixture
def owner(account):
    return _user(account, "alice", owner=True)


@pytest.fixture
def subuser(account, owner):
    return _user(account, "bob")


@pytest.fixture
def seed_subuser(account, owner):
    """A sub-user with the seed's EventBridge policy attached."""
    from workspaces.models import Policy

    user = _user(account, "carol")
    policy = Policy.objects.create(account=account, name="EventBridgeFullAccess", document=SEED_POLICY)
    user.policies.add(policy)
    return user


@pytest.fixture
def outsider(other_account):
    return _user(other_account, "mallory", owner=True)


@pytest.fixture
def workspace(account, owner):
    from workspaces.models import Workspace

    return Workspace.objects.create(account=account, name="ws_demo", created_by=owner)


@pytest.fixture
def activated_workspace(workspace, owner):
    """A workspace whose account has activated EventBridge and granted the service-linked role."""
    from workspaces.models import EventBus, ServiceLinkedRole

    account = workspace.account
    account.eventbridge_activated_at = timezone.now()
    account.save(update_fields=["eventbridge_activated_at"])
    EventBus.objects.create(account=account, workspace=workspace, name=f"pai-system-{workspace.name}")
    ServiceLinkedRole.objects.create(account=account, created_by=owner)
    workspace.refresh_from_db()
    return workspace


def api_client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def owner_api(owner):
    return api_client_for(owner)


@pytest.fixture
def outsider_api(outsider):
    return api_client_for(outsider)


@pytest.fixture
def empty_broker_queues():
    """The project's queues emptied on the test run's broker: nothing left waiting by earlier tests
    (the overdue sweeper leaves a queue that still holds messages alone)."""
    from celery import current_app

    current_app.control.purge()


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture(autouse=True, scope="session")
def _remove_test_broker_file():
    yield
    url = settings.CELERY_BROKER_URL
    if url.startswith("sqla+sqlite:///") and "test-broker-" in url:
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqla+sqlite:///") + suffix).unlink(missing_ok=True)
