"""The REST API: authentication, errors, parsers, throttles' client address, and its OpenAPI schema."""

from console.settings_parts.environment import env
from console.settings_parts.security import NUM_PROXIES

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "console.schema.DescribedAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "console.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "console.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
    # JSON nested deeper than MAX_JSON_DEPTH, lone surrogates and NUL in any string: 400.
    "DEFAULT_PARSER_CLASSES": ["console.input.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "NUM_PROXIES": NUM_PROXIES,
}
# How deep a JSON request body may nest (objects and arrays); deeper is refused with 400.
MAX_JSON_DEPTH = env.int("MAX_JSON_DEPTH", default=32)
# PutEvents requests per account and minute (each up to 16 events and 1 MB), a sliding window counted
# where the per-bot rate limits are (Redis or the database), so every web process shares it; over
# it, 429 with Retry-After. 0: no limit.
PUT_EVENTS_PER_MINUTE = env.int("PUT_EVENTS_PER_MINUTE", default=300)
# Whether /api/schema/, /api/docs/ (Swagger UI) and /api/redoc/ answer without a login (console/api_docs.py
# says why they do by default).
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=True)
SPECTACULAR_SETTINGS = {
    "TITLE": "PAI Event Notifications API",
    "DESCRIPTION": "Workspaces, EventBridge activation, notice rules, targets, events and deliveries.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files, never a CDN (console/api_docs.py).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny" if API_DOCS_PUBLIC
                          else "rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "console.schema.document_shared_answers",
    ],
    # Several models have a `status`/`source`: name each enum after what it is.
    "ENUM_NAME_OVERRIDES": {
        "EventSourceEnum": "notifications.catalog.SOURCE_CHOICES",
        "RuleScopeEnum": "notifications.catalog.SCOPE_CHOICES",
        "EventTypeEnum": "notifications.catalog.EVENT_TYPE_CHOICES",
        "DeliveryMethodEnum": "notifications.channels.registry.METHOD_CHOICES",
        "DeliveryChannelEnum": "notifications.api.deliveries.CHANNEL_CHOICES",
        "ApprovalStatusEnum": "workspaces.pai_resources.models.ModelVersion.ApprovalStatus",
        "DlcJobStatusEnum": "workspaces.pai_resources.models.DlcJob.Status",
        "DswInstanceStatusEnum": "workspaces.pai_resources.models.DswInstance.Status",
        "DswImageStatusEnum": "workspaces.pai_resources.models.DswInstance.ImageStatus",
        "FlowTaskStatusEnum": "workspaces.pai_resources.models.FlowTask.Status",
        "EasServiceStatusEnum": "workspaces.pai_resources.models.EasService.Status",
        "EventStatusEnum": "notifications.models.events.Event.Status",
        "DeliveryStatusEnum": "notifications.models.deliveries.Delivery.Status",
        "AttemptOutcomeEnum": "notifications.models.deliveries.DeliveryAttempt.Outcome",
        "QuotaRequestStatusEnum": "notifications.models.rules.QuotaIncreaseRequest.Status",
    },
}
