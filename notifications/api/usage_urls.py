from django.urls import path

from notifications.api.usage import UsageMonthsView, UsageMonthView

urlpatterns = [
    path("usage/", UsageMonthView.as_view(), name="api-usage"),
    path("usage/months/", UsageMonthsView.as_view(), name="api-usage-months"),
]
