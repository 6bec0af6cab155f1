"""Walking every page the project serves: the console and API routes of the URL configuration, with
real ids put in their parameters, and Django admin's pages for every registered model. A route added
later is walked without editing the tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
OPENAPI_PARAMETER = re.compile(r"\{(?P<name>[^}]+)\}")
# Routes not to GET: signing out would end the walk's session.
SKIPPED_ROUTES = ("logout/",)


@dataclass(frozen=True)
class Route:
    template: str  # "workspaces/<int:workspace_id>/rules/<int:rule_id>/edit/"
    name: str | None

    @property
    def is_api(self) -> bool:
        return self.template.startswith("api/")


def routes(patterns=None, prefix: str = "") -> list[Route]:
    """Every route of the URL configuration except the admin's (walked by `admin_paths`)."""
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        text = str(entry.pattern)
        if text.startswith("^") or text.startswith("admin/"):
            continue  # regex routes are the admin's and static files'
        if isinstance(entry, URLResolver):
            found += routes(entry.url_patterns, prefix + text)
        elif isinstance(entry, URLPattern):
            found.append(Route(prefix + text, entry.name))
    return found


def _id_for(template: str, name: str, ids: dict, opening: str = "<"):
    if name in ids:
        return ids[name]
    if name in ("pk", "id"):
        # A bare pk or id is named by the segment before it: users/<int:pk> -> user_id.
        closing = ">" if opening == "<" else "}"
        before = template[: template.index(f"{name}{closing}")].rsplit(opening, 1)[0]
        segment = before.rstrip("/").rsplit("/", 1)[-1].replace("-", "_")
        singular = segment[:-3] + "y" if segment.endswith("ies") else segment.removesuffix("s")
        return ids.get(f"{singular}_id")
    return None


def concrete_path(route: Route, ids: dict) -> str | None:
    """The route with real ids, or None when a parameter has no known value."""
    missing = []

    def fill(match):
        value = _id_for(route.template, match.group("name"), ids)
        if value is None:
            missing.append(match.group("name"))
            return ""
        return str(value)

    path = PARAMETER.sub(fill, route.template)
    return None if missing else "/" + path


def openapi_operations(ids: dict) -> list[tuple[str, str, dict]]:
    """(method, concrete path, operation) of every operation in the OpenAPI schema that has real ids
    for its path parameters."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for template, operations in schema["paths"].items():
        missing = []

        def fill(match, template=template, missing=missing):
            value = _id_for(template, match.group("name"), ids, opening="{")
            if value is None:
                missing.append(match.group("name"))
            return str(value)

        path = OPENAPI_PARAMETER.sub(fill, template)
        if missing:
            continue
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append((method.upper(), path, operation))
    return found


def console_and_api_paths(ids: dict) -> tuple[list[str], list[str]]:
    """(paths walked, routes skipped for want of an id)."""
    paths, unknown = [], []
    for route in routes():
        if route.template in SKIPPED_ROUTES:
            continue
        path = concrete_path(route, ids)
        if path is None:
            unknown.append(route.template)
        else:
            paths.append(path)
    return sorted(set(paths)), unknown


def admin_paths(limit_per_model: int = 5) -> list[str]:
    """Changelist, add, change and history pages of every model registered in Django admin."""
    paths = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        for pk in model._default_manager.values_list("pk", flat=True)[:limit_per_model]:
            paths += [reverse(f"{prefix}_change", args=[pk]), reverse(f"{prefix}_history", args=[pk])]
    return paths
