"""The README's tour, shot from the console as it is (issue 17, point 8).

Runs with the other browser tests and checks what each picture must show; the pictures go to
test-artifacts/tour/. `make screenshots` (TOUR_SCREENSHOTS=1) writes them to docs/screenshots/
instead, which is how the README's pictures are re-shot after a change to the console."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .helpers import DINGTALK_KEY, console_scene, htmx_idle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def shots_dir():
    target = DOCS if os.environ.get("TOUR_SCREENSHOTS") == "1" else ROOT / "test-artifacts" / "tour"
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def demo(db):
    """The names `make run`'s demo uses: account demo, owner, workspace llm_training."""
    from tests.conftest import PASSWORD
    from workspaces.models import Account, User, Workspace

    account = Account.objects.create(name="demo", uid="1234567890123456")
    owner = User.objects.create_user(username="owner", password=PASSWORD, account=account, is_account_owner=True,
                                     email="owner@example.com")
    workspace = Workspace.objects.create(account=account, name="llm_training", created_by=owner,
                                         description="Fine-tuning and evaluating large language models")
    return owner, workspace


def test_the_readme_tour(browser, live_server, login, demo, fake_dingtalk, shots_dir):
    owner, workspace = demo
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    login(page, live_server, owner)
    tab = f"{live_server.url}/workspaces/{workspace.pk}/configuration/event-notifications/"

    page.goto(tab)
    expect(page.get_by_test_id("service-not-enable")).to_contain_text("ServiceNotEnable")
    page.screenshot(path=str(shots_dir / "1-service-not-enable.png"))

    good = fake_dingtalk.add_bot(secret=DINGTALK_KEY)
    refusing = fake_dingtalk.add_bot(secret="SEC" + "f" * 64)
    scene = console_scene(owner=owner, workspace=workspace, good_bot=good, refusing_bot=refusing,
                          dingtalk=fake_dingtalk)
    page.goto(tab)
    expect(page.get_by_test_id("rule-row")).to_have_count(2)
    page.screenshot(path=str(shots_dir / "2-rules-table.png"))

    page.get_by_test_id("create-notice-rule").click()
    drawer = page.get_by_test_id("rule-drawer")
    drawer.get_by_test_id("event-source").select_option(label="DLC job")
    htmx_idle(page)
    drawer.get_by_test_id("rule-name").fill("dlc-timeouts")
    drawer.get_by_label("Job Timeout").check()
    drawer.get_by_label("Webhook").fill("https://oapi.dingtalk.com/robot/send?access_token=4f2a…")
    drawer.get_by_label("Signing Key").fill(DINGTALK_KEY)
    expect(drawer.get_by_test_id("target-units")).to_contain_text("1 / 5")
    page.evaluate("() => { document.activeElement.blur(); document.getElementById('rule-form-body').scrollTop = 0; }")
    page.screenshot(path=str(shots_dir / "3-create-notice-rule.png"))
    page.keyboard.press("Escape")

    page.goto(f"{live_server.url}/workspaces/{workspace.pk}/events/{scene.event.pk}/?tab=deliveries")
    records = page.get_by_test_id("deliveries")
    expect(records.get_by_test_id("delivery-status")).to_have_count(2)
    assert sorted(records.get_by_test_id("delivery-status").all_inner_texts()) == ["Dead", "Succeeded"]
    expect(records).not_to_contain_text("Waiting to be routed")
    for details in records.get_by_test_id("attempts").all():  # every attempt on show
        details.evaluate("d => d.open = true")
    expect(records.get_by_test_id("attempt-row").first).to_be_visible()
    page.screenshot(path=str(shots_dir / "4-event-detail.png"), full_page=True)

    page.goto(f"{live_server.url}/workspaces/{workspace.pk}/models/{scene.model.pk}/")
    page.locator("[data-testid=version-row][data-version='1.1.0']").get_by_test_id("version-approved").click()
    expect(page.get_by_test_id("confirm-approval")).to_contain_text("model-release")
    page.screenshot(path=str(shots_dir / "5-approve-confirmation.png"))
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True, locale="en-US")
    small = phone.new_page()
    login(small, live_server, owner)
    small.goto(tab)
    expect(small.get_by_test_id("nav-toggle")).to_be_visible()
    small.screenshot(path=str(shots_dir / "6-phone.png"))
    phone.close()

    for name in ("1-service-not-enable", "2-rules-table", "3-create-notice-rule", "4-event-detail",
                 "5-approve-confirmation", "6-phone"):
        assert (shots_dir / f"{name}.png").stat().st_size > 10_000
