"""Template helpers of the console's layout.

    {% load console_ui %}
    {% workspace_allowed "paidlc:CreateJob" workspace "job/*" as can_create %}
    {% if field|marked_required %}<span class="req" aria-hidden="true">*</span>{% endif %}
    {{ value|audit_value }}

`workspace_allowed` answers whether the user may perform an action on a resource inside a workspace
(the ARN `acs:<service of the action>:<region>:<account>:workspace/<name>/<path>`): pages hide the
forms and buttons a read-only user could not submit. The server refuses them anyway."""

from __future__ import annotations

import json

from django import template

from workspaces.iam import permissions

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def workspace_allowed(context, action: str, workspace, path: str = "") -> bool:
    service = action.split(":", 1)[0]
    return permissions.is_allowed(_user(context), action, permissions.workspace_arn(service, workspace, path))


@register.filter
def marked_required(bound_field) -> bool:
    """A field the user must fill: required by the form, or (for forms whose service validates)
    declared so with aria-required on its widget."""
    field = bound_field.field
    return bool(field.required or field.widget.attrs.get("aria-required") == "true")


@register.filter
def audit_value(value) -> str:
    """A changed value as a reader wants it: lists joined, yes/no, objects as key: value, never a
    Python repr. None (no value) is an em dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(audit_value(item) for item in value) if value else "(none)"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {audit_value(item)}" for key, item in value.items()) if value else "(none)"
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return audit_value(json.loads(value))
        except ValueError:
            return value
    return str(value)
