"""The audit log: who changed what and when, old and new values with secrets masked.

Every service that changes something calls `audit_record(...)`; refusals are recorded by the console
middleware and the API's exception handler through `access_denied_record(...)`.
"""

from __future__ import annotations

import re

from workspaces.models import AuditLogEntry

MASK = "••••••"
# Words that make a key secret wherever they appear in it ("signing_key", "webhookUrl", "secrets").
SECRET_WORDS = frozenset({
    "secret", "secrets", "key", "keys", "token", "tokens", "password", "passwd", "webhook", "webhooks",
    "sign", "signature", "signing", "credential", "credentials", "authorization", "whsec",
})
# Secrets hidden inside values under innocent keys: a webhook URL's access_token, a `whsec_` secret.
SECRET_IN_TEXT = re.compile(
    r"((?:access_token|token|key|sign|secret)=)[^&\s\"']+|(whsec_)[A-Za-z0-9+/=_-]+", re.IGNORECASE
)


def _words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [word for word in re.split(r"[^a-z0-9]+", spaced.lower()) if word]


def is_secret_key(name: str) -> bool:
    words = _words(name)
    return any(word in SECRET_WORDS for word in words) or "access_token" in name.lower()


def _mask_text(text: str) -> str:
    return SECRET_IN_TEXT.sub(lambda m: (m.group(1) or m.group(2)) + MASK, text)


def mask_values(value, key: str = "", under_secret: bool = False):
    """A copy of `value` where everything under a secret-looking key is masked (keeping the shape:
    [old, new] pairs stay pairs, dicts keep their keys, empty values stay empty so that "set" and
    "cleared" remain visible), and secrets embedded in text (a URL's access_token, a whsec_ secret)
    are masked wherever they are."""
    secret = under_secret or bool(key and is_secret_key(key))
    if isinstance(value, dict):
        return {k: mask_values(v, str(k), secret) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_values(v, key, secret) for v in value]
    if secret and value not in (None, ""):
        return MASK
    if isinstance(value, str):
        return _mask_text(value)
    return value


def audit_changes(before: dict, after: dict) -> dict:
    """{"field": [old, new]} for the fields whose value differs between two snapshots."""
    return {
        name: [before.get(name), after.get(name)]
        for name in dict.fromkeys([*before, *after])
        if before.get(name) != after.get(name)
    }


def audit_record(*, actor, account, action: str, obj=None, object_type: str = "", object_id="",
                 object_repr: str = "", changes: dict | None = None, resource: str = "") -> AuditLogEntry:
    """Record one change. `changes` maps field -> [old, new]; secrets are masked here, whatever the
    caller passed. `actor=None` is the system (Celery tasks, periodic checks, operators' commands)."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    return AuditLogEntry.objects.create(
        account=account,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action[:64],
        object_type=object_type[:64],
        object_id=str(object_id or "")[:64],
        object_repr=_mask_text(str(object_repr))[:256],
        resource=resource[:512],
        changes=mask_values(changes or {}),
    )


def access_denied_record(*, actor, error, request=None) -> AuditLogEntry | None:
    """Record a refused operation (`error` is a workspaces.iam.permissions.AccessDenied), once. Users
    without an account (operators) have no audit log to write to: nothing is recorded for them."""
    if getattr(error, "recorded", False):
        return None  # already in the log (the API's handler and the middleware both see API refusals)
    account = getattr(actor, "account", None) if getattr(actor, "is_authenticated", False) else None
    if account is None:
        return None
    error.recorded = True
    changes = {"action": [None, error.action]}
    if request is not None:
        changes["request"] = [None, f"{request.method} {request.path}"]
    return audit_record(
        actor=actor,
        account=account,
        action="access.denied",
        object_type="permission",
        object_repr=f"{error.action} on {error.resource}",
        resource=error.resource,
        changes=changes,
    )
