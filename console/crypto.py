"""Secrets at rest: MultiFernet over FIELD_ENCRYPTION_KEYS (newest first).

Rotation: put a new key first in FIELD_ENCRYPTION_KEYS, keep the old ones after it, run
`manage.py rotate_secrets` (re-encrypts every stored secret with the newest key), then drop the old
keys. Without FIELD_ENCRYPTION_KEYS a key is derived from SECRET_KEY (demo only).
"""

import base64
import hashlib
import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = base64.urlsafe_b64encode(hashlib.sha256(("field-encryption:" + secret_key).encode()).digest())
        return MultiFernet([Fernet(derived)])
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), "
            "e.g. from `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted with FIELD_ENCRYPTION_KEYS (was a key removed before "
            "`manage.py rotate_secrets` ran?)"
        ) from exc


def rotate(token: str) -> str:
    return fernet().rotate(token.encode()).decode()


def mask(secret: str, keep: int = 4) -> str:
    """What the console and API show of a saved secret: its length hidden, the last few characters."""
    if not secret:
        return ""
    return "••••••" + (secret[-keep:] if len(secret) > keep * 3 else "")


class EncryptedJSONField(models.TextField):
    """A dict of secrets, stored as one Fernet token. Reads back as a dict."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return {}
        return json.loads(decrypt(value))

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        if value in (None, ""):
            return {}
        return json.loads(decrypt(value))

    def get_prep_value(self, value):
        if value in (None, "", {}):
            return ""
        return encrypt(json.dumps(value, sort_keys=True))

    def value_to_string(self, obj):
        return "<encrypted>"
