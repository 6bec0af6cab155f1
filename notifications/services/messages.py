"""What a target's messages say: its language (the target's, else the account's, else the console's:
zh-CN when the console runs in Chinese, en-US otherwise), its
templates (checked against the catalog's variables when the rule is saved), and the message of one
event for one channel, which deliveries send and Preview and Test Connectivity show.

Preview renders the target's template with the workspace's last real event of the chosen type (or
the catalog's example) in the channel's real format; Test Connectivity sends that same message
through the same adapter (`notifications.services.connectivity`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from django.conf import settings

from notifications.catalog import event_type_label, event_variables
from notifications.channels.composer import (
    MessageSettings,
    compose,
    event_values,
    example_message,
    example_values,
    message_for_event,
)
from notifications.channels.default_templates import DEFAULT_LANGUAGE, LANGUAGE_LABELS
from notifications.channels.dingtalk.renderer import render as dingtalk_render
from notifications.channels.email.renderer import html_body, subject, text_body
from notifications.channels.http.adapter import message_envelope
from notifications.channels.lark.renderer import render as lark_render
from notifications.channels.message import Message, message_from_event
from notifications.channels.registry import message_channels
from notifications.channels.sms.renderer import segments, sms_text
from notifications.channels.wecom.renderer import DEFAULT_FORMAT as WECOM_DEFAULT_FORMAT
from notifications.channels.wecom.renderer import render as wecom_render
from notifications.models import AccountMessageSettings, Event
from workspaces.iam.operations import ACCOUNT_SETTINGS, BUS, Check, operation


def console_message_language() -> str:
    """The message language of an account nobody chose one for: zh-CN when the console runs in
    Chinese (LANGUAGE_CODE zh-*), en-US otherwise."""
    return DEFAULT_LANGUAGE if settings.LANGUAGE_CODE.lower().startswith("zh") else "en-US"


def account_message_language(account) -> str:
    """The account's message language: the one an operator set, else the console's."""
    try:
        return account.message_settings.language or console_message_language()
    except AccountMessageSettings.DoesNotExist:
        return console_message_language()


def account_message_language_set(*, account, language: str) -> AccountMessageSettings:
    if language not in LANGUAGE_LABELS:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGE_LABELS)}")
    row, _ = AccountMessageSettings.objects.update_or_create(account=account, defaults={"language": language})
    return row


@operation(Check("pai:UpdateAccountSettings", ACCOUNT_SETTINGS), values=lambda account, **_: {"account": account})
def account_settings_update(*, actor, account, language: str) -> AccountMessageSettings:
    """Set the account's message language (the default of targets that choose none), from the
    console's account settings page. Needs pai:UpdateAccountSettings on the account."""
    return account_message_language_set(account=account, language=language)


def target_message_settings(target) -> MessageSettings:
    return MessageSettings(language=target.language, title_template=target.title_template,
                           body_template=target.body_template)


def message_for_delivery(event, target, channel: str, *, replay_job_id: int | None = None) -> Message:
    """The message of `event` for one channel of `target`: its templates, its language (a replay's
    delivery passes its job: the message says it is a replay)."""
    language = target.language or account_message_language(event.account)
    return message_for_event(event, channel=channel, language=language, settings_=target_message_settings(target),
                             replay_job_id=replay_job_id)


@dataclass(frozen=True)
class Preview:
    """A target's message as its channel will carry it."""

    channel: str
    language: str
    event_type: str
    event_label: str
    from_event: str  # the event id it was rendered from ("" for the catalog's example)
    message: Message
    payload: dict | None = None  # the JSON a chat bot receives
    email: dict | None = None  # subject, text, html
    sms: dict | None = None  # text, segments, encoding, characters
    voice: dict | None = None  # the text spoken, characters

    @property
    def language_label(self) -> str:
        return LANGUAGE_LABELS.get(self.language, self.language)


@operation(Check("eventbridge:ListRules", BUS),
           values=lambda workspace, **_: {"account": workspace.account, "workspace": workspace.name})
def template_variables_list(*, actor, workspace, event_type: str) -> list[dict]:
    """The variables a template may use for `event_type`, for the API (the drawer lists them too)."""
    return [{"name": v.name, "description": v.description, "example": v.example}
            for v in event_variables(event_type)]


def last_event(workspace, event_type: str) -> Event | None:
    return (Event.objects.filter(workspace=workspace, type=event_type).select_related("workspace", "account")
            .order_by("-created_at", "-id").first())


def preview_message(*, workspace, event_type: str, channel: str, settings_: MessageSettings,
                    use_last_event: bool = True) -> tuple[Message, str]:
    """The message Preview shows and Test Connectivity sends, and the id of the event it came from."""
    language = settings_.language or account_message_language(workspace.account)
    event = last_event(workspace, event_type) if use_last_event else None
    if event is not None:
        base = message_from_event(event)
        values = event_values(event, language)
        # A test message of its own (DingTalk drops a second message with the same msgUuid).
        base = replace(base, test=True, event_id=f"test-{uuid.uuid4()}")
        return compose(base, values, channel=channel, language=language, settings_=settings_), event.event_id
    values = example_values(event_type, language, workspace_name=workspace.name)
    return compose(example_message(event_type, values), values, channel=channel, language=language,
                   settings_=settings_), ""


def channel_format(channel: str, message: Message, message_format: str = "") -> dict:
    """The message in the channel's real format (what `Preview` shows); `message_format`: a WeCom
    target's message type (markdown, the default, or markdown_v2)."""
    if channel == "dingtalk":
        return {"payload": dingtalk_render(message)}
    if channel == "wecom":
        return {"payload": wecom_render(message, message_format or WECOM_DEFAULT_FORMAT)}
    if channel == "lark":
        return {"payload": lark_render(message)}
    if channel == "http":
        return {"payload": message_envelope(message)}
    if channel == "email":
        return {"email": {"subject": subject(message), "text": text_body(message), "html": html_body(message)}}
    text = sms_text(message)
    if channel == "voice":
        return {"voice": {"text": text, "characters": len(text)}}
    count, encoding = segments(text)
    return {"sms": {"text": text, "segments": count, "encoding": encoding, "characters": len(text)}}


@operation(Check("eventbridge:ListRules", BUS),
           values=lambda workspace, **_: {"account": workspace.account, "workspace": workspace.name})
def message_preview(*, actor, workspace, method: str, event_type: str, settings_: MessageSettings,
                    channel: str = "", use_last_event: bool = True, message_format: str = "") -> Preview:
    """Render a target's message (saved or not) for Preview. Needs eventbridge:ListRules on the bus."""
    channels = message_channels(method)
    if not channels:
        raise ValueError(f"{method} targets send no message to preview")
    channel = channel if channel in channels else channels[0]
    message, event_id = preview_message(workspace=workspace, event_type=event_type, channel=channel,
                                        settings_=settings_, use_last_event=use_last_event)
    shown = channel_format(channel, message, message_format)
    if channel == "wecom" and message_format == "markdown_v2":  # the text as markdown_v2 carries it
        message = replace(message, body=shown["payload"]["markdown_v2"]["content"])
    return Preview(channel=channel, language=message.language, event_type=event_type,
                   event_label=event_type_label(event_type), from_event=event_id, message=message, **shown)
