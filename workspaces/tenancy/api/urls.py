"""API routes of tenancy: workspaces, EventBridge status and activation, the service-linked role,
event buses (under /api/v1/)."""

from django.urls import path

from workspaces.tenancy.api import eventbridge, workspaces

urlpatterns = [
    path("workspaces/", workspaces.WorkspaceListCreateView.as_view(), name="api-workspace-list"),
    # <str:...>: a malformed id reaches the view and gets the JSON 404, not Django's HTML one.
    path("workspaces/<str:workspace_id>/", workspaces.WorkspaceDetailView.as_view(), name="api-workspace-detail"),
    path("eventbridge/", eventbridge.EventBridgeView.as_view(), name="api-eventbridge"),
    path("eventbridge/activate/", eventbridge.EventBridgeActivateView.as_view(), name="api-eventbridge-activate"),
    path("service-linked-role/", eventbridge.ServiceLinkedRoleView.as_view(), name="api-service-linked-role"),
    path("event-buses/", eventbridge.EventBusListView.as_view(), name="api-event-bus-list"),
]
