"""What a reader needs on the page (issue 17, point 7): why an event was not published, in its row
and on its page; the event's page in tabs; the audit log's changes as before/after values, its
filter without duplicates, ISO dates; dense tables that do not wrap names and dates; one breadcrumb
style; navigation showing only what the user may open, and no forms a read-only user could not
submit; one rules page; links in messages on the console's real port."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from notifications.models import Event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_BUS = "EventBridge is not activated: the workspace has no event bus"


def test_the_event_log_row_and_the_event_page_say_why_an_event_was_not_published(
        page, live_server, login, owner, scene):
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{scene.workspace.pk}/events/")
    row = page.locator(f"[data-testid=event-row]:has(a[href$='/events/{scene.unpublished.pk}/'])")
    expect(row.get_by_test_id("not-published-reason")).to_have_text(NO_BUS)  # on screen, not in a tooltip
    row.locator("a").click()
    expect(page.get_by_test_id("not-published-reason")).to_contain_text(NO_BUS)


def test_the_event_page_has_tabs_with_the_delivery_records_and_their_attempts(
        page, live_server, login, owner, scene):
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{scene.workspace.pk}/events/{scene.event.pk}/")
    tabs = page.get_by_test_id("event-tabs").get_by_role("link")
    expect(tabs).to_have_text(["Basic information", "Event body", "Delivery records (2)"])
    expect(page.get_by_test_id("delivery-summary")).to_contain_text("1 succeeded")
    expect(page.get_by_test_id("delivery-summary")).to_contain_text("1 dead")
    expect(page.get_by_test_id("event-envelope")).to_have_count(0)  # the JSON is on its own tab
    page.get_by_test_id("tab-deliveries").click()
    page.wait_for_url("**?tab=deliveries")
    statuses = page.get_by_test_id("delivery-status")
    expect(statuses).to_have_count(2)
    assert sorted(statuses.all_inner_texts()) == ["Dead", "Succeeded"]
    expect(page.locator("[data-testid=attempts][open] [data-testid=attempt-row]").first).to_be_visible()  # dead: open
    expect(page.get_by_test_id("deliveries")).to_contain_text("310000")
    expect(page.get_by_test_id("deliveries")).not_to_contain_text("DingTalk · DingTalk notification")
    page.get_by_test_id("tab-body").click()
    expect(page.get_by_test_id("event-envelope")).to_contain_text('"type": "pai:DLC:JobFailed"')


def test_the_audit_log_reads_as_before_and_after_filters_without_duplicates_and_takes_iso_dates(
        page, live_server, login, owner, scene):
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/account/audit/")
    options = page.get_by_test_id("filter-object-type").locator("option").all_inner_texts()
    assert len(options) == len(set(options)) and "rule" in options
    changes = page.get_by_test_id("audit-table").inner_text()
    assert "['" not in changes and "{'" not in changes and "True" not in changes, changes[:600]
    expect(page.get_by_test_id("audit-change").first).to_be_visible()
    since = page.get_by_test_id("filter-since")
    expect(since).to_have_attribute("type", "text")
    expect(since).to_have_attribute("placeholder", "YYYY-MM-DD HH:MM")
    since.fill("2000-01-01 00:00")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**since=2000-01-01*")
    expect(page.get_by_test_id("audit-row").first).to_be_visible()


def test_dense_tables_keep_names_and_dates_on_one_line(page, live_server, login, owner, scene):
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{scene.workspace.pk}/configuration/event-notifications/")
    row = page.get_by_test_id("rule-row").filter(has_text="dlc-failures")
    lines = "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; }"
    assert row.locator("td").nth(0).evaluate(lines) == 1  # the rule name
    assert row.locator("td").nth(5).evaluate(lines) == 1  # created
    tops = row.locator("td").nth(6).evaluate(
        "e => [...e.querySelectorAll('a, button')].map(x => x.getBoundingClientRect().top)")
    assert max(tops) - min(tops) < 8, tops  # Edit, Disable and Delete side by side, not stacked
    expect(row.get_by_test_id("targets-summary")).to_contain_text("2 targets")  # not two full URLs
    page.goto(f"{live_server.url}/workspaces/{scene.workspace.pk}/events/{scene.event.pk}/?tab=deliveries")
    started = page.get_by_test_id("attempt-row").first.locator("td").nth(1)
    assert started.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"


def test_one_breadcrumb_style_rooted_at_workspaces_or_account(page, live_server, login, owner, scene):
    login(page, live_server, owner)
    ws = f"/workspaces/{scene.workspace.pk}"
    for path, root in ((f"{ws}/", "Workspaces"), (f"{ws}/configuration/event-notifications/", "Workspaces"),
                       (f"{ws}/events/", "Workspaces"), (f"{ws}/models/{scene.model.pk}/", "Workspaces"),
                       ("/account/contacts/", "Account"), ("/account/quotas/", "Account"),
                       ("/account/usage/", "Account"), ("/account/audit/", "Account"),
                       ("/account/tokens/", "Account")):
        page.goto(live_server.url + path)
        items = page.locator("ol.breadcrumb > li")
        assert items.first.inner_text() == root, path
        expect(items.last).to_have_attribute("aria-current", "page")
        separators = items.evaluate_all("items => items.slice(1).map(i => getComputedStyle(i, '::before').content)")
        assert set(separators) <= {'">" / ""', '">"'}, (path, separators)


def test_the_navigation_shows_only_what_the_user_may_open(page, live_server, login, account, owner, workspace):
    from django.contrib.auth import get_user_model

    from workspaces.models import Policy

    developer = get_user_model().objects.create_user(username="developer", password="correct-horse-42",
                                                     account=account)
    developer.policies.add(Policy.objects.create(account=account, name="PAIWorkspaceReadOnly", document={
        "Version": "1", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
            "pai:ListWorkspaces", "pai:GetWorkspace", "paimodel:List*", "eas:List*", "paidlc:List*",
            "paidsw:List*", "paiflow:List*", "eventbridge:QueryEvent"]}]}))
    login(page, live_server, developer)
    page.goto(f"{live_server.url}/workspaces/{workspace.pk}/")
    nav = page.get_by_test_id("sidenav")
    expect(nav).to_contain_text("Models")
    expect(nav).to_contain_text("Event Log")
    for refused in ("Message Receiving Settings", "Quotas", "Usage and Billing", "Users and Policies", "Audit Log"):
        expect(nav).not_to_contain_text(refused)
    expect(nav).to_contain_text("API Tokens")


def test_an_operator_without_an_account_sees_no_account_pages(page, live_server, login, db):
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.create_superuser(username="operator", password="correct-horse-42",
                                                         email="operator@example.com")
    login(page, live_server, operator)
    nav = page.get_by_test_id("sidenav")
    expect(nav.get_by_role("link")).to_have_text(["Workspaces", "API Tokens"])


def test_a_read_only_user_sees_no_forms_it_cannot_submit(page, live_server, login, account, owner, scene):
    from django.contrib.auth import get_user_model

    from workspaces.models import Policy

    reader = get_user_model().objects.create_user(username="reader", password="correct-horse-42", account=account)
    reader.policies.add(Policy.objects.create(account=account, name="read", document={
        "Version": "1", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
            "pai:*", "paimodel:List*", "eas:List*", "paidlc:List*", "paidsw:List*", "paiflow:List*"]}]}))
    login(page, live_server, reader)
    ws = f"{live_server.url}/workspaces/{scene.workspace.pk}"
    page.goto(f"{ws}/models/{scene.model.pk}/")
    expect(page.get_by_test_id("open-add-version")).to_have_count(0)
    expect(page.get_by_test_id("version-approved")).to_have_count(0)
    page.goto(f"{ws}/dlc-jobs/")
    expect(page.get_by_test_id("open-create-job")).to_have_count(0)
    page.goto(f"{ws}/dlc-jobs/{scene.dlc_job.pk}/")
    expect(page.locator("main form")).to_have_count(0)
    expect(page.get_by_test_id("read-only")).to_contain_text("paidlc:UpdateJob")
    for path in ("eas-services/", "dsw-instances/", "flow-tasks/", "models/"):
        page.goto(f"{ws}/{path}")
        expect(page.locator("main form")).to_have_count(0)


def test_the_rules_page_and_the_configuration_tab_are_one_page(page, live_server, login, owner, scene):
    login(page, live_server, owner)
    tab = f"/workspaces/{scene.workspace.pk}/configuration/event-notifications/"
    page.goto(f"{live_server.url}/workspaces/{scene.workspace.pk}/rules/")
    page.wait_for_url(f"**{tab}")
    expect(page.get_by_test_id("tab-configuration")).to_have_attribute("aria-current", "page")
    # Create Notice Rule opened in a new tab (its href) is the same page with the drawer open.
    page.goto(f"{live_server.url}/workspaces/{scene.workspace.pk}/rules/new/")
    expect(page.get_by_test_id("rule-drawer")).to_be_visible()
    expect(page.get_by_test_id("tab-configuration")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("rules-table")).to_be_attached()


def test_links_in_messages_use_the_port_the_console_runs_on():
    root = Path(__file__).resolve().parents[2]
    env = {key: value for key, value in os.environ.items() if key not in ("CONSOLE_BASE_URL", "PORT")}
    code = "from django.conf import settings; print(settings.CONSOLE_BASE_URL)"

    def base_url(**extra):
        out = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=root,
                             env={**env, "DJANGO_SETTINGS_MODULE": "console.settings", **extra},
                             capture_output=True, text=True, check=True)
        return out.stdout.strip().splitlines()[-1]

    assert base_url(PORT="8102") == "http://127.0.0.1:8102"
    assert base_url() == "http://127.0.0.1:8000"
    assert base_url(PORT="8102", CONSOLE_BASE_URL="https://pai.example.com/") == "https://pai.example.com"


def test_an_event_carries_a_link_on_the_consoles_port(settings, owner, activated_workspace):
    from workspaces.pai_resources.services.dlc import dlc_job_create, dlc_job_set_status

    settings.CONSOLE_BASE_URL = "http://127.0.0.1:8102"
    job = dlc_job_create(workspace=activated_workspace, name="train", actor=owner)
    dlc_job_set_status(job=job, status="Queuing", actor=owner)
    event = Event.objects.filter(workspace=activated_workspace).latest("pk")
    assert event.envelope["data"]["consoleUrl"].startswith(f"http://127.0.0.1:8102/workspaces/{activated_workspace.pk}/")
