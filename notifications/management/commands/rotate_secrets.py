"""Re-encrypt every stored secret with the newest key of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS, keep the old ones after it, run this, then
remove the old keys. Every EncryptedJSONField of every installed model is found by introspection, so
a new secret-holding model is covered without editing this command."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models.functions import Cast

from console import crypto
from console.crypto import EncryptedJSONField

BATCH_SIZE = 500


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedJSONField]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedJSONField)
    ]


def stored_tokens(model, field):
    """(pk, the Fernet token as stored): cast to text so the field's decryption does not run."""
    return (
        model._default_manager.annotate(_token=Cast(field.attname, models.TextField()))
        .exclude(_token="")
        .exclude(_token__isnull=True)
        .values_list("pk", "_token")
        .order_by("pk")
    )


class Command(BaseCommand):
    help = "Re-encrypt every stored secret (every EncryptedJSONField) with the newest FIELD_ENCRYPTION_KEYS key."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be re-encrypted; change nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        totals = {"stored": 0, "rotated": 0, "current": 0}
        for model, field in encrypted_fields():
            counts = self._rotate_field(model, field, dry_run=dry_run)
            for key, value in counts.items():
                totals[key] += value
            self.stdout.write(
                f"{model._meta.label}.{field.name}: {counts['stored']} stored, "
                f"{counts['rotated']} {'to re-encrypt' if dry_run else 're-encrypted'}, "
                f"{counts['current']} already on the newest key"
            )
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Dry run: ' if dry_run else ''}{verb} {totals['rotated']} of {totals['stored']} stored secrets "
                f"({totals['current']} already on the newest key)."
            )
        )

    def _rotate_field(self, model, field, *, dry_run: bool) -> dict[str, int]:
        counts = {"stored": 0, "rotated": 0, "current": 0}
        pending: list[tuple[object, str]] = []
        for pk, token in stored_tokens(model, field).iterator(chunk_size=BATCH_SIZE):
            counts["stored"] += 1
            if crypto.is_current(token):
                counts["current"] += 1
                continue
            # Decrypt now, even in a dry run: a secret no key can read stops the command before
            # anything is written, naming the row.
            try:
                pending.append((pk, crypto.rotate(token)))
            except Exception as exc:
                raise type(exc)(f"{model._meta.label} pk={pk}, field {field.name}: {exc}") from exc
        if not dry_run:
            with transaction.atomic():
                for pk, new_token in pending:
                    # A Value with a plain TextField output: stored as given, not encrypted again.
                    model._default_manager.filter(pk=pk).update(
                        **{field.attname: models.Value(new_token, output_field=models.TextField())}
                    )
        counts["rotated"] = len(pending)
        return counts
