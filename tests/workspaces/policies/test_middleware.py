"""Every refusal of a request is audited once: raised out of the view, or caught by the view to show
its message in place."""

import pytest
from django.http import HttpResponse
from django.urls import include, path

from console.middleware import AccessDeniedMiddleware
from workspaces.iam.permissions import AccessDenied, authorize
from workspaces.models import AuditLogEntry
from workspaces.tenancy.bus import bus_arn


def test_a_refusal_a_view_catches_and_answers_with_403_is_still_audited(rf, subuser, workspace):
    def view(request):
        try:
            authorize(request.user, "eventbridge:ListRules", bus_arn(workspace))
        except AccessDenied as refusal:
            return HttpResponse(str(refusal), status=403)
        return HttpResponse("rules")

    request = rf.get("/workspaces/1/rules/")
    request.user = subuser
    response = AccessDeniedMiddleware(view)(request)
    assert response.status_code == 403 and b"eventbridge:ListRules" in response.content
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


def test_a_refused_change_is_audited_once_though_drawing_the_answer_meets_more_refusals(rf, subuser, workspace):
    def view(request):
        shown = []
        for action in ("eventbridge:CreateRule", "eventbridge:ListRules", "eventbridge:ListEventBuses"):
            try:
                authorize(request.user, action, bus_arn(workspace))
            except AccessDenied as refusal:
                shown.append(str(refusal))
        return HttpResponse("\n".join(shown), status=403)

    request = rf.post("/workspaces/1/rules/new/")
    request.user = subuser
    AccessDeniedMiddleware(view)(request)
    assert list(AuditLogEntry.objects.values_list("changes__action", flat=True)) == [[None, "eventbridge:CreateRule"]]


def test_a_page_that_shows_a_refusal_in_place_is_not_audited_on_every_view(rf, subuser, workspace):
    def view(request):
        try:
            authorize(request.user, "eventbridge:ListRules", bus_arn(workspace))
        except AccessDenied as refusal:
            return HttpResponse(f"rules: {refusal}")
        return HttpResponse("rules")

    request = rf.get("/workspaces/1/configuration/event-notifications/")
    request.user = subuser
    assert AccessDeniedMiddleware(view)(request).status_code == 200
    assert not AuditLogEntry.objects.exists()


def test_requests_without_refusals_write_nothing(rf, owner, workspace):
    def view(request):
        authorize(request.user, "eventbridge:CreateRule", bus_arn(workspace))
        return HttpResponse("ok")

    request = rf.get("/")
    request.user = owner
    assert AccessDeniedMiddleware(view)(request).status_code == 200
    assert not AuditLogEntry.objects.exists()
