from django.urls import path

from notifications.api.events import EventDetailView, EventListView, PutEventsView

urlpatterns = [
    path("workspaces/<int:workspace_id>/events/", EventListView.as_view(), name="api-event-list"),
    path("workspaces/<int:workspace_id>/events/put/", PutEventsView.as_view(), name="api-put-events"),
    path("workspaces/<int:workspace_id>/events/<int:event_id>/", EventDetailView.as_view(), name="api-event-detail"),
]
