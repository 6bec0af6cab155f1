"""Django admin for the event log (operators): read-only events, and re-enqueueing a published event
whose routing task was lost."""

import json

from django.contrib import admin, messages
from django.utils.html import format_html

from notifications.models import Event
from notifications.services.events import event_enqueue


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "type", "source", "workspace", "resource_name", "origin", "published_by", "status",
                    "not_published_reason", "enqueued_at", "routed_at", "created_at")
    list_filter = ("status", "source", "type", "origin", "not_published_reason",
                   ("enqueued_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("event_id", "type", "subject", "resource_id", "resource_name", "workspace__name",
                     "account__name", "account__uid")
    date_hierarchy = "created_at"
    list_select_related = ("workspace", "published_by")
    readonly_fields = ("event_id", "account", "workspace", "bus", "source", "type", "subject", "resource_id",
                       "resource_name", "resource_owner", "model", "origin", "published_by", "status",
                       "not_published_reason", "enqueued_at",
                       "routed_at", "created_at", "envelope_pretty")
    exclude = ("envelope",)
    actions = ["enqueue_again"]

    def has_add_permission(self, request):
        return False  # events are raised by resources or PutEvents, never typed in

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Envelope")
    def envelope_pretty(self, event):
        return format_html('<pre style="white-space:pre-wrap">{}</pre>',
                           json.dumps(event.envelope, indent=2, ensure_ascii=False))

    @admin.action(description="Enqueue the routing task again (published events)")
    def enqueue_again(self, request, queryset):
        published = queryset.filter(status=Event.Status.PUBLISHED).values_list("pk", flat=True)
        done = sum(1 for pk in published if event_enqueue(event_id=pk))
        skipped = queryset.count() - done
        self.message_user(request, f"Enqueued {done} event(s); {skipped} not (not published, or the broker refused).",
                          messages.SUCCESS if done else messages.WARNING)
