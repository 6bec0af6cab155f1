"""Console routes of the foundation: sign in, workspaces, EventBridge activation, Grant Access and
API tokens."""

from django.urls import path

from workspaces.views import eventbridge, tokens, workspaces
from workspaces.views.auth import LoginView, LogoutView

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("", workspaces.workspace_list, name="workspace-list"),
    path("workspaces/<int:workspace_id>/", workspaces.workspace_detail, name="workspace-detail"),
    path(
        "workspaces/<int:workspace_id>/configuration/event-notifications/",
        eventbridge.event_notifications,
        name="workspace-event-notifications",
    ),
    path(
        "workspaces/<int:workspace_id>/configuration/event-notifications/activate/",
        eventbridge.eventbridge_activate_view,
        name="eventbridge-activate",
    ),
    path(
        "workspaces/<int:workspace_id>/configuration/event-notifications/grant-access/",
        eventbridge.service_role_grant_view,
        name="service-role-grant",
    ),
    path("account/tokens/", tokens.token_page, name="token-page"),
]
