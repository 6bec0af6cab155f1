"""Every refusal of a request is audited once: raised out of the view, or caught by the view to show
its message in place."""

import pytest
from django.http import HttpResponse
from django.urls import include, path

from console.middleware import AccessDeniedMiddleware
from workspaces.models import AuditLogEntry
from workspaces.permissions import AccessDenied, authorize, bus_arn


def test_a_refusal_a_view_catches_is_still_audited(rf, subuser, workspace):
    def view(request):
        try:
            authorize(request.user, "eventbridge:ListRules", bus_arn(workspace))
        except AccessDenied as refusal:
            return HttpResponse(str(refusal))
        return HttpResponse("rules")

    request = rf.get("/workspaces/1/rules/")
    request.user = subuser
    response = AccessDeniedMiddleware(view)(request)
    assert response.status_code == 200 and b"eventbridge:ListRules" in response.content
    entry = AuditLogEntry.objects.get(action="access.denied")
    assert entry.resource == bus_arn(workspace) and entry.changes["request"] == [None, "GET /workspaces/1/rules/"]


def _caught_and_raised_again(request):
    from workspaces.models import Workspace

    workspace = Workspace.objects.get()
    try:
        authorize(request.user, "eventbridge:CreateRule", bus_arn(workspace))
    except AccessDenied as refusal:
        raise AccessDenied(refusal.action, refusal.resource) from refusal
    return HttpResponse("created")


urlpatterns = [path("caught-and-raised-again/", _caught_and_raised_again), path("", include("console.urls"))]


@pytest.mark.urls(__name__)
def test_a_refusal_caught_and_raised_again_is_audited_once_and_shown_as_a_403_page(client, subuser, workspace):
    client.force_login(subuser)
    response = client.post("/caught-and-raised-again/")
    assert response.status_code == 403
    assert b'data-testid="denied-action">eventbridge:CreateRule<' in response.content
    assert AuditLogEntry.objects.filter(action="access.denied").count() == 1


def test_requests_without_refusals_write_nothing(rf, owner, workspace):
    def view(request):
        authorize(request.user, "eventbridge:CreateRule", bus_arn(workspace))
        return HttpResponse("ok")

    request = rf.get("/")
    request.user = owner
    assert AccessDeniedMiddleware(view)(request).status_code == 200
    assert not AuditLogEntry.objects.exists()
