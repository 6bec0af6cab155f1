"""Message templates in the Create Notice Rule drawer, in a real browser: a template with a variable
saved, a bad variable's field error (its line named), Preview in both languages, and Test
Connectivity delivering the previewed text to the fake DingTalk robot."""

import pytest
from playwright.sync_api import expect

from notifications.models import Target

from .helpers import htmx_idle

pytestmark = pytest.mark.browser

SIGNING_KEY = "SEC0123456789abcdef0123456789abcdef0123456789abcdef"


def _open_drawer(page, live_server, login, owner, workspace, webhook="https://oapi.dingtalk.com/robot/send?"
                                                                       "access_token=abc123"):
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{workspace.pk}/configuration/event-notifications/")
    page.get_by_test_id("create-notice-rule").click()
    drawer = page.get_by_test_id("rule-drawer")
    drawer.get_by_test_id("event-source").select_option("dlc_job")
    htmx_idle(page)
    drawer.get_by_test_id("rule-name").fill("job-failures")
    drawer.get_by_label("Job Failed").check()
    drawer.get_by_label("Webhook").fill(webhook)
    drawer.get_by_label("Signing Key").fill(SIGNING_KEY)
    drawer.get_by_test_id("message-settings-toggle").click()
    return drawer


def test_a_template_with_a_variable_is_saved_with_its_target(page, live_server, login, screenshot, owner,
                                                              activated_workspace):
    drawer = _open_drawer(page, live_server, login, owner, activated_workspace)
    drawer.get_by_test_id("template-variables").locator("summary").click()
    variables = drawer.get_by_test_id("template-variable")
    expect(variables.filter(has_text="${failure.reason}")).to_contain_text("Why it failed")
    drawer.get_by_label("Title template").fill("${resource.name} failed")
    drawer.get_by_label("Body template").fill("**${resource.name}**\nReason: ${failure.reason}")
    screenshot(page, "template")
    drawer.get_by_test_id("rule-ok").click()
    expect(page.get_by_test_id("rule-drawer")).to_have_count(0)
    target = Target.objects.get(rule__name="job-failures")
    assert (target.title_template, target.body_template) == ("${resource.name} failed",
                                                             "**${resource.name}**\nReason: ${failure.reason}")


def test_a_bad_variable_is_a_field_error_naming_its_line(page, live_server, login, screenshot, owner,
                                                          activated_workspace):
    drawer = _open_drawer(page, live_server, login, owner, activated_workspace)
    drawer.get_by_label("Body template").fill("Job ${resource.name}\nModel ${model.version}")
    drawer.get_by_test_id("rule-ok").click()
    error = drawer.get_by_test_id("field-body_template").get_by_test_id("template-error")
    expect(drawer.get_by_test_id("message-settings")).to_have_attribute("open", "")  # opened on its error
    expect(error).to_contain_text("Line 2: unknown variable ${model.version}.")
    expect(drawer.get_by_test_id("rule-errors")).to_contain_text("Body template: Line 2: unknown variable")
    expect(drawer.get_by_label("Body template")).to_have_value("Job ${resource.name}\nModel ${model.version}")
    screenshot(page, "bad-variable")
    assert not Target.objects.exists()


def test_preview_shows_the_message_in_both_languages(page, live_server, login, screenshot, owner,
                                                     activated_workspace, axe_check):
    drawer = _open_drawer(page, live_server, login, owner, activated_workspace)
    drawer.get_by_label("Message language").select_option("zh-CN")
    drawer.get_by_test_id("preview").click()
    result = drawer.get_by_test_id("preview-result")
    expect(result).to_have_attribute("data-language", "zh-CN")
    expect(result.get_by_test_id("preview-title")).to_have_text("[测试] 任务失败：nightly-train")
    expect(result.get_by_test_id("preview-text")).to_contain_text("- **工作空间**：")
    screenshot(page, "preview-zh")
    drawer.get_by_label("Message language").select_option("en-US")
    drawer.get_by_test_id("preview").click()
    expect(result).to_have_attribute("data-language", "en-US")
    expect(result.get_by_test_id("preview-title")).to_have_text("[Test] Job Failed: nightly-train")
    expect(result.get_by_test_id("preview-text")).to_contain_text("- **Workspace**: ")
    expect(result.get_by_test_id("preview-source")).to_contain_text("from the catalog's example")
    screenshot(page, "preview-en")
    drawer.get_by_test_id("template-variables").locator("summary").click()
    axe_check(page, "rule drawer: message settings, variables and a preview")


def test_test_connectivity_delivers_the_previewed_text_to_the_bot(page, live_server, login, screenshot, owner,
                                                                  activated_workspace, fake_dingtalk):
    bot = fake_dingtalk.add_bot(secret=SIGNING_KEY)
    drawer = _open_drawer(page, live_server, login, owner, activated_workspace, webhook=bot.webhook)
    drawer.get_by_label("Body template").fill("#### ${event.label}\n**${resource.name}**: ${failure.reason}")
    drawer.get_by_test_id("preview").click()
    previewed = drawer.get_by_test_id("preview-text")
    expect(previewed).to_contain_text("**nightly-train**: OOMKilled")
    drawer.get_by_test_id("test-connectivity").click()
    expect(drawer.get_by_test_id("connectivity-result")).to_have_attribute("data-ok", "true")
    [message] = fake_dingtalk.messages_for(bot)
    assert message.json["markdown"]["text"] == previewed.text_content()
    assert message.json["markdown"]["title"] == drawer.get_by_test_id("preview-title").text_content()
    screenshot(page, "tested")
