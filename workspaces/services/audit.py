"""The audit log: who changed what and when, old and new values with secrets masked."""

from __future__ import annotations

from workspaces.models import AuditLogEntry

SECRET_KEYS = ("secret", "signing_key", "token", "password", "webhook", "access_token", "key", "sign")


def _is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(part in lowered for part in SECRET_KEYS)


def mask_values(value, key: str = ""):
    """A copy of `value` where everything under a secret-looking key is masked."""
    if isinstance(value, dict):
        return {k: mask_values(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_values(v, key) for v in value]
    if key and _is_secret(key) and value not in (None, ""):
        return "••••••"
    return value


def audit_record(*, actor, account, action: str, obj=None, object_type: str = "", object_id="",
                 object_repr: str = "", changes: dict | None = None) -> AuditLogEntry:
    """Record one change. `changes` maps field -> [old, new]; secrets are masked here, whatever the
    caller passed."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    return AuditLogEntry.objects.create(
        account=account,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_repr=str(object_repr)[:256],
        changes=mask_values(changes or {}),
    )
