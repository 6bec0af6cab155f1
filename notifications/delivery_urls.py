from django.urls import path

from notifications.views import deliveries

urlpatterns = [
    path("workspaces/<int:workspace_id>/events/<int:event_id>/deliveries/", deliveries.event_deliveries,
         name="event-deliveries"),
    path("workspaces/<int:workspace_id>/deliveries/<int:delivery_id>/redeliver/", deliveries.delivery_redeliver_view,
         name="delivery-redeliver"),
]
