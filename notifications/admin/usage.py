"""Usage counters in Django admin: read-only (they are written only by the delivery path through
usage_record; an edited counter would be a silently changed bill)."""

from django.contrib import admin

from notifications.models import UsageCounter


@admin.register(UsageCounter)
class UsageCounterAdmin(admin.ModelAdmin):
    list_display = ("account", "day", "count")
    list_filter = ("account", "day")
    date_hierarchy = "day"
    search_fields = ("account__name", "account__uid")
    list_select_related = ("account",)
    ordering = ("-day", "account__name")
    readonly_fields = ("account", "day", "count")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
