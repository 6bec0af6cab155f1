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


# --- Accessibility, measured with axe-core (axe-playwright-python) -------------------------------
# Every page a test checks is recorded here; the terminal summary (shown by pytest without -s, so in
# CI's log) prints how many pages were checked and the violations by impact.
AXE_RESULTS: list[dict] = []
AXE_BLOCKING = ("critical", "serious")


@pytest.fixture
def axe_check():
    """`axe_check(page, name)`: run axe-core on the page as it is now, record the result, and fail
    on any serious or critical violation (naming the rule, its help and the elements)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, name: str) -> dict:
        response = axe.run(page, options={"resultTypes": ["violations"],
                                          "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                                "wcag21aa", "best-practice"]}}).response
        violations = response["violations"]
        AXE_RESULTS.append({"name": name, "url": page.url, "violations": violations})
        blocking = [v for v in violations if v["impact"] in AXE_BLOCKING]
        assert not blocking, f"{name}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in blocking)
        return response

    return check


def pytest_terminal_summary(terminalreporter):
    if not AXE_RESULTS:
        return
    impacts = {"critical": 0, "serious": 0, "moderate": 0, "minor": 0}
    rules: dict[str, int] = {}
    for result in AXE_RESULTS:
        for violation in result["violations"]:
            impact = violation["impact"] or "minor"
            impacts[impact] = impacts.get(impact, 0) + 1
            key = f"{violation['id']} ({impact})"
            rules[key] = rules.get(key, 0) + 1
    pages = len({result["name"] for result in AXE_RESULTS})
    terminalreporter.section("axe-core accessibility summary")
    terminalreporter.write_line(f"axe-core: {pages} console pages and states checked ({len(AXE_RESULTS)} runs); "
                                "violations by impact: " + ", ".join(f"{k} {v}" for k, v in impacts.items()))
    for rule, count in sorted(rules.items()):
        terminalreporter.write_line(f"  {rule}: on {count} page{'s' if count != 1 else ''}")


@pytest.fixture
def phone(browser):
    """A page the size of a phone (390 x 844, touch), as the issue asks every page to work at."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="en-US")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def scene(owner, workspace, fake_dingtalk):
    """A console with something on every page: see tests.browser.helpers.console_scene."""
    from .helpers import DINGTALK_KEY, console_scene

    good = fake_dingtalk.add_bot(secret=DINGTALK_KEY)
    refusing = fake_dingtalk.add_bot(secret="SEC" + "f" * 64)
    return console_scene(owner=owner, workspace=workspace, good_bot=good, refusing_bot=refusing,
                         dingtalk=fake_dingtalk)
