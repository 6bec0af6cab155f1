from django.urls import path

from notifications.views import events, replays

urlpatterns = [
    path("workspaces/<int:workspace_id>/events/", events.event_log, name="event-log"),
    path("workspaces/<int:workspace_id>/events/<int:event_id>/", events.event_detail, name="event-detail"),
    path("workspaces/<int:workspace_id>/replays/", replays.replay_page, name="replay-page"),
    path("workspaces/<int:workspace_id>/replays/<int:replay_id>/", replays.replay_row, name="replay-row"),
    path("workspaces/<int:workspace_id>/replays/<int:replay_id>/cancel/", replays.replay_cancel_view,
         name="replay-cancel"),
]
