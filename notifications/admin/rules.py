"""Django admin for operators: rules with their targets (secrets masked, never in clear; added only through the
rule service, rule_create.py), contacts, target quotas, and quota increase requests with approve / reject
actions (the quota services)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html_join

from notifications.admin.rule_create import rule_add_view
from notifications.models import Contact, QuotaIncreaseRequest, Rule, Target, TargetContact, TargetQuota
from notifications.selectors.rules import method_label, rule_event_type_labels, target_display
from notifications.services.connectivity import connectivity_test_saved
from notifications.services.health import EnableRefused, target_enable
from notifications.services.quotas import quota_request_approve, quota_request_reject


class TargetInline(admin.TabularInline):
    """Targets as the console shows them: masked. Secrets are excluded from the form entirely."""

    model = Target
    extra = 0
    fields = ("position", "method", "masked_config", "language", "title_template", "body_template", "digest")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # targets are validated by their schema: create them in the console or the API

    @admin.display(description="Config (secrets masked)")
    def masked_config(self, obj):
        return format_html_join("", "<div>{}: {}</div>", target_display(obj)["config"].items()) if obj.pk else ""


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("name", "bus", "source", "event_types_shown", "scope", "enabled", "target_count", "created_by",
                    "created_at")
    list_filter = ("enabled", "source", "scope", "bus__account")
    search_fields = ("name", "bus__name", "bus__workspace__name", "bus__account__name")
    readonly_fields = ("bus", "source", "event_types_shown", "created_by", "created_at", "updated_at")
    fields = ("bus", "name", "description", "source", "event_types_shown", "scope", "scope_models", "enabled",
              "created_by", "created_at", "updated_at")
    filter_horizontal = ("scope_models",)
    inlines = (TargetInline,)
    list_select_related = ("bus", "created_by")

    # Rules change only through the rule services (validation, quota, routing keys, audit): the add page
    # is the console's rule form saved by `rule_create` (rule_create.py); changes go through the console or API.
    def has_add_permission(self, request):
        return request.user.has_perm("notifications.add_rule")

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return rule_add_view(self, request)

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("event_types")

    @admin.display(description="Event types")
    def event_types_shown(self, obj):
        """The types the rule lists, or "All event types" (of its source, including later ones)."""
        return ", ".join(rule_event_type_labels(obj))

    @admin.display(description="Targets")
    def target_count(self, obj):
        return obj.targets.count()


class TargetContactInline(admin.TabularInline):
    model = TargetContact
    extra = 0
    readonly_fields = ("contact", "channel")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Read-only: a target's config is validated by its method's schema, which the admin does not run."""

    list_display = ("id", "rule", "method_name", "health", "last_error", "position", "created_at")
    list_filter = ("method", "health", "digest")
    search_fields = ("rule__name", "rule__bus__workspace__name")
    exclude = ("secrets", "config")
    readonly_fields = ("rule", "method", "masked_config", "position", "language", "title_template", "body_template",
                       "digest", "health", "last_error", "last_error_at", "consecutive_dead", "consecutive_gone",
                       "failing_since", "disabled_reason", "disabled_at", "tested_ok_at", "created_at", "updated_at")
    inlines = (TargetContactInline,)
    actions = ("test_and_reenable",)

    @admin.action(description="Test Connectivity, and re-enable the disabled targets whose test succeeds")
    def test_and_reenable(self, request, queryset):
        for target in queryset.select_related("rule__bus__workspace__account"):
            # The operator acts as the system (operators have no account whose policies apply).
            result = connectivity_test_saved(actor=None, target=target)
            if not result.ok:
                self.message_user(request, f"{target}: {result.display}", messages.WARNING)
                continue
            try:
                target_enable(actor=None, target_id=target.pk)
            except EnableRefused as exc:
                self.message_user(request, f"{target}: {exc}", messages.WARNING)
                continue
            self.message_user(request, f"{target}: test succeeded; healthy again.", messages.SUCCESS)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Method")
    def method_name(self, obj):
        return method_label(obj.method)

    @admin.display(description="Config (secrets masked)")
    def masked_config(self, obj):
        return format_html_join("", "<div>{}: {}</div>", target_display(obj)["config"].items())


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "mobile", "email", "created_at")
    list_filter = ("account",)
    search_fields = ("name", "mobile", "email", "account__name")


@admin.register(TargetQuota)
class TargetQuotaAdmin(admin.ModelAdmin):
    list_display = ("account", "targets_per_rule", "updated_at")
    search_fields = ("account__name",)


@admin.register(QuotaIncreaseRequest)
class QuotaIncreaseRequestAdmin(admin.ModelAdmin):
    list_display = ("account", "requested_limit", "status", "requested_by", "created_at", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("account__name", "reason")
    readonly_fields = ("account", "requested_limit", "reason", "status", "requested_by", "decided_by", "decided_at",
                       "created_at")
    fields = (*readonly_fields, "decision_note")
    actions = ("approve", "reject")

    def has_add_permission(self, request):
        return False

    def _decide(self, request, queryset, decide, verb):
        done = 0
        for quota_request in queryset:
            try:
                decide(actor=request.user, request=quota_request, note=quota_request.decision_note)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{quota_request}: {' '.join(exc.messages)}", messages.WARNING)
        if done:
            self.message_user(request, f"{verb} {done} request{'s' if done != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Approve the selected requests (raises the account's limit)")
    def approve(self, request, queryset):
        self._decide(request, queryset, quota_request_approve, "Approved")

    @admin.action(description="Reject the selected requests")
    def reject(self, request, queryset):
        self._decide(request, queryset, quota_request_reject, "Rejected")
