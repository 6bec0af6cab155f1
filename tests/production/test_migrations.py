"""The delivery's copied workspace is filled in for deliveries that existed before the migration."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("notifications", "0006_event_origin")]
AFTER = [("notifications", "0008_history_indexes")]


def test_existing_deliveries_get_their_events_workspace(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        # The models as they are with every other app at its latest migration.
        others = [key for key in executor.loader.graph.leaf_nodes() if key[0] != "notifications"]
        old = executor.loader.project_state(BEFORE + others).apps
        account = old.get_model("workspaces", "Account").objects.create(name="acme", uid="1234567890123456",
                                                                        alias="acme")
        workspace = old.get_model("workspaces", "Workspace").objects.create(account=account, name="ws")
        event = old.get_model("notifications", "Event").objects.create(
            event_id="e", account=account, workspace=workspace, source="dlc_job", type="pai:DLC:JobFailed",
            envelope={}, status="published")
        old.get_model("notifications", "Delivery").objects.create(event=event, channel="http",
                                                                   deadline_at=timezone.now())
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
    try:
        new = executor.loader.project_state(AFTER).apps
        delivery = new.get_model("notifications", "Delivery").objects.get()
        assert delivery.workspace_id == workspace.pk
    finally:
        # Back to the latest schema: the tests after this one expect every migration applied.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
