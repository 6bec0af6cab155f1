"""The message fields of a target in the Create Notice Rule drawer: its language and its title and
body templates, with the variables of the rule's event types and the Preview controls beside them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.catalog import event_type_label, event_variables
from notifications.channels.composer import MessageSettings
from notifications.channels.default_templates import LANGUAGE_LABELS
from notifications.channels.digest import digest_supported
from notifications.channels.registry import message_channels
from notifications.channels.templating import MAX_BODY_CHARS, MAX_TITLE_CHARS

MESSAGE_FIELDS = ("language", "title_template", "body_template")
DIGEST_FIELD = "digest"
DIGEST_CHOICES = [("on", _("One digest of the waiting events at the bot's next free slot")),
                  ("off", _("One message per event, as slots free up"))]


def method_digests(method) -> bool:
    """Whether a delivery method's messages can be folded into digests (the chat bots)."""
    return any(digest_supported(channel) for channel in message_channels(method.key))


def digest_field() -> forms.Field:
    return forms.ChoiceField(
        label=_("When the bot is full"), required=False, choices=DIGEST_CHOICES,
        help_text=_("DingTalk and WeCom take 20 messages a minute per bot, Lark 5 a second and 100 a minute. Events "
                    "that wait for a full (or throttled) bot go out as one digest naming them, or one by one."))


def message_fields() -> dict[str, forms.Field]:
    return {
        "language": forms.ChoiceField(
            label=_("Message language"), required=False,
            choices=[("", _("The account's language")), *LANGUAGE_LABELS.items()],
            help_text=_("The language of the default templates and of the event labels in messages.")),
        "title_template": forms.CharField(
            label=_("Title template"), required=False, max_length=MAX_TITLE_CHARS,
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            help_text=_("Empty: the default title of the message language. Variables are written ${resource.name}.")),
        "body_template": forms.CharField(
            label=_("Body template"), required=False, max_length=MAX_BODY_CHARS,
            widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "mono"}),
            help_text=_("Empty: the default body. Written in the channel's markup (markdown for DingTalk and WeCom, "
                        "Lark card markdown, plain text for email and SMS); variables' values are escaped for it. "
                        "Write $$ for a dollar sign.")),
    }


class TargetMessageMixin:
    """A TargetForm's message settings and Preview choices, as posted (the service checks them)."""

    def message_values(self) -> dict:
        """The target's language and templates as posted (the service checks them)."""
        if not self.delivery_method.templated:
            return {}
        values = {name: self.data.get(self.add_prefix(name), "") for name in MESSAGE_FIELDS}
        if method_digests(self.delivery_method):
            values[DIGEST_FIELD] = self.data.get(self.add_prefix(DIGEST_FIELD), "") or "on"
        return values

    @property
    def preview_event_type(self) -> str:
        return self.data.get(self.add_prefix("preview_event_type"), "")

    @property
    def preview_channel(self) -> str:
        return self.data.get(self.add_prefix("preview_channel"), "")

    @property
    def preview_example(self) -> bool:
        """Preview (and test) with the catalog's example rather than the workspace's last event."""
        return self.data.get(self.add_prefix("preview_example")) == "on"

    def preview_channels(self) -> list[str]:
        return message_channels(self.delivery_method.key)

    def message_open(self) -> bool:
        """The message settings are shown open when they hold something or something is wrong."""
        values = self.message_values()
        return (any(values.get(name) for name in MESSAGE_FIELDS) or values.get(DIGEST_FIELD) == "off"
                or any(name in self.errors for name in (*MESSAGE_FIELDS, DIGEST_FIELD)))

    def message_settings(self) -> MessageSettings:
        values = self.message_values()
        return MessageSettings(language=values.get("language", ""), title_template=values.get("title_template", ""),
                               body_template=values.get("body_template", ""))


def variables_for(event_types: list[str]) -> list[dict]:
    """The variables every one of the rule's event types has (what a template may use), for the drawer."""
    rows, known = {}, None
    for event_type in event_types or [""]:
        variables = {variable.name: variable for variable in event_variables(event_type)}
        rows.update(variables)
        known = set(variables) if known is None else known & set(variables)
    first = (event_types or [""])[0]
    examples = {"event.label": event_type_label(first), "event.type": first} if first else {}
    return [{"name": name, "description": rows[name].description, "example": examples.get(name, rows[name].example)}
            for name in rows if name in (known or set())]

