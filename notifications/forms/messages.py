"""The message fields of a target in the Create Notice Rule drawer: its language and its title and
body templates, with the variables of the rule's event types and the Preview controls beside them."""

from __future__ import annotations

from django import forms

from notifications.catalog import event_type_label, event_variables
from notifications.channels.default_templates import LANGUAGE_LABELS, default_body, default_title
from notifications.channels.templating import MAX_BODY_CHARS, MAX_TITLE_CHARS

MESSAGE_FIELDS = ("language", "title_template", "body_template")


def message_fields() -> dict[str, forms.Field]:
    return {
        "language": forms.ChoiceField(
            label="Message language", required=False,
            choices=[("", "The account's language"), *LANGUAGE_LABELS.items()],
            help_text="The language of the default templates and of the event labels in messages."),
        "title_template": forms.CharField(
            label="Title template", required=False, max_length=MAX_TITLE_CHARS,
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            help_text="Empty: the default title of the message language. Variables are written ${resource.name}."),
        "body_template": forms.CharField(
            label="Body template", required=False, max_length=MAX_BODY_CHARS,
            widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "mono"}),
            help_text="Empty: the default body. Written in the channel's markup (markdown for DingTalk and WeCom, "
                      "Lark card markdown, plain text for email and SMS); variables' values are escaped for it. "
                      "Write $$ for a dollar sign."),
    }


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


def default_texts(event_type: str, channel: str, language: str) -> dict:
    return {"title": default_title(event_type, language), "body": default_body(event_type, channel, language)}
