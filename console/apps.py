from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "console"
    verbose_name = "Console"

    def ready(self):
        from console import checks  # noqa: F401  (registers the system checks)

        self._production_ready()

    def _production_ready(self):
        """Metrics counted where events and sweeps happen; the admin index links to System."""
        from django.contrib import admin

        from console.metrics import connect_signals

        connect_signals()
        admin.site.index_template = "admin/console_index.html"
