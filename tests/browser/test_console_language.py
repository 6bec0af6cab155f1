"""The console in Chinese, in a real browser: the user menu's language switch (a server-rendered
form, no script toggle) turns the page (its lang too) and the Create Notice Rule drawer Chinese, and
Preview words its result in the console's language while the message keeps the target's."""

import pytest
from playwright.sync_api import expect

from .helpers import htmx_idle

pytestmark = pytest.mark.browser


def test_the_console_switched_to_chinese_shows_the_drawer_and_preview_in_chinese(page, live_server, login,
                                                                                screenshot, owner,
                                                                                activated_workspace):
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{activated_workspace.pk}/configuration/event-notifications/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("language-select").select_option("zh-hans")
    screenshot(page, "user-menu")
    page.get_by_test_id("language-apply").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="事件通知配置")).to_have_count(0)  # the tab, not a heading
    expect(page.get_by_role("link", name="事件通知配置").first).to_be_visible()
    page.get_by_test_id("create-notice-rule").click()
    drawer = page.get_by_test_id("rule-drawer")
    expect(drawer.locator("label[for=rule-source]")).to_have_text("事件源*")
    drawer.get_by_test_id("event-source").select_option("dlc_job")
    htmx_idle(page)
    drawer.get_by_label("任务失败").check()
    expect(drawer.get_by_test_id("delivery-method")).to_contain_text("钉钉机器人")
    expect(drawer.get_by_text("加签密钥")).to_be_visible()
    drawer.get_by_test_id("message-settings-toggle").click()
    drawer.get_by_label("消息语言").select_option("en-US")
    drawer.get_by_test_id("preview").click()
    result = drawer.get_by_test_id("preview-result")
    expect(result.get_by_test_id("preview-source")).to_contain_text("取自目录中的示例")
    expect(result.get_by_test_id("preview-title")).to_have_text("[Test] Job Failed: nightly-train")
    screenshot(page, "drawer-zh")
    page.reload()  # the choice is remembered (the language cookie)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
