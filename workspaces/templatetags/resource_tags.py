"""`{% status_tag value %}`: a resource state as a coloured tag (green done well, red failed,
orange in progress or waiting, grey idle)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

COLOURS = {
    "green": {"Running", "Approved", "Succeeded", "Saved", "published"},
    "red": {"Failed", "Rejected", "SaveFailed", "Preempted", "not_published"},
    "orange": {"Pending", "Queuing", "Bidding", "EnvPreparing", "Restarting", "Creating", "Stopping", "Saving"},
}


@register.simple_tag
def status_tag(value, label=None):
    if not value:
        return mark_safe('<span class="muted">—</span>')
    colour = next((name for name, states in COLOURS.items() if value in states), "grey")
    return format_html('<span class="tag tag-{}" data-status="{}">{}</span>', colour, value, label or value)
