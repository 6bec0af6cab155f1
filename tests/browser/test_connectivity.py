"""Test Connectivity in a real browser against the fake DingTalk robot: the right signing key gets the
bot's success, a wrong one its own 310000 refusal."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SIGNING_KEY = "SEC0123456789abcdef0123456789abcdef0123456789abcdef"


def test_test_connectivity_shows_the_bots_success_and_its_refusal(
        page, live_server, login, screenshot, owner, activated_workspace, fake_dingtalk):
    bot = fake_dingtalk.add_bot(secret=SIGNING_KEY)
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{activated_workspace.pk}/configuration/event-notifications/")
    page.get_by_test_id("create-notice-rule").click()
    drawer = page.get_by_test_id("rule-drawer")
    drawer.get_by_label("Webhook").fill(bot.webhook)
    drawer.get_by_label("Signing Key").fill(SIGNING_KEY)
    drawer.get_by_test_id("test-connectivity").click()
    result = drawer.get_by_test_id("connectivity-result")
    expect(result).to_have_attribute("data-ok", "true")
    expect(result).to_contain_text("Test message sent")
    assert len(fake_dingtalk.messages_for(bot)) == 1
    screenshot(page, "success")

    drawer.get_by_label("Signing Key").fill("SECthisIsNotTheRobotsKey0123456789")
    drawer.get_by_test_id("test-connectivity").click()
    expect(result).to_have_attribute("data-ok", "false")
    expect(result).to_contain_text("310000")
    expect(result).to_contain_text("sign not match")
    screenshot(page, "refused")
