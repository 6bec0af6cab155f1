"""Shared browser fixtures: one Chromium (Debian's, driven by Playwright's sync API) for the session,
a fresh page per test, `login(page, live_server, user)` and `screenshot(page, name)`.

Browser tests are skipped when /usr/bin/chromium is missing (`apt-get install -y chromium`)."""

import re
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--no-first-run", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs ~0.4 s a hash here and the login form checks one. Autouse, so that it is in force
    before any fixture creates a user (a hash made by a hasher no longer listed would not verify)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="en-US")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def login():
    """`login(page, live_server, user)`: sign in through the login form; leaves the page on the
    workspace list. Users made by the shared fixtures have the password tests.conftest.PASSWORD."""

    def sign_in(page, live_server, user, password: str = PASSWORD):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", user.sign_in_name)  # name@alias for a sub-user
        page.fill("#id_password", password)
        page.click("[data-testid=sign-in]")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return sign_in


@pytest.fixture
def screenshot(request):
    """`screenshot(page, name)`: a full-page PNG under test-artifacts/screenshots/, named after the
    test and `name`; returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{prefix}--{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
