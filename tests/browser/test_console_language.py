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


def test_the_account_pages_and_the_workspace_list_are_chinese_after_the_switch(page, live_server, login, screenshot,
                                                                               owner, workspace):
    login(page, live_server, owner)  # lands on the workspace list
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("language-select").select_option("zh-hans")
    page.get_by_test_id("language-apply").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    expect(page.get_by_role("heading", level=1)).to_have_text("工作空间列表")
    expect(page.get_by_test_id("open-create-workspace")).to_have_text("创建工作空间")
    expect(page.get_by_test_id("workspace-table").locator("thead")).to_contain_text("工作空间名称")
    page.get_by_test_id("open-create-workspace").click()
    dialog = page.get_by_test_id("create-workspace-dialog")
    expect(dialog.get_by_role("heading")).to_have_text("创建工作空间")
    expect(dialog.get_by_role("button", name="取消")).to_be_visible()
    screenshot(page, "workspaces-zh")

    page.goto(f"{live_server.url}/account/contacts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("消息接收管理")
    expect(page.get_by_test_id("contacts-empty")).to_contain_text("暂无联系人")
    page.get_by_test_id("create-contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建联系人")
    page.get_by_label("姓名").fill("Wang Fang")
    page.get_by_label("手机号码").fill("+8613812345678")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("toast")).to_contain_text("联系人 Wang Fang 已创建。")
    expect(page.get_by_test_id("contact-row")).to_contain_text("Wang Fang")
    expect(page.get_by_test_id("contacts-table").locator("thead")).to_contain_text("被引用的目标数")
    screenshot(page, "contacts-zh")

    page.goto(f"{live_server.url}/account/quotas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("配额")
    expect(page.get_by_role("heading", name="申请提升配额")).to_be_visible()
    expect(page.get_by_test_id("quota-limit")).to_contain_text("每条规则")
    expect(page.get_by_role("button", name="提交申请")).to_be_visible()
    expect(page.get_by_text("暂无申请。")).to_be_visible()

    page.goto(f"{live_server.url}/account/usage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("用量与账单")
    expect(page.locator("label[for=usage-month]")).to_have_text("账单月份")
    expect(page.get_by_text("本月至今已发送")).to_be_visible()
    expect(page.get_by_role("button", name="查询")).to_be_visible()
    expect(page.get_by_test_id("usage-help")).to_contain_text("测试连通性发送的消息不计入。")
    screenshot(page, "usage-zh")
