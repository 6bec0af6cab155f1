from django.urls import path

from notifications.views import events

urlpatterns = [
    path("workspaces/<int:workspace_id>/events/", events.event_log, name="event-log"),
    path("workspaces/<int:workspace_id>/events/<int:event_id>/", events.event_detail, name="event-detail"),
]
