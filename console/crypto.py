"""Secrets at rest: MultiFernet over FIELD_ENCRYPTION_KEYS (newest first).

Rotation: put a new key first in FIELD_ENCRYPTION_KEYS, keep the old ones after it, run
`manage.py rotate_secrets` (re-encrypts every stored secret with the newest key), then drop the old
keys. The keys are their own: never derived from SECRET_KEY, so rotating SECRET_KEY (with
SECRET_KEY_FALLBACKS) leaves every secret readable. Production must set them (a system check refuses
to start without; DEBUG and the tests have their own development keys, see settings).

Versions before issue 13 encrypted with a key derived from SECRET_KEY when FIELD_ENCRYPTION_KEYS was
unset. Those keys (from SECRET_KEY and each of SECRET_KEY_FALLBACKS) are kept at the end of the ring
to *read* such secrets, never to encrypt: `rotate_secrets` re-encrypts them with FIELD_ENCRYPTION_KEYS.

A secret no key can read does not break whatever loads its row: the field reads back as
`UnreadableSecrets` (empty, and saved back unchanged), and a delivery to that target records a
failed attempt saying so (notifications.services.delivery) instead of failing the routing.
"""

import base64
import hashlib
import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.query_utils import DeferredAttribute

MASK = "••••••"


def _legacy_key(secret_key: str) -> bytes:
    """The key versions before issue 13 derived from SECRET_KEY: for reading their secrets only."""
    return base64.urlsafe_b64encode(hashlib.sha256(("field-encryption:" + secret_key).encode()).digest())


@lru_cache(maxsize=8)
def _keys(keys: tuple[str, ...], legacy_secret_keys: tuple[str, ...]) -> tuple[Fernet, ...]:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set: secrets cannot be encrypted. Set it to a Fernet key, e.g. from "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
        )
    try:
        configured = [Fernet(key.encode()) for key in keys]
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), "
            "e.g. from `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
        ) from exc
    return (*configured, *(Fernet(_legacy_key(secret)) for secret in legacy_secret_keys if secret))


def _ring() -> tuple[Fernet, ...]:
    legacy = (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ()))
    return _keys(tuple(settings.FIELD_ENCRYPTION_KEYS), tuple(legacy))


def fernet() -> MultiFernet:
    """Encrypts with the newest key, decrypts with any of them."""
    return MultiFernet(list(_ring()))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


class UndecryptableSecret(ImproperlyConfigured):
    """A stored secret that none of the keys can read."""


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise UndecryptableSecret(
            "A stored secret cannot be decrypted with FIELD_ENCRYPTION_KEYS (was a key removed before "
            "`manage.py rotate_secrets` ran?)"
        ) from exc


def is_current(token: str) -> bool:
    """Whether `token` is already encrypted with the newest key (rotation can skip it)."""
    try:
        _ring()[0].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """The same plaintext, encrypted again with the newest key (raises if no key can read it)."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("A stored secret cannot be decrypted with any of FIELD_ENCRYPTION_KEYS") from exc


def mask(secret: str, keep: int = 4) -> str:
    """What the console and API show of a saved secret: its length hidden, the last few characters."""
    if not secret:
        return ""
    return MASK + (secret[-keep:] if len(secret) > keep * 3 else "")


class SecretDict(dict):
    """The decrypted secrets of a row. A plain dict to the code that sends messages, but its text form
    is masked, so printing, logging, a template's `{{ target.secrets }}`, an admin column or a
    serializer that falls back to str() never shows the values."""

    def __repr__(self) -> str:
        return repr({key: MASK for key in self})

    __str__ = __repr__


class WriteOnlySecretsFormField(forms.CharField):
    """The form field of an EncryptedJSONField (Django admin): never rendered with the saved values.
    Blank keeps what is saved; a JSON object replaces it."""

    widget = forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "placeholder": "saved secrets are not shown"})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Write-only: leave blank to keep the saved secrets, or paste a JSON object.")
        kwargs["required"] = False
        for unused in ("max_length", "empty_value"):
            kwargs.pop(unused, None)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return ""

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None  # keep the saved value (EncryptedJSONField.save_form_data)
        try:
            parsed = json.loads(text)
        except ValueError:
            raise forms.ValidationError("Enter a JSON object, e.g. {\"signing_secret\": \"SEC...\"}.")
        if not isinstance(parsed, dict):
            raise forms.ValidationError("Enter a JSON object, e.g. {\"signing_secret\": \"SEC...\"}.")
        return parsed

    def has_changed(self, initial, data):
        return bool((data or "").strip())


class UnreadableSecrets(SecretDict):
    """What an EncryptedJSONField reads back when no key can decrypt it: no values (senders see an
    empty dict and `secrets_unreadable()` says why), and the stored token kept, so that saving the
    row again does not overwrite it (restoring the key makes it readable again)."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token


def secrets_unreadable(secrets) -> bool:
    return isinstance(secrets, UnreadableSecrets)


def secrets_renamed(secrets: dict, old: str, new: str) -> SecretDict:
    """The same secrets with key `old` named `new` (a data migration renaming a field: saving the
    result encrypts it again with the newest key). A value already under `new` wins over `old`'s."""
    if isinstance(secrets, UnreadableSecrets):
        raise ValueError("secrets no key can read cannot be renamed")
    renamed = SecretDict(secrets)
    if old in renamed:
        value = renamed.pop(old)
        renamed.setdefault(new, value)
    return renamed


UNREADABLE_MESSAGE = ("the target's secrets cannot be decrypted with FIELD_ENCRYPTION_KEYS (a key was removed "
                      "or replaced): restore the key, or enter the target's secrets again")


def _read(value: str) -> SecretDict:
    try:
        return SecretDict(json.loads(decrypt(value)))
    except UndecryptableSecret:
        return UnreadableSecrets(value)


class _SecretsAttribute(DeferredAttribute):
    """Wraps whatever dict is assigned (`Target(secrets={...})`, a default) in a SecretDict, so even
    an unsaved instance never prints its secrets."""

    def __set__(self, instance, value):
        if isinstance(value, dict) and not isinstance(value, SecretDict):
            value = SecretDict(value)
        instance.__dict__[self.field.attname] = value


class EncryptedJSONField(models.TextField):
    """A dict of secrets, stored as one Fernet token. Reads back as a SecretDict (masked when shown)."""

    descriptor_class = _SecretsAttribute

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return SecretDict()
        return _read(value)

    def to_python(self, value):
        if isinstance(value, SecretDict):
            return value
        if isinstance(value, dict):
            return SecretDict(value)
        if value in (None, ""):
            return SecretDict()
        return _read(value)

    def get_prep_value(self, value):
        if isinstance(value, UnreadableSecrets):
            return value.token  # as stored: still readable once the key is back
        if value in (None, "", {}):
            return ""
        return encrypt(json.dumps(dict(value), sort_keys=True))

    def value_to_string(self, obj):
        return "<encrypted>"

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": WriteOnlySecretsFormField, **kwargs})

    def save_form_data(self, instance, data):
        if data is None:
            return  # a blank write-only field keeps the saved secrets
        super().save_form_data(instance, SecretDict(data))
