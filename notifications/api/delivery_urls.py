from django.urls import path

from notifications.api.deliveries import DeliveryDetailView, DeliveryListView, DeliveryRedeliverView

urlpatterns = [
    path("workspaces/<int:workspace_id>/deliveries/", DeliveryListView.as_view(), name="api-delivery-list"),
    path("workspaces/<int:workspace_id>/deliveries/<int:delivery_id>/", DeliveryDetailView.as_view(),
         name="api-delivery-detail"),
    path("workspaces/<int:workspace_id>/deliveries/<int:delivery_id>/redeliver/", DeliveryRedeliverView.as_view(),
         name="api-delivery-redeliver"),
]
