"""Permissions in a real browser: a sub-user whose policy denies eventbridge:CreateRule is offered no
Create Notice Rule button, a forged POST to the rule-create endpoint is refused with 403, and the
refusal shows in the Audit Log. The policy editor validates with HTMX and shows the error's place."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from notifications.catalog import get_source
from notifications.models import Rule
from workspaces.iam.services.users import subuser_create
from workspaces.models import Policy, User

pytestmark = pytest.mark.browser

# Everything, except creating rules: the Deny wins over the Allow.
NO_CREATE_RULE = {"Version": "1", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Effect": "Deny", "Action": "eventbridge:CreateRule", "Resource": "acs:eventbridge:*:*:eventbus/*"},
]}

FORGED_POST = """async ([url, body]) => {
  const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const answer = await fetch(url, {method: "POST", body: new URLSearchParams(body),
                                   headers: {"X-CSRFToken": token}});
  return answer.status;
}"""


@pytest.fixture
def no_create_rule_user(account, owner):
    from tests.conftest import PASSWORD

    user = subuser_create(actor=owner, account=account, username="dana", password=PASSWORD)
    user.policies.add(Policy.objects.create(account=account, name="no-create-rule", document=NO_CREATE_RULE))
    return user


def _failed_job_type() -> str:
    return next(t.key for t in get_source("dlc_job").event_types if t.key.endswith("Failed"))


def _config_url(live_server, workspace) -> str:
    return live_server.url + reverse("workspace-event-notifications", kwargs={"workspace_id": workspace.pk})


def test_a_sub_user_without_create_rule_sees_no_create_button_and_a_forged_post_is_refused_and_audited(
        page, live_server, login, screenshot, no_create_rule_user, activated_workspace):
    login(page, live_server, no_create_rule_user)
    page.goto(_config_url(live_server, activated_workspace))
    expect(page.get_by_test_id("rules-table")).to_be_visible()  # the sub-user may list rules
    create = page.get_by_test_id("create-notice-rule")
    expect(page.locator("a[data-testid=create-notice-rule]")).to_have_count(0)
    if create.count():
        expect(create).to_be_disabled()
    screenshot(page, "no-create-rule-button")

    url = reverse("rule-create", kwargs={"workspace_id": activated_workspace.pk})
    body = {"name": "forged-rule", "source": "dlc_job", "event_types": _failed_job_type(), "scope": "all",
            "target_keys": "0", "t0-method": "dingtalk",
            "t0-webhook": "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef",
            "t0-signing_secret": "SEC0123456789abcdef0123456789abcdef0123456789abcdef"}
    assert page.evaluate(FORGED_POST, [url, body]) == 403
    assert not Rule.objects.filter(name="forged-rule").exists()

    page.goto(live_server.url + reverse("audit-log") + "?user=dana")
    refusal = page.locator("[data-testid=audit-row][data-action='access.denied']")
    expect(refusal).to_have_count(1)
    expect(refusal).to_contain_text("eventbridge:CreateRule")
    expect(refusal).to_contain_text(f"POST {url}")
    screenshot(page, "audit-log-refusal")


def test_the_seed_policy_offers_the_create_button(page, live_server, login, seed_subuser, activated_workspace):
    login(page, live_server, seed_subuser)
    page.goto(_config_url(live_server, activated_workspace))
    expect(page.locator("a[data-testid=create-notice-rule]")).to_be_visible()


def test_the_policy_editor_validates_in_place_and_saves(page, live_server, login, screenshot, owner, subuser):
    login(page, live_server, owner)
    page.goto(live_server.url + reverse("policy-create"))
    document = page.get_by_test_id("policy-document")
    expect(document).to_contain_text("eventbridge:CreateRule")  # the seed's policy as a template
    url = page.url
    document.fill('{"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["eventbridge:CreateRulez"], '
                  '"Resource": "acs:eventbridge:*:*:eventbus/*"}]}')
    page.get_by_test_id("validate-policy").click()
    expect(page.get_by_test_id("problem-place")).to_have_text("Statement[0].Action[0]")
    expect(page.get_by_test_id("policy-invalid")).to_contain_text('unknown action "eventbridge:CreateRulez"')
    screenshot(page, "policy-invalid")
    assert page.url == url  # validated by HTMX, no page load
    document.fill('{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "eventbridge:List*", '
                  '"Resource": "*"}]}')
    page.get_by_test_id("validate-policy").click()
    expect(page.get_by_test_id("policy-valid")).to_be_visible()
    page.get_by_test_id("policy-name").fill("list-only")
    page.get_by_test_id("save-policy").click()
    page.wait_for_url(lambda current: "/account/policies/" in current and current != url)
    assert Policy.objects.get(name="list-only").document["Statement"][0]["Action"] == "eventbridge:List*"

    page.goto(live_server.url + reverse("user-list"))
    page.get_by_test_id("attach-select-bob").select_option(label="list-only")
    page.get_by_test_id("attach-bob").click()
    expect(page.get_by_test_id("user-row-bob").get_by_test_id("attached-list-only")).to_be_visible()
    assert list(User.objects.get(username="bob").policies.values_list("name", flat=True)) == ["list-only"]
    screenshot(page, "policy-attached")
