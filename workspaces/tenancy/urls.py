"""Console routes of tenancy: workspaces, EventBridge activation and Grant Access."""

from django.urls import path

from workspaces.tenancy.views import eventbridge, workspaces

urlpatterns = [
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
]
