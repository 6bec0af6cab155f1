"""Django admin of identity and access: users, RAM policies (the document pretty-printed, validated on
save), the audit log (read-only: operators search and filter it, nobody edits history) and API tokens
(masked)."""

import json

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.html import format_html
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from console.admin_history import HistoryAdmin
from console.crypto import mask
from workspaces.iam.audit import audit_changes, audit_record
from workspaces.iam.services.policies import PolicyDocumentError, policy_validate
from workspaces.models import AuditLogEntry, Policy, User


class PrettyJSONWidget(forms.Textarea):
    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return value  # the operator's text as typed, errors and all
        return json.dumps(value, indent=2) if value is not None else ""


class PolicyAdminForm(forms.ModelForm):
    # Text, not forms.JSONField: policy_validate reports malformed JSON by line and column.
    document = forms.CharField(
        widget=PrettyJSONWidget(attrs={"rows": 24, "cols": 90, "style": "font-family: monospace"}),
        help_text='{"Version": "1", "Statement": [{"Effect": "Allow" or "Deny", "Action": [...], "Resource": ...}]}',
    )

    class Meta:
        model = Policy
        fields = ["account", "name", "description", "document"]

    def clean_document(self):
        try:
            return policy_validate(self.cleaned_data["document"].strip())
        except PolicyDocumentError as error:
            raise forms.ValidationError(error.messages) from error


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    form = PolicyAdminForm
    list_display = ["name", "account", "description", "user_count", "updated_at"]
    list_filter = ["account"]
    search_fields = ["name", "description", "account__name", "users__username"]
    readonly_fields = ["created_at", "updated_at", "attached_users"]
    list_select_related = ["account"]

    def save_model(self, request, obj, form, change):
        before = Policy.objects.filter(pk=obj.pk).values("description", "document").first() if change else {}
        super().save_model(request, obj, form, change)
        after = {"description": obj.description, "document": obj.document}
        audit_record(actor=request.user, account=obj.account, action="policy.update" if change else "policy.create",
                     obj=obj, changes=audit_changes(before or {}, after))

    def delete_model(self, request, obj):
        audit_record(actor=request.user, account=obj.account, action="policy.delete", obj=obj,
                     changes={"document": [obj.document, None]})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for policy in queryset:
            self.delete_model(request, policy)

    @admin.display(description="users")
    def user_count(self, policy):
        return policy.users.count()

    @admin.display(description="attached to")
    def attached_users(self, policy):
        return ", ".join(policy.users.values_list("username", flat=True)) or "—"


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(HistoryAdmin):
    list_display = ["created_at", "account", "actor_name", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["action", "object_type", "account", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["actor_name", "action", "object_type", "object_id", "object_repr", "resource"]
    date_hierarchy = "created_at"
    list_select_related = ["account"]
    fields = ["created_at", "account", "actor", "actor_name", "action", "object_type", "object_id", "object_repr",
              "resource", "changes_pretty"]
    readonly_fields = fields

    @admin.display(description="changes (secrets masked)")
    def changes_pretty(self, entry):
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', json.dumps(entry.changes, indent=2))


class ConsoleUserCreationForm(AdminUserCreationForm):
    def clean_username(self):
        """Names are unique per account (and among the names that sign in alone), not globally as
        Django's form assumes: the model's constraints judge it, with the account known."""
        return self.cleaned_data.get("username")


@admin.register(User)
class ConsoleUserAdmin(UserAdmin):
    add_form = ConsoleUserCreationForm
    list_display = ("username", "sign_in", "email", "account", "is_account_owner", "is_staff", "is_active",
                    "last_login")
    list_filter = ("account", "is_account_owner", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "email", "first_name", "last_name", "account__name", "account__uid")
    list_select_related = ("account",)
    filter_horizontal = ("groups", "user_permissions", "policies")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Account", {"fields": ("account", "is_account_owner", "policies")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Account", {"fields": ("account", "is_account_owner")}),
    )

    @admin.display(description="Signs in as")
    def sign_in(self, user):
        return user.sign_in_name


# DRF's own token admin lists keys in clear; API keys are secrets, so show only their start.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class MaskedTokenAdmin(TokenAdmin):
    list_display = ("masked_key", "user", "created")

    @admin.display(description="Key")
    def masked_key(self, token):
        return mask(token.key)
