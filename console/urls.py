from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from console.api_docs import RedocDocsView, SwaggerDocsView
from console.system import system_view  # the admin's System page (production)

# One module of routes per sub-domain; each owns its own paths and names.
CONSOLE_ROUTES = [
    "workspaces.tenancy.urls",  # workspaces, EventBridge activation, the service-linked role
    "workspaces.pai_resources.urls",  # models and versions, EAS, DLC, DSW, Designer flow tasks
    "workspaces.iam.urls",  # sign in, users, RAM policies, audit log, API tokens
    "notifications.event_urls",  # event log, event detail
    "notifications.rule_urls",  # notice rules and targets, Test Connectivity, contacts, quotas
    "notifications.delivery_urls",  # deliveries, redeliver
    "notifications.usage_urls",  # usage and billing
]
API_ROUTES = [
    "workspaces.tenancy.api.urls",
    "workspaces.pai_resources.api.urls",
    "workspaces.iam.api.urls",
    "notifications.api.event_urls",
    "notifications.api.rule_urls",
    "notifications.api.delivery_urls",
    "notifications.api.usage_urls",
]

urlpatterns = [
    path("admin/system/", admin.site.admin_view(system_view), name="admin-system"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the user menu's language switch (POST)
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", RedocDocsView.as_view(url_name="api-schema"), name="api-redoc"),
    *[path("api/v1/", include(module)) for module in API_ROUTES],
    *[path("", include(module)) for module in CONSOLE_ROUTES],
]

handler404 = "console.views.not_found"
handler500 = "console.views.server_error"
