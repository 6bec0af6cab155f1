from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _catalog_routing_keys(sender, using="default", verbosity=1, stdout=None, **kwargs):
    """After every `migrate` (`manage.py deploy` runs it on each upgrade): give the "all event types"
    rules the routing keys of the types the catalog gained, so they receive them without a scan."""
    from django.db import connections

    from notifications.models import RoutingKey, Rule
    from notifications.services.routing_keys import catalog_routing_keys_sync

    tables = set(connections[using].introspection.table_names())
    if not {Rule._meta.db_table, RoutingKey._meta.db_table} <= tables:
        return  # migrated back before the rules existed
    added, removed = catalog_routing_keys_sync()
    if (added or removed) and verbosity >= 1 and stdout is not None:
        stdout.write(f"  Routing keys of all-event-types rules: {added} added, {removed} removed (catalog change).")


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Event notifications"

    def ready(self):
        post_migrate.connect(_catalog_routing_keys, sender=self, dispatch_uid="notifications.catalog_routing_keys")
