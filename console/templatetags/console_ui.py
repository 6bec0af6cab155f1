"""Template helpers of the console's layout.

    {% load console_ui %}
    {% if field|marked_required %}<span class="req" aria-hidden="true">*</span>{% endif %}
    {{ value|audit_value }}

A page hiding a button asks the service the button leads to (`<service>.allowed(user, ...)`, in the
view), so both check the same ARN: no template builds a resource string of its own (issue 13)."""

from __future__ import annotations

import json

from django import template

register = template.Library()


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
