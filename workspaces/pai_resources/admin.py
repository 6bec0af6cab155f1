"""Django admin for the simulated PAI resources (operators). States are read-only here: they change
through the services (admin actions below, the console or the API), which raise the events."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from workspaces.models import DlcJob, DswInstance, EasService, EasServiceRevision, FlowTask, Model, ModelVersion
from workspaces.pai_resources.services.dlc import dlc_jobs_raise_timeouts
from workspaces.pai_resources.services.model_registry import model_version_set_status
from workspaces.pai_resources.services.transitions import StateConflict

WORKSPACE_SEARCH = ("workspace__name", "workspace__account__name", "workspace__account__uid")


class ModelVersionInline(admin.TabularInline):
    model = ModelVersion
    fields = ("version_name", "approval_status", "source_type", "uri", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Model)
class ModelAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "created_by", "created_at")
    list_filter = ("created_at",)
    search_fields = ("name", "description", *WORKSPACE_SEARCH)
    raw_id_fields = ("workspace", "created_by")
    readonly_fields = ("created_at", "updated_at")
    inlines = [ModelVersionInline]


def _set_approval(modeladmin, request, queryset, target: str) -> None:
    changed, refused = 0, []
    for version in queryset.select_related("model", "model__workspace"):
        try:
            model_version_set_status(version=version, approval_status=target, actor=None)
            changed += 1
        except (StateConflict, ValidationError) as error:
            refused.append(str(error))
    if changed:
        modeladmin.message_user(request, f"{changed} version(s) {target}.", messages.SUCCESS)
    for message in refused:
        modeladmin.message_user(request, message, messages.WARNING)


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "approval_status", "source_type", "created_by", "created_at")
    list_filter = ("approval_status", "source_type", "created_at")
    search_fields = ("version_name", "model__name", "uri", "model__workspace__name")
    raw_id_fields = ("model", "created_by")
    readonly_fields = ("approval_status", "created_at", "updated_at")
    actions = ["approve", "reject"]

    @admin.action(description="Approve selected Pending versions (raises the model events)")
    def approve(self, request, queryset):
        _set_approval(self, request, queryset, ModelVersion.ApprovalStatus.APPROVED)

    @admin.action(description="Reject selected Pending versions (raises Model Version Status Changed)")
    def reject(self, request, queryset):
        _set_approval(self, request, queryset, ModelVersion.ApprovalStatus.REJECTED)


class EasServiceRevisionInline(admin.TabularInline):
    model = EasServiceRevision
    fk_name = "service"
    fields = ("number", "model_version", "previous_version", "reason", "delivery_id", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EasService)
class EasServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "status", "model_version", "updated_at")
    list_filter = ("status", "created_at")
    search_fields = ("name", *WORKSPACE_SEARCH)
    raw_id_fields = ("workspace", "created_by", "model_version")
    readonly_fields = ("status", "model_version", "created_at", "updated_at")
    inlines = [EasServiceRevisionInline]


@admin.register(EasServiceRevision)
class EasServiceRevisionAdmin(admin.ModelAdmin):
    list_display = ("service", "number", "model_version", "previous_version", "reason", "delivery_id", "created_at")
    list_filter = ("created_at",)
    search_fields = ("service__name", "reason", "delivery_id")
    readonly_fields = ("service", "number", "model_version", "previous_version", "reason", "delivery_id",
                       "remote_response", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(DlcJob)
class DlcJobAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "status", "timeout_minutes", "running_since", "timeout_raised_at")
    list_filter = ("status", ("timeout_raised_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("name", *WORKSPACE_SEARCH)
    raw_id_fields = ("workspace", "created_by")
    readonly_fields = ("status", "running_since", "timeout_raised_at", "created_at", "updated_at")
    actions = ["raise_timeouts"]

    @admin.action(description="Run the Job Timeout check now (all jobs)")
    def raise_timeouts(self, request, queryset):
        raised = dlc_jobs_raise_timeouts()
        self.message_user(request, f"Job Timeout raised for {raised} job(s).", messages.SUCCESS)


@admin.register(DswInstance)
class DswInstanceAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "status", "image_status", "created_at")
    list_filter = ("status", "image_status", "created_at")
    search_fields = ("name", *WORKSPACE_SEARCH)
    raw_id_fields = ("workspace", "created_by")
    readonly_fields = ("status", "image_status", "created_at", "updated_at")


@admin.register(FlowTask)
class FlowTaskAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "status", "created_at")
    list_filter = ("status", "created_at")
    search_fields = ("name", *WORKSPACE_SEARCH)
    raw_id_fields = ("workspace", "created_by")
    readonly_fields = ("status", "created_at", "updated_at")
