"""One name for a target's signing secret (issue 16): DingTalk's `signing_key` becomes
`signing_secret`, as Lark's and an HTTP target's already were.

The secrets of a target are one Fernet token (console.crypto.EncryptedJSONField), so the key is renamed
inside it: each DingTalk target's secrets are decrypted with FIELD_ENCRYPTION_KEYS and encrypted again
(with the newest key), and the masked copy in `config` is renamed alongside. A target whose secrets no
key can read is left as it is and logged (its deliveries already fail saying so; entering its secrets
again saves them under the new name)."""

import logging

from django.db import migrations

logger = logging.getLogger(__name__)


def _rename(apps, old: str, new: str) -> None:
    from console.crypto import secrets_renamed, secrets_unreadable

    Target = apps.get_model("notifications", "Target")
    for target in Target.objects.filter(method="dingtalk").iterator():
        if secrets_unreadable(target.secrets):
            logger.warning("DingTalk target %s: its secrets cannot be decrypted; %s is not renamed %s",
                           target.pk, old, new)
            continue
        secrets, config = secrets_renamed(target.secrets, old, new), dict(target.config or {})
        if old in config:
            config[new] = config.pop(old)
        if secrets != target.secrets or config != target.config:
            # update(): the row's updated_at stays what the user last saved.
            Target.objects.filter(pk=target.pk).update(secrets=secrets, config=config)


def signing_key_to_signing_secret(apps, schema_editor):
    _rename(apps, "signing_key", "signing_secret")


def signing_secret_to_signing_key(apps, schema_editor):
    _rename(apps, "signing_secret", "signing_key")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0013_replay_jobs")]

    operations = [migrations.RunPython(signing_key_to_signing_secret, signing_secret_to_signing_key)]
