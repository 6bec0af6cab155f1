from django.urls import path

from notifications.views.usage import usage_page

urlpatterns = [
    path("account/usage/", usage_page, name="usage-page"),
]
