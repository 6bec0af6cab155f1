"""Builds the bench schema: `python -m benchmarks.schema`. With migrations, a plain `migrate`. Until
the project has them, every app is synced from its models (as pytest-django does), because the
project's apps point at auth's tables, which `migrate --run-syncdb` alone would create too late.
The static files are collected (the console pages of (f) need their manifest, current)."""

from __future__ import annotations


class _NoMigrations(dict):
    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from benchmarks.harness import project_has_migrations

    if not project_has_migrations():
        settings.MIGRATION_MODULES = _NoMigrations()
    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # (f) renders pages with the manifest


if __name__ == "__main__":
    main()
