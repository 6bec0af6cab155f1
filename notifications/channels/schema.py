"""What every delivery method's config schema shares.

A schema knows its fields (label, help, secret or not, required, widget), validates raw input into a
`CleanedConfig` (non-secret `config`, encrypted `secrets`, the quota units it uses, the secrets made
now that are shown once), and says which fields are secrets. Forms, serializers, the rule services
and Test Connectivity all use it; each method's package subclasses it in its own `schema.py`.

Secrets follow one rule everywhere: a secret input left blank (or sent back masked, as the console
and API display it) means "unchanged" when a stored value exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from console.crypto import mask
from notifications.channels.outbound import OutboundRefused, destination_check_at_save

MASK_PREFIX = "••••••"
MAX_URL_LENGTH = 1024
MAX_VALUE_LENGTH = 2048


@dataclass(frozen=True)
class ConfigField:
    name: str
    label: str
    help: str = ""
    secret: bool = False
    required: bool = True
    # How the drawer draws it: "text", "url", or a picker named for what it picks ("contacts",
    # "eas_service"); pickers take their options from the schema's `choices`.
    widget: str = "text"
    placeholder: str = ""
    # For a contacts picker: the channel it is for (voice, sms, email).
    channel: str = ""
    # A picker: one value (or a list of values with `multiple`) among the schema's `choices`.
    picks: bool = False
    multiple: bool = False
    # What the API takes, when more than text: "a list of contact ids".
    api_value: str = ""
    # A picker whose options a user sees only with this action on `<service>:...:<list_resource>`
    # (contacts: cms:DescribeContactList on contact/*); others see the options already chosen.
    list_action: str = ""
    list_resource: str = ""

    def help_line(self) -> str:
        """`name (what it takes)`, for the API's documentation of a target's config."""
        notes = [self.api_value] if self.api_value else []
        if not self.required and not self.multiple:
            notes.append("optional")
        return self.name + (f" ({', '.join(notes)})" if notes else "")


@dataclass(frozen=True)
class SchemaContext:
    """Where a target is being configured (contacts belong to the account, resources to the
    workspace)."""

    account: Any
    workspace: Any


@dataclass
class CleanedConfig:
    config: dict
    secrets: dict
    units: int = 1
    revealed: dict = field(default_factory=dict)  # secrets generated now: shown once, then masked
    contacts: list = field(default_factory=list)  # [(channel, Contact)], one quota unit each


def is_blank_or_masked(value) -> bool:
    text = "" if value is None else str(value).strip()
    return not text or MASK_PREFIX in text


class ConfigSchema:
    """Subclasses set `fields` and implement `clean_values`."""

    fields: ClassVar[tuple[ConfigField, ...]] = ()
    # Secrets that are not inputs (made by the schema itself, e.g. an HTTP target's whsec_ secret).
    generated_secrets: ClassVar[tuple[str, ...]] = ()
    # True when clean_values checks each present field on its own, so that required-field errors
    # and format errors of other fields are reported together.
    cleans_partially: ClassVar[bool] = False

    @classmethod
    def secret_fields(cls) -> tuple[str, ...]:
        """The input fields that are secrets (write-only, masked after saving)."""
        return tuple(f.name for f in cls.fields if f.secret)

    @classmethod
    def fields_help(cls) -> str:
        return ", ".join(config_field.help_line() for config_field in cls.fields)

    @classmethod
    def field(cls, name: str) -> ConfigField:
        for config_field in cls.fields:
            if config_field.name == name:
                return config_field
        raise KeyError(name)

    # --- validation ---------------------------------------------------------------------------
    def validate(self, values: dict, *, context: SchemaContext, stored_secrets: dict | None = None) -> CleanedConfig:
        """Raise ValidationError({field: [message]}) or return the cleaned config."""
        values = dict(values or {})
        stored = dict(stored_secrets or {})
        errors: dict[str, list[str]] = {}
        text: dict[str, Any] = {}
        known = [config_field.name for config_field in self.fields]
        for name in values:
            if name in self.generated_secrets:
                if not is_blank_or_masked(values[name]):
                    errors[name] = ["This secret is made by the server and cannot be set: leave it out (or send "
                                    "back the masked value). A new target gets a new one, shown once; Rotate "
                                    "signing secret (POST .../targets/<id>/rotate-secret/) makes a new one."]
            elif name not in known:
                errors[str(name)] = [f"Unknown field; this method takes: {', '.join(known) or 'nothing'}."]
        for config_field in self.fields:
            raw = values.get(config_field.name)
            if config_field.multiple:
                text[config_field.name] = raw
                continue
            value = "" if raw is None else (raw if isinstance(raw, str) else str(raw)).strip()
            if any(ord(char) < 32 or ord(char) == 127 for char in value):
                errors.setdefault(config_field.name, []).append(f"{config_field.label} contains control characters.")
                continue
            if len(value) > MAX_VALUE_LENGTH:
                errors.setdefault(config_field.name, []).append(
                    f"{config_field.label} has {len(value)} characters; the limit is {MAX_VALUE_LENGTH}.")
                continue
            if config_field.secret and is_blank_or_masked(value):
                # Blank keeps the saved secret; an explicit null removes an optional one.
                removed = raw is None and config_field.name in values and not config_field.required
                value = "" if removed else stored.get(config_field.name, "")
                if not value and MASK_PREFIX in str(raw or ""):
                    errors.setdefault(config_field.name, []).append(
                        f"Enter the {config_field.label.lower()}: there is no saved value to keep."
                    )
                    continue
            if config_field.required and not value:
                errors.setdefault(config_field.name, []).append(f"{config_field.label} is required.")
                continue
            text[config_field.name] = value
        if errors and not self.cleans_partially:
            raise ValidationError(errors)
        try:
            cleaned = self.clean_values(text, context=context, stored_secrets=stored)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        return cleaned

    def clean_values(self, values: dict, *, context: SchemaContext, stored_secrets: dict) -> CleanedConfig:
        raise NotImplementedError

    def count_units(self, values: dict) -> int:
        """Quota units of unvalidated input (the form's live counter): one unless overridden."""
        return 1

    # --- reading a saved target ---------------------------------------------------------------
    def saved_units(self, target) -> int:
        return 1

    def initial_values(self, target) -> dict:
        """Values for an edit form: non-secret config; secrets stay blank ("unchanged")."""
        return {f.name: target.config.get(f.name, "") for f in self.fields if not f.secret}

    def masked(self, target) -> dict:
        """What the console and API show of a saved target: config, and each secret masked."""
        shown = {f.name: target.config.get(f.name, "") for f in self.fields if not f.secret}
        # The masked copies kept in config when the target was saved. The secrets themselves are read
        # (and decrypted) only for a target saved without them, and never when a list left them
        # unloaded: that would cost a query per target.
        loaded = "secrets" not in target.get_deferred_fields()
        for name in self.secret_fields():
            shown[name] = target.config.get(name) or (mask((target.secrets or {}).get(name, "")) if loaded else "")
        return shown

    def summary(self, target) -> str:
        """One line for the rules table (never a secret in clear)."""
        return ""

    def recipient_label(self, target) -> str:
        """How a delivery to this target names its recipient ("" for the method's label)."""
        return ""

    def choices(self, name: str, *, context: SchemaContext) -> list[tuple[str, str]]:
        """The options of picker field `name` (value, label) where the target is being configured."""
        return []


# --- webhooks ---------------------------------------------------------------------------------
def extra_host_admitted(parts) -> bool:
    """WEBHOOK_EXTRA_HOSTS entries are `host` or `host:port` (tests and self-hosted relays)."""
    entries = [entry.strip().lower() for entry in getattr(settings, "WEBHOOK_EXTRA_HOSTS", []) if entry.strip()]
    host = (parts.hostname or "").lower()
    netloc = host + (f":{parts.port}" if parts.port else "")
    return host in entries or netloc in entries


def split_url(url: str, field_name: str, *, allow_userinfo: bool = False):
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError({field_name: [f"The URL has {len(url)} characters; the limit is {MAX_URL_LENGTH}."]})
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        raise ValidationError({field_name: ["Enter a valid URL."]})
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise ValidationError({field_name: ["Enter a valid http:// or https:// URL."]})
    if (parts.username or parts.password) and not allow_userinfo:
        raise ValidationError({field_name: ["The URL must not contain a user name or password."]})
    return parts


TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def check_webhook(url: str, *, field_name: str, hosts: tuple[str, ...], example: str, shape, token=None) -> None:
    """A provider webhook: https on the provider's host with the provider's path and token (`shape`
    returns True). A host WEBHOOK_EXTRA_HOSTS admits takes http or https and any path, but still a
    well-formed token where the provider carries one (`token` returns it: letters, digits, - and _)."""
    parts = split_url(url, field_name)
    if extra_host_admitted(parts):
        if token is not None and not TOKEN.match(token(parts)):
            raise ValidationError({field_name: [
                "The webhook's token is missing or holds characters other than letters, digits, - and _ "
                f"(an admitted host keeps the provider's token: {example})"]})
        return
    if parts.scheme != "https" or (parts.hostname or "").lower() not in hosts or parts.port not in (None, 443):
        raise ValidationError({field_name: [f"Enter the bot's webhook, like {example}"]})
    if not shape(parts):
        raise ValidationError({field_name: [f"The webhook has no token; it looks like {example}"]})


def check_destination(url: str, *, field_name: str, context: SchemaContext | None) -> None:
    """The guard every send goes through (notifications.channels.outbound), applied at save: an address
    no send may reach (loopback, private, link-local, metadata...) is refused now, with the reason. A
    name that does not resolve here, or not within SAVE_LOOKUP_SECONDS, passes: the worker resolves it
    again at each send."""
    networks = getattr(getattr(context, "account", None), "outbound_allowed_networks", "") or ""
    try:
        destination_check_at_save(url, tenant_networks=networks)
    except OutboundRefused as refusal:
        if refusal.reason != "dns":
            raise ValidationError({field_name: [f"This address cannot receive notifications: {refusal}."]}) from None


def query_value(parts, name: str) -> str:
    return dict(parse_qsl(parts.query, keep_blank_values=True)).get(name, "")


def mask_webhook(url: str, token_params: tuple[str, ...] = ("access_token", "key")) -> str:
    """The display form of a webhook: the token (a query value or the last path segment) masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return mask(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(name in token_params for name, _ in query):
        masked_query = "&".join(
            f"{n}={mask(v)}" if n in token_params else urlencode([(n, v)]) for n, v in query
        )
        return urlunsplit((parts.scheme, parts.netloc, parts.path, masked_query, ""))
    head, _, last = parts.path.rpartition("/")
    if last:
        return urlunsplit((parts.scheme, parts.netloc, f"{head}/{mask(last)}", "", ""))
    base = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return base + (f"?{mask(parts.query)}" if parts.query else "")


WEBHOOK_HELP = "The webhook carries the bot's token: it is stored encrypted and shown masked after saving."


class ChatWebhookSchema(ConfigSchema):
    """A chat bot reached by a webhook URL (the URL is the secret: it carries the token)."""

    hosts: ClassVar[tuple[str, ...]] = ()
    example: ClassVar[str] = ""
    cleans_partially = True

    def webhook_shape(self, parts) -> bool:
        raise NotImplementedError

    def webhook_token(self, parts) -> str:
        """The bot's token in a webhook (checked on relays WEBHOOK_EXTRA_HOSTS admits too)."""
        raise NotImplementedError

    def clean_webhook(self, url: str, context: SchemaContext | None = None) -> str:
        check_webhook(url, field_name="webhook", hosts=self.hosts, example=self.example, shape=self.webhook_shape,
                      token=self.webhook_token)
        check_destination(url, field_name="webhook", context=context)
        return url

    def clean_values(self, values, *, context, stored_secrets):
        errors: dict[str, list[str]] = {}
        secrets: dict[str, str] = {}
        for name in self.secret_fields():
            if not values.get(name):
                continue
            try:
                secrets[name] = self.clean_webhook(values[name], context) if name == "webhook" else self.clean_secret(
                    name, values[name])
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
        if errors or "webhook" not in secrets:
            raise ValidationError(errors)
        config = {"webhook": mask_webhook(secrets["webhook"])}
        for name in secrets:
            if name != "webhook":
                config[name] = mask(secrets[name])
        return CleanedConfig(config=config, secrets=secrets)

    def clean_secret(self, name: str, value: str) -> str:
        return value

    def summary(self, target) -> str:
        return target.config.get("webhook", "")
