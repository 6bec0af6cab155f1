"""Rotate a target's signing secret in place: the target keeps its id, its other settings and its
deliveries (each send reads the secrets when it is made, so the next one signs with the new secret).

One name across methods: `signing_secret`. An HTTP/HTTPS target's is made here (`whsec_`, returned once,
masked afterwards); DingTalk's and Lark's are the bot's own, so the caller gives the new one. Methods
without a signing secret are refused naming the ones that have one."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from console.crypto import mask, secrets_unreadable
from notifications.channels.registry import METHODS, METHODS_BY_KEY
from notifications.channels.schema import MASK_PREFIX, MAX_VALUE_LENGTH
from notifications.models import Target
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import RULE, Check, operation

NAME = "signing_secret"


@dataclass
class Rotation:
    target: Target
    revealed: str | None  # a secret made now (HTTP/HTTPS): shown once, in this answer only


def _made_here(schema) -> bool:
    return NAME in schema.generated_secrets


def rotatable_methods() -> list[str]:
    """The methods whose targets have a signing secret to rotate."""
    return [m.key for m in METHODS if _made_here(m.schema) or NAME in m.schema.secret_fields()]


def target_secret_rotatable(target) -> bool:
    method = METHODS_BY_KEY.get(target.method)
    return method is not None and method.key in rotatable_methods()


def _given(schema, value) -> str:
    """The new secret the caller gives (DingTalk, Lark), checked by the method's own rule."""
    text = value.strip() if isinstance(value, str) else ""
    label = schema.field(NAME).label
    if not text or MASK_PREFIX in text:
        raise ValidationError({NAME: [f"Enter the new {label.lower()}: the bot's own secret, in clear (it is stored "
                                      "encrypted and shown masked)."]})
    if len(text) > MAX_VALUE_LENGTH or any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise ValidationError({NAME: [f"{label} takes at most {MAX_VALUE_LENGTH} characters and no control "
                                      "characters."]})
    return schema.clean_secret(NAME, text)


def _rule_values(target=None, rule=None, **_) -> dict:
    """The target's rule (a page asking whether to show the button for a rule's targets gives `rule`)."""
    rule = rule if rule is not None else target.rule
    workspace = rule.bus.workspace
    return {"account": workspace.account, "workspace": workspace.name, "rule": rule.name}


@operation(Check("eventbridge:UpdateTargets", RULE), values=_rule_values)
def target_secret_rotate(*, actor, target: Target, signing_secret=None) -> Rotation:
    """Replace the target's signing secret. HTTP/HTTPS: a new `whsec_` secret is made (sending one is
    refused); DingTalk and Lark: `signing_secret` is the new one, checked like at save."""
    method = METHODS_BY_KEY.get(target.method)
    if method is None or method.key not in rotatable_methods():
        label = method.label if method else target.method
        raise ValidationError({"method": [f"A {label} target has no signing secret; the methods with one are: "
                                          f"{', '.join(rotatable_methods())}."]})
    schema = method.schema()
    if _made_here(schema):
        if signing_secret not in (None, ""):
            raise ValidationError({NAME: ["An HTTP/HTTPS target's signing secret is made by the server: send no "
                                          "signing_secret; the answer shows the new one once."]})
        secret = schema.new_secret()
        hint = schema.secret_hint(secret)
    else:
        secret = _given(schema, signing_secret)
        hint = mask(secret)
    with transaction.atomic():
        locked = Target.objects.select_for_update().get(pk=target.pk)
        if secrets_unreadable(locked.secrets):
            raise ValidationError({NAME: ["The target's saved secrets cannot be decrypted (a key of "
                                          "FIELD_ENCRYPTION_KEYS was removed): edit the target and enter all its "
                                          "secrets again."]})
        old_hint = (locked.config or {}).get(NAME, "")
        Target.objects.filter(pk=locked.pk).update(secrets={**locked.secrets, NAME: secret},
                                                   config={**(locked.config or {}), NAME: hint})
        audit_record(actor=actor, account=target.rule.bus.workspace.account, action="target.rotate_secret",
                     obj=locked, changes={NAME: [old_hint or None, hint]})
    target.refresh_from_db()
    return Rotation(target=target, revealed=secret if _made_here(schema) else None)
