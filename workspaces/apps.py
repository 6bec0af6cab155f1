from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "workspaces"
    verbose_name = "Accounts and workspaces"

    def ready(self):
        # The EAS service update channel acts on EAS services through its port, never by importing
        # these services: they are plugged in here, once the models are loaded.
        from notifications.channels.eas_update.port import eas_port_register
        from workspaces.pai_resources.eas_port import WorkspacesEasPort

        eas_port_register(WorkspacesEasPort())
