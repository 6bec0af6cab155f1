"""`manage.py operations_doc`: rewrite docs/operations.md from the operations' declarations (each
operation, the RAM actions it checks and on which resource; each action's documented resource).
`--check` only says whether the file is up to date (exit status 1 when it is not)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workspaces.iam.operations import operations_markdown


class Command(BaseCommand):
    help = "Rewrite docs/operations.md from the operations' declarations."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only check that the file is up to date.")

    def handle(self, *args, check=False, **options):
        path = Path(settings.BASE_DIR) / "docs" / "operations.md"
        text = operations_markdown()
        if check:
            if not path.exists() or path.read_text() != text:
                raise CommandError(f"{path} is stale: run `manage.py operations_doc`.")
            self.stdout.write(f"{path} is up to date.")
            return
        path.write_text(text)
        self.stdout.write(f"Wrote {path}.")
