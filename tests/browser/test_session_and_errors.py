"""Session and errors (issue 17, point 4): an htmx request after the session ended leads to the
sign-in page with `next` (HX-Redirect), never a page inside the drawer; a failed CSRF check and
404/500 get pages in the console's layout with a way back; the API's 404 and 500 stay JSON."""

import pytest
from django.test import RequestFactory
from playwright.sync_api import expect

from console.views import server_error

from .helpers import htmx_idle

pytestmark = pytest.mark.browser


def drop_cookies(page, *names):
    context = page.context
    kept = [c for c in context.cookies() if c["name"] not in names]
    context.clear_cookies()
    if kept:
        context.add_cookies(kept)


def open_drawer(page, live_server, login, owner, workspace):
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{workspace.pk}/configuration/event-notifications/")
    page.get_by_test_id("create-notice-rule").click()
    expect(page.get_by_test_id("rule-drawer")).to_be_visible()
    htmx_idle(page)


@pytest.mark.parametrize("cookies", [("sessionid",), ("sessionid", "csrftoken")],
                         ids=["session-expired", "session-and-csrf-cookie-gone"])
def test_an_htmx_request_after_the_session_ended_goes_to_sign_in_with_next(
        page, live_server, login, owner, activated_workspace, cookies):
    open_drawer(page, live_server, login, owner, activated_workspace)
    tab = f"/workspaces/{activated_workspace.pk}/configuration/event-notifications/"
    drop_cookies(page, *cookies)
    page.get_by_test_id("event-source").select_option(label="DLC job")
    page.wait_for_url("**/login/?next=*")
    assert page.url.endswith("/login/?next=" + tab.replace("/", "%2F"))
    expect(page.get_by_test_id("rule-drawer")).to_have_count(0)  # a page, not a sign-in inside the drawer
    page.fill("#id_username", owner.username)
    page.fill("#id_password", "correct-horse-42")
    page.click("[data-testid=sign-in]")
    page.wait_for_url(f"**{tab}")  # back where the user was


def test_a_stale_form_gets_a_console_page_that_says_what_happened(page, live_server, login, owner, workspace):
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/account/contacts/new/")
    drop_cookies(page, "csrftoken")
    page.get_by_label("Name").fill("Alice")
    page.get_by_role("button", name="OK").click()
    error = page.get_by_test_id("error-page")
    expect(error).to_have_attribute("data-status", "403")
    expect(error).to_contain_text("This form has expired")
    expect(page.locator(".topbar")).to_be_visible()  # the console's layout
    expect(page.get_by_test_id("error-back")).to_have_attribute("href", "/account/contacts/new/")


def test_an_htmx_request_with_a_stale_token_gets_a_toast_not_a_page(page, live_server, login, owner,
                                                                      activated_workspace):
    open_drawer(page, live_server, login, owner, activated_workspace)
    page.evaluate("() => document.body.setAttribute('hx-headers', JSON.stringify({'X-CSRFToken': 'stale'}))")
    drop_cookies(page, "csrftoken")
    page.context.add_cookies([{"name": "csrftoken", "value": "x" * 32, "url": live_server.url}])
    page.get_by_test_id("event-source").select_option(label="DLC job")
    expect(page.get_by_test_id("toast").filter(has_text="security token has expired")).to_be_visible()
    expect(page.get_by_test_id("rule-drawer")).to_be_visible()  # the draft is still there


def test_404_is_a_console_page_with_a_way_back(page, live_server, login, owner, workspace):
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{workspace.pk}/")
    response = page.goto(f"{live_server.url}/workspaces/{workspace.pk}/events/999999/",
                         referer=f"{live_server.url}/workspaces/{workspace.pk}/")  # as a followed link
    assert response.status == 404
    error = page.get_by_test_id("error-page")
    expect(error).to_contain_text("Page not found")
    expect(page.locator(".topbar")).to_be_visible()
    expect(page.get_by_test_id("error-home")).to_have_attribute("href", "/")
    page.get_by_test_id("error-back").click()
    page.wait_for_url(f"**/workspaces/{workspace.pk}/")


def test_the_api_answers_404_in_json(page, live_server, owner):
    response = page.request.get(f"{live_server.url}/api/v1/no-such-thing/")
    assert response.status == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


@pytest.mark.django_db
def test_500_is_a_console_page_for_the_console_and_json_for_the_api():
    factory = RequestFactory()
    page = server_error(factory.get("/workspaces/1/"))
    assert page.status_code == 500 and "The console could not answer" in page.content.decode()
    assert 'data-testid="error-home"' in page.content.decode() and "topbar" in page.content.decode()
    api = server_error(factory.get("/api/v1/workspaces/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    htmx = factory.get("/workspaces/1/", HTTP_HX_REQUEST="true")
    from django_htmx.middleware import HtmxDetails

    htmx.htmx = HtmxDetails(htmx)
    answer = server_error(htmx)
    assert answer.status_code == 500 and answer["HX-Reswap"] == "none" and "console:toast" in answer["HX-Trigger"]
