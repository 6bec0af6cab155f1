# The event's workspace copied onto each delivery (the deliveries list reads one index range).

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
UPDATE notifications_delivery SET workspace_id = (
    SELECT notifications_event.workspace_id FROM notifications_event
    WHERE notifications_event.id = notifications_delivery.event_id)
WHERE workspace_id IS NULL
"""


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0006_event_origin'),
        ('workspaces', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='delivery',
            name='workspace',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspaces.workspace'),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
