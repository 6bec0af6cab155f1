"""A target's messages in the API: its language and templates, as part of a rule's targets, Preview
and Test Connectivity (the views are in `previews.py`)."""

from __future__ import annotations

from rest_framework import serializers

from console.api import serializers as api_serializers
from notifications.channels.composer import MessageSettings, templates_check
from notifications.channels.default_templates import LANGUAGE_LABELS
from notifications.channels.templating import MAX_BODY_CHARS, MAX_TITLE_CHARS

LANGUAGE_HELP = ("The message language: zh-CN or en-US; empty for the account's language "
                 "(unset: zh-CN when the console runs in Chinese, else en-US).")
TEMPLATE_HELP = ("Empty for the default of the message language. Variables are written ${resource.name}: those of "
                 "the rule's event types (GET /api/v1/workspaces/<id>/rules/variables/?event_type=...); $$ is a "
                 "dollar sign. Values are escaped for the channel's markup.")

DIGEST_HELP = ("Chat bots (DingTalk, WeCom, Lark) only; default true. When the bot's rate-limit window is full (or "
               "the platform throttled it), the events waiting for it go out as one digest at its next free slot "
               "(\"12 more events in <workspace> since 10:02: 9 × Job Failed, …\", the first few by name, a link to "
               "the event log); each delivery it carries points at the digest's attempt (`carried_by`). False: one "
               "message per event as slots free up. Other methods ignore it.")


class TargetMessageSerializer(api_serializers.Serializer):
    language = serializers.ChoiceField(choices=["", *LANGUAGE_LABELS], required=False, default="",
                                       help_text=LANGUAGE_HELP)
    title_template = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                           max_length=MAX_TITLE_CHARS, help_text=TEMPLATE_HELP)
    body_template = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                          max_length=MAX_BODY_CHARS, help_text=TEMPLATE_HELP + " Written in the "
                                          "channel's markup: markdown for DingTalk and WeCom, Lark card markdown, "
                                          "plain text for email, SMS and voice.")
    digest = serializers.BooleanField(required=False, default=True, help_text=DIGEST_HELP)


def checked_message(data: dict, method) -> MessageSettings:
    """The message settings of a request, their templates checked against the variables of its
    event type (a 400 naming the line and the variable)."""
    raw = data.get("message") or {}
    settings_ = MessageSettings(language=raw.get("language", ""), title_template=raw.get("title_template", ""),
                                body_template=raw.get("body_template", ""))
    if not method.templated:
        return MessageSettings()
    problems = templates_check(settings_, [data.get("event_type") or "pai:ModelManagement:ModelVersionApproved"])
    if problems:
        raise serializers.ValidationError({f"message.{name}": texts for name, texts in problems.items()})
    return settings_
