"""Deliveries in Django admin: searchable, filterable, with their attempts inline (read-only: they
are records) and a Redeliver action that goes through the same service as the console and API."""

from django.contrib import admin, messages

from console.admin_history import HistoryAdmin
from notifications.models import Delivery, DeliveryAttempt, RateLimitBucket, Recovery, ReplayJob
from notifications.services.redeliver import RedeliverRefused, delivery_redeliver


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["number", "outcome", "started_at", "duration_ms", "request_url", "http_status", "provider_code",
              "error", "outcome_class", "reason", "permanent", "response_body", "digest_size", "carried_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "channel", "recipient_label", "status", "attempt_count", "next_attempt_at",
                    "created_at"]
    list_filter = ["status", "channel", "event__workspace__account", "created_at"]
    search_fields = ["event__event_id", "recipient_label", "last_error", "rule__name"]
    list_select_related = ["event"]
    raw_id_fields = ["event", "rule", "target", "contact"]
    readonly_fields = ["event", "rule", "target", "contact", "channel", "recipient_key", "recipient_label",
                       "attempt_count", "succeeded_at", "created_at", "updated_at", "claimed_until", "last_error",
                       "recovery", "waiting_since", "replay_job"]
    inlines = [DeliveryAttemptInline]
    actions = ["redeliver"]
    date_hierarchy = "created_at"

    @admin.action(description="Redeliver the selected dead or failed deliveries")
    def redeliver(self, request, queryset):
        sent, refused = 0, 0
        for delivery in queryset:
            try:
                # Operators act as the system (they have no account of their own).
                delivery_redeliver(delivery_id=delivery.pk, actor=None)
                sent += 1
            except RedeliverRefused:
                refused += 1
        if sent:
            self.message_user(request, f"{sent} deliveries enqueued again.", messages.SUCCESS)
        if refused:
            self.message_user(request, f"{refused} skipped: only dead or failed deliveries can be redelivered.",
                              messages.WARNING)


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(admin.ModelAdmin):
    list_display = ["delivery", "number", "outcome", "http_status", "provider_code", "duration_ms", "started_at"]
    list_filter = ["outcome", "permanent", "delivery__channel"]
    search_fields = ["delivery__event__event_id", "provider_code", "error"]
    raw_id_fields = ["delivery", "carried_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(RateLimitBucket)
class RateLimitBucketAdmin(admin.ModelAdmin):
    list_display = ["key", "updated_at"]
    search_fields = ["key"]
    readonly_fields = ["key", "hits", "updated_at"]


@admin.register(Recovery)
class RecoveryAdmin(admin.ModelAdmin):
    """Recover requests (started from the console or the API): who, which scope, since when, progress."""

    list_display = ["id", "workspace", "scope_label", "since", "status", "total", "requested_by", "created_at",
                    "finished_at"]
    list_filter = ["status"]
    readonly_fields = ["workspace", "rule", "target", "since", "status", "total", "requested_by", "created_at",
                       "finished_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReplayJob)
class ReplayJobAdmin(HistoryAdmin):
    """Replays (started from the console or the API), read-only: who, which window and filters, which
    rule, state and progress."""

    list_display = ["id", "workspace", "window_start", "window_end", "scope_label", "state", "matched", "done",
                    "deliveries_created", "requested_by", "created_at", "finished_at"]
    list_filter = ["state"]
    list_select_related = ["workspace", "rule", "requested_by"]
    readonly_fields = ["workspace", "bus", "window_start", "window_end", "source", "event_types", "rule", "state",
                       "matched", "done", "deliveries_created", "last_event_id", "error", "requested_by",
                       "created_at", "started_at", "finished_at"]
