"""Usage counters in Django admin: read-only (they are written only by the delivery path through
usage_record; an edited counter would be a silently changed bill)."""

from django.contrib import admin

from console.admin_history import HistoryAdmin
from notifications.models import UsageCounter


@admin.register(UsageCounter)
class UsageCounterAdmin(HistoryAdmin):
    list_display = ("account", "day", "count")
    list_filter = ("account", "day")
    date_hierarchy = "day"
    search_fields = ("account__name", "account__uid")
    list_select_related = ("account",)
    ordering = ("-day", "account__name")
    readonly_fields = ("account", "day", "count")
