"""Who published an event: the platform, or a user through PutEvents (finding F3 of the security
review: a user's forged approval must not act with the platform's authority). Events recorded before
this migration cannot tell, and are marked so: an EAS switch refuses them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ORIGINS = [
    ("platform", "Raised by the platform"),
    ("put_events", "Put by a user (PutEvents)"),
    ("unknown", "Recorded before publishers were"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0005_eas_update_channel"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Existing rows get "unknown"; new rows default to the platform (publish sets it anyway).
        migrations.AddField(
            model_name="event", name="origin",
            field=models.CharField(choices=ORIGINS, default="unknown", max_length=16),
        ),
        migrations.AlterField(
            model_name="event", name="origin",
            field=models.CharField(choices=ORIGINS, default="platform", max_length=16),
        ),
        migrations.AddField(
            model_name="event", name="published_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
    ]
