"""What Django admin shows operators as history: rows they read and never add, change or delete."""

from django.contrib import admin


class HistoryAdmin(admin.ModelAdmin):
    """A read-only admin: the services write these rows (audit entries, usage counters, replay jobs)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
