"""Django admin for operators: each account's message language (what its targets' messages are
written in unless a target chooses; unset: zh-CN when the console runs in Chinese, else en-US)."""

from django.contrib import admin

from notifications.models import AccountMessageSettings
from notifications.services.messages import account_message_language_set


@admin.register(AccountMessageSettings)
class AccountMessageSettingsAdmin(admin.ModelAdmin):
    list_display = ("account", "language", "updated_at")
    list_filter = ("language",)
    search_fields = ("account__name", "account__uid")
    fields = ("account", "language", "updated_at")
    readonly_fields = ("updated_at",)

    def save_model(self, request, obj, form, change):
        saved = account_message_language_set(account=obj.account, language=obj.language)
        obj.pk, obj.updated_at = saved.pk, saved.updated_at
