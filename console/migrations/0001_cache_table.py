"""The table of the database cache (settings.CACHES, the default when CACHE_URL is unset): the API's
throttle counters live there, shared by every web process. `migrate` makes it, so no deployment step
can be forgotten; with a Redis or memory cache there is nothing to make."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies: list = []

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
