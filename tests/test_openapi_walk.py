"""The walk of the OpenAPI document (generated in-process, so a new endpoint is walked without editing
this file): every operation has a summary, a description and the tag of a console area; every
enum-like field and parameter is an enum; no description carries Django's or Django REST framework's
own help text, nor a docstring written for the code's readers; each summary is its operation's own."""

from __future__ import annotations

import inspect
import sys

import pytest
from django.apps import apps
from drf_spectacular.generators import SchemaGenerator

from console.schema import AREAS

# Field and parameter names whose values are a closed set: each must be documented as an enum.
ENUM_LIKE = {"status", "source", "scope", "method", "channel", "outcome", "approval_status", "image_status",
             "source_type", "not_published_reason", "event_types", "type", "current_status"}
# Fields that share an enum-like name but hold something else.
NOT_ENUMS = {("Source", "event_types")}  # the catalog's list of event type objects (each `type` is an enum)
AREA_TAGS = {tag for tag, _description, _prefixes in AREAS}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and path.startswith("/api/v1/"):
                yield f"{method.upper()} {path}", operation


def _foreign_texts() -> set[str]:
    """Django's and DRF's own help texts, and the first sentence of every docstring of the project's
    and DRF's classes and functions (what drf-spectacular would publish for an undescribed view)."""
    texts = {"A page number within the paginated result set.", "Number of results to return per page."}
    for model in apps.get_models():
        for base in model.__mro__:  # Django's models, and the abstract ones ours extend (AbstractUser)
            if base.__module__.startswith("django.") and hasattr(base, "_meta"):
                texts.update(str(field.help_text) for field in [*base._meta.local_fields,
                                                                *base._meta.local_many_to_many] if field.help_text)
    for name, module in list(sys.modules.items()):
        if not name.startswith(("console", "notifications", "workspaces", "rest_framework")) or module is None:
            continue
        for _member_name, member in inspect.getmembers(module, lambda m: inspect.isclass(m) or inspect.isfunction(m)):
            doc = inspect.getdoc(member) or ""
            first = doc.split("\n\n")[0].replace("\n", " ").strip()
            if len(first) >= 25 and getattr(member, "__module__", "") == name:
                texts.add(first)
    return texts


def _descriptions(node, where=""):
    """Every `description` in a part of the document, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                yield where, value
            else:
                yield from _descriptions(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _descriptions(value, f"{where}[{index}]")


def _is_enum(node, schemas) -> bool:
    if not isinstance(node, dict):
        return False
    if "$ref" in node:
        return _is_enum(schemas[node["$ref"].rsplit("/", 1)[1]], schemas)
    if "enum" in node:
        return True
    if node.get("type") == "array":
        return _is_enum(node.get("items"), schemas)
    variants = node.get("allOf") or node.get("oneOf") or node.get("anyOf") or []
    return bool(variants) and all(_is_enum(v, schemas) or v.get("type") == "null" for v in variants
                                  if isinstance(v, dict))


def test_every_operation_has_a_summary_a_description_and_an_area_tag(schema):
    missing = []
    summaries: dict[str, list[str]] = {}
    for name, operation in _operations(schema):
        if not (operation.get("summary") or "").strip():
            missing.append(f"{name}: no summary")
        if not (operation.get("description") or "").strip():
            missing.append(f"{name}: no description")
        if operation.get("tags", [None])[0] not in AREA_TAGS:
            missing.append(f"{name}: tag {operation.get('tags')} is not a console area")
        summaries.setdefault(operation.get("summary"), []).append(name)
    shared = {summary: names for summary, names in summaries.items() if len(names) > 1}
    assert missing == []
    assert shared == {}, "two operations share one summary"
    assert len(list(_operations(schema))) >= 75


def test_no_description_carries_django_text_or_a_docstring_for_code(schema):
    foreign = _foreign_texts()
    assert "Designates whether this user should be treated as active. Unselect this instead of deleting " \
           "accounts." in foreign  # the probe reads Django's help texts
    found = [(where, text) for where, description in _descriptions(schema) for text in foreign
             if text in description]
    assert found == []


def test_every_enum_like_field_and_parameter_is_an_enum(schema):
    schemas = schema["components"]["schemas"]
    loose = []
    for component, body in schemas.items():
        for field, prop in (body.get("properties") or {}).items():
            if field in ENUM_LIKE and (component, field) not in NOT_ENUMS and not _is_enum(prop, schemas):
                loose.append(f"{component}.{field}")
            if "One of:" in (prop.get("description") or ""):
                loose.append(f"{component}.{field} lists its values in prose")
    for name, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] in ENUM_LIKE and not _is_enum(parameter.get("schema"), schemas):
                loose.append(f"{name} ?{parameter['name']}")
    assert loose == []


def test_the_rule_schema_takes_the_catalogs_values(schema):
    from notifications.catalog import EVENT_TYPES_BY_KEY, SOURCES_BY_KEY

    schemas = schema["components"]["schemas"]
    rule = schemas["RuleCreateRequest"]["properties"]
    assert schemas["EventTypeEnum"]["enum"] == list(EVENT_TYPES_BY_KEY)
    assert rule["event_types"]["items"] == {"$ref": "#/components/schemas/EventTypeEnum"}
    assert schemas["EventSourceEnum"]["enum"] == list(SOURCES_BY_KEY)
    assert rule["source"] == {"$ref": "#/components/schemas/EventSourceEnum"}


def test_usage_says_what_sent_counts(schema):
    sent = schema["components"]["schemas"]["UsageMonthTotals"]["properties"]["sent"]["description"]
    assert "succeeded" in sent and "dead deliveries" in sent and "Test Connectivity" in sent
