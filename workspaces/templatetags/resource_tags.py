"""`{% status_tag value %}`: a resource state as a coloured tag (green done well, red failed,
orange in progress or waiting, grey idle)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext_lazy

register = template.Library()

COLOURS = {
    "green": {"Running", "Approved", "Succeeded", "Saved", "published"},
    "red": {"Failed", "Rejected", "SaveFailed", "Preempted", "not_published"},
    "orange": {"Pending", "Queuing", "Bidding", "EnvPreparing", "Restarting", "Creating", "Stopping", "Saving"},
}


# The states as the console shows them (the state itself in English, as the API names it).
STATUS_LABELS = {
    "Creating": pgettext_lazy("resource status", "Creating"),
    "Created": pgettext_lazy("resource status", "Created"),
    "Running": pgettext_lazy("resource status", "Running"),
    "Stopping": pgettext_lazy("resource status", "Stopping"),
    "Stopped": pgettext_lazy("resource status", "Stopped"),
    "Failed": pgettext_lazy("resource status", "Failed"),
    "Saving": pgettext_lazy("resource status", "Saving"),
    "Saved": pgettext_lazy("resource status", "Saved"),
    "SaveFailed": pgettext_lazy("resource status", "SaveFailed"),
    "Succeeded": pgettext_lazy("resource status", "Succeeded"),
    "Queuing": pgettext_lazy("resource status", "Queuing"),
    "Bidding": pgettext_lazy("resource status", "Bidding"),
    "EnvPreparing": pgettext_lazy("resource status", "EnvPreparing"),
    "Restarting": pgettext_lazy("resource status", "Restarting"),
    "Preempted": pgettext_lazy("resource status", "Preempted"),
    "Pending": pgettext_lazy("resource status", "Pending"),
    "Approved": pgettext_lazy("resource status", "Approved"),
    "Rejected": pgettext_lazy("resource status", "Rejected"),
}


@register.simple_tag
def status_tag(value, label=None):
    if not value:
        return mark_safe('<span class="muted">—</span>')
    colour = next((name for name, states in COLOURS.items() if value in states), "grey")
    label = label or STATUS_LABELS.get(value, value)
    return format_html('<span class="tag tag-{}" data-status="{}">{}</span>', colour, value, label)
