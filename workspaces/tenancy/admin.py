"""Django admin for accounts, workspaces, event buses and service-linked roles (operators)."""

from django.contrib import admin, messages

from workspaces.models import Account, EventBus, ServiceLinkedRole, Workspace
from workspaces.tenancy.services.eventbridge import eventbridge_activate, service_role_grant


class WorkspaceInline(admin.TabularInline):
    model = Workspace
    fields = ("name", "description", "created_by", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("created_by",)
    extra = 0
    show_change_link = True


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("name", "uid", "alias", "eventbridge_activated_at", "owner_names", "workspace_count", "created_at")
    list_filter = (("eventbridge_activated_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("name", "uid", "alias", "users__username")
    readonly_fields = ("created_at",)
    fields = ("name", "uid", "alias", "eventbridge_activated_at", "outbound_allowed_networks", "created_at")
    inlines = [WorkspaceInline]
    actions = ["activate_eventbridge", "grant_service_role"]

    @admin.display(description="Owners")
    def owner_names(self, account):
        return ", ".join(u.username for u in account.users.all() if u.is_account_owner)

    @admin.display(description="Workspaces")
    def workspace_count(self, account):
        return account.workspaces.count()

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("users")

    # Operators act as the system (actor None): the services' checks are for account users.
    @admin.action(description="Activate EventBridge (create the workspace buses)")
    def activate_eventbridge(self, request, queryset):
        created = sum(len(eventbridge_activate(actor=None, account=a).buses_created) for a in queryset)
        self.message_user(request, f"EventBridge active for {queryset.count()} account(s); {created} bus(es) created.",
                          messages.SUCCESS)

    @admin.action(description="Grant Access (create AliyunServiceRoleForPAIWorkspace)")
    def grant_service_role(self, request, queryset):
        created = sum(service_role_grant(actor=None, account=a).created for a in queryset)
        self.message_user(request, f"Service-linked role present for {queryset.count()} account(s); {created} created.",
                          messages.SUCCESS)


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "event_bus_name", "created_by", "created_at")
    list_filter = ("account", ("event_bus", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("name", "description", "account__name", "account__uid")
    list_select_related = ("account", "created_by", "event_bus")
    raw_id_fields = ("created_by",)
    readonly_fields = ("created_at",)

    @admin.display(description="Event bus")
    def event_bus_name(self, workspace):
        bus = getattr(workspace, "event_bus", None)
        return bus.name if bus else "—"


@admin.register(EventBus)
class EventBusAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "account", "arn", "created_at")
    list_filter = ("account", "created_at")
    search_fields = ("name", "workspace__name", "account__name", "account__uid")
    list_select_related = ("account", "workspace")
    readonly_fields = ("arn", "created_at")


@admin.register(ServiceLinkedRole)
class ServiceLinkedRoleAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "arn", "created_by", "created_at")
    list_filter = ("account", "created_at")
    search_fields = ("name", "account__name", "account__uid", "created_by__username")
    list_select_related = ("account", "created_by")
    raw_id_fields = ("created_by",)
    readonly_fields = ("arn", "created_at")
