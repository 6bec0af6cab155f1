"""The console's answers when something stands in the way (issue 17, point 4), without a browser:
the 403 page's way back, an ended session under htmx, the API's errors in JSON."""

from django.urls import reverse

HX = {"HTTP_HX_REQUEST": "true"}


def test_the_403_page_leads_back_to_the_page_the_user_came_from(client, subuser, workspace):
    client.force_login(subuser)
    came_from = f"http://testserver/workspaces/{workspace.pk}/"
    page = client.get(reverse("contact-list"), HTTP_REFERER=came_from)
    assert page.status_code == 403
    html = page.content.decode()
    assert f'href="/workspaces/{workspace.pk}/" class="btn" data-testid="error-back"' in html
    assert "Go to Workspaces" in html
    elsewhere = client.get(reverse("contact-list"), HTTP_REFERER="https://evil.example/").content.decode()
    assert 'data-testid="error-back"' not in elsewhere  # only our own pages


def test_an_htmx_request_without_a_session_gets_hx_redirect_to_sign_in_with_the_page_as_next(client, workspace):
    answer = client.post(reverse("rule-form-refresh", kwargs={"workspace_id": workspace.pk}), {"source": "dlc_job"},
                         HTTP_HX_CURRENT_URL=f"http://testserver/workspaces/{workspace.pk}/configuration/"
                                             "event-notifications/?x=1", **HX)
    assert answer.status_code == 200 and not answer.content
    assert answer["HX-Redirect"] == (f"/login/?next=%2Fworkspaces%2F{workspace.pk}%2Fconfiguration%2F"
                                     "event-notifications%2F%3Fx%3D1")


def test_a_page_without_a_session_still_redirects_as_django_does(client, workspace):
    answer = client.get(reverse("workspace-detail", kwargs={"workspace_id": workspace.pk}))
    assert answer.status_code == 302 and answer["Location"] == f"/login/?next=/workspaces/{workspace.pk}/"


def test_the_api_keeps_its_json_errors(client, owner):
    client.force_login(owner)
    missing = client.get("/api/v1/no-such-thing/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    console = client.get("/no-such-page/")
    assert console.status_code == 404 and 'data-testid="error-page"' in console.content.decode()
