"""The OpenAPI schema's own rules: operations are described only by what their `@extend_schema` says
(never by a class's or method's docstring, which is written for the code's readers), tagged by the
console area they belong to, and what every operation of a kind shares is documented once here rather
than on each view. tests/test_openapi_walk.py holds every operation to it."""

from django.conf import settings
from drf_spectacular.openapi import AutoSchema

# The console's areas, in the console's order: (tag, description, the path prefixes under /api/v1/).
AREAS = (
    ("Workspaces", "Workspaces, EventBridge activation and the service-linked role.",
     ("workspaces/{workspace_id}/$", "workspaces/$", "eventbridge/", "event-buses/", "service-linked-role/")),
    ("Catalog", "Event sources, event types, scopes, delivery methods and quotas: what a rule may name.",
     ("catalog/",)),
    ("Notice rules", "Notice rules with their targets, enable and disable, Test Connectivity.",
     ("workspaces/{workspace_id}/rules/", "workspaces/{workspace_id}/targets/")),
    ("Events", "The event log, PutEvents, and replays of a time window of events.",
     ("workspaces/{workspace_id}/events/", "workspaces/{workspace_id}/replays/")),
    ("Deliveries", "Each message sent for an event, its attempts, and redeliver.",
     ("workspaces/{workspace_id}/deliveries/", "workspaces/{workspace_id}/recoveries/")),
    ("Contacts", "Contacts of voice call, text message and email targets.", ("contacts/",)),
    ("Quotas", "Target units per rule and increase requests.", ("quotas/",)),
    ("Usage and billing", "Notifications sent per month and the amount due.", ("usage/",)),
    ("AI Asset Management", "Models and their versions (approval raises model events).",
     ("workspaces/{workspace_id}/models/",)),
    ("EAS", "EAS online services deployed on model versions.", ("workspaces/{workspace_id}/eas-services/",)),
    ("DLC", "Deep Learning Containers jobs.", ("workspaces/{workspace_id}/dlc-jobs/",)),
    ("DSW", "DSW instances and their images.", ("workspaces/{workspace_id}/dsw-instances/",)),
    ("Designer", "Designer (PAIFlow) flow tasks.", ("workspaces/{workspace_id}/flow-tasks/",)),
    ("Access control", "API tokens, RAM users and policies, and the audit log.",
     ("auth/", "users/", "policies/", "audit-log/")),
)


def area_of(path: str) -> str:
    """The console area of an API path ("" when none matches: the walk test fails on it)."""
    rest = path.removeprefix("/api/v1/")
    for tag, _description, prefixes in AREAS:
        for prefix in prefixes:
            if rest == prefix.rstrip("$") if prefix.endswith("$") else rest.startswith(prefix):
                return tag
    return ""


class DescribedAutoSchema(AutoSchema):
    """An operation's description is what its @extend_schema(description=...) says, and nothing else:
    drf-spectacular's default would publish the view's docstring (or a mixin's)."""

    def get_description(self) -> str:
        return ""

ERROR = {"$ref": "#/components/schemas/ErrorResponse"}
WRITE_METHODS = ("post", "put", "patch")


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def document_shared_answers(result, generator, request, public):
    """Every operation is tagged with its console area. Paginated lists: `page_size` is 1 to 200 and
    a bad `page` or `page_size` is a 400 (or 404 for a page past the end). Writes: a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE is a 413."""
    result["tags"] = [{"name": tag, "description": description} for tag, description, _prefixes in AREAS]
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if not isinstance(operation, dict):
                continue
            if path.startswith("/api/v1/"):
                operation["tags"] = [area_of(path)]
            responses = operation.setdefault("responses", {})
            names = {parameter.get("name") for parameter in operation.get("parameters", [])}
            if "page_size" in names:
                for parameter in operation["parameters"]:
                    if parameter.get("name") == "page_size":
                        parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 200}
                        parameter["description"] = "Items per page, 1 to 200 (default 50)."
                    elif parameter.get("name") == "page":
                        parameter["schema"] = {"type": "integer", "minimum": 1}
                        parameter["description"] = "The page, from 1; the answer's `next` links the following one."
                responses.setdefault("400", _error("A bad `page` or `page_size` (a whole number from 1 to 200)."))
                responses.setdefault("404", _error("No such page."))
            if method in WRITE_METHODS:
                responses.setdefault(
                    "413", _error(f"The body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."))
    return result
