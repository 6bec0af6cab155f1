"""An HTTP target's URL becomes one of its secrets (issue 13, F11): it may carry credentials (a token
in the query, user:password@), so it is stored encrypted in `secrets["url"]` and `config["url"]`
keeps the masked copy that pages, the API, admin and the audit log show. Needs FIELD_ENCRYPTION_KEYS
(as every start does). A target whose secrets no key can read keeps its URL where it is (logged)."""

import logging
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from django.db import migrations

logger = logging.getLogger(__name__)
MASK = "••••••"


def _masked(url: str) -> str:  # notifications.channels.http.schema.credentials_masked as of this migration
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return MASK
    netloc = (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    if parts.username or parts.password:
        netloc = f"{MASK}{':' + MASK if parts.password else ''}@{netloc}"
    query = "&".join(f"{quote(name, safe='')}={MASK if value else ''}"
                     for name, value in parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def url_into_secrets(apps, schema_editor):
    from console.crypto import secrets_unreadable

    Target = apps.get_model("notifications", "Target")
    for target in Target.objects.filter(method="http").iterator():
        url = (target.config or {}).get("url", "")
        if not url or "url" in target.secrets:
            continue
        if secrets_unreadable(target.secrets):
            logger.warning("HTTP target %s: its secrets cannot be decrypted; its URL stays unencrypted", target.pk)
            continue
        target.secrets = {**target.secrets, "url": url}
        target.config = {**target.config, "url": _masked(url)}
        target.save(update_fields=["secrets", "config"])


def url_back_into_config(apps, schema_editor):
    from console.crypto import secrets_unreadable

    Target = apps.get_model("notifications", "Target")
    for target in Target.objects.filter(method="http").iterator():
        if secrets_unreadable(target.secrets) or "url" not in target.secrets:
            continue
        secrets = dict(target.secrets)
        target.config = {**target.config, "url": secrets.pop("url")}
        target.secrets = secrets
        target.save(update_fields=["secrets", "config"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_routing_keys")]

    operations = [migrations.RunPython(url_into_secrets, url_back_into_config)]
