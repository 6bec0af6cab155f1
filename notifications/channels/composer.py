"""A target's message for one channel: its title and body templates (or the defaults of its
language), filled in with an event's variables, values escaped for the channel's markup.

Real deliveries, Preview and Test Connectivity all come through `compose`, so a test message is
what a delivery of the same event would be. The variables' values come from a stored event
(`event_values`) or from the catalog's examples (`example_values`) when there is no event yet.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from django.conf import settings

from notifications.catalog import event_variables, source_for_type
from notifications.channels.default_templates import (
    CHANNEL_FAMILY,
    DEFAULT_LANGUAGE,
    WORDS,
    default_body,
    default_title,
    event_label,
)
from notifications.channels.markup import link_target, markdown_escape
from notifications.channels.message import Message, MessageField, event_console_url, message_from_event
from notifications.channels.templating import (
    MAX_BODY_CHARS,
    MAX_TITLE_CHARS,
    template_check,
    template_render,
)

LINK_VARIABLES = {"console.link", "resource.link"}  # not clipped, escaped as links
MARKDOWN_FAMILIES = {"markdown", "wecom", "lark_md"}
TEST_MARK = {"en-US": "[Test] ", "zh-CN": "[测试] "}
REPLAY_MARK = {"en-US": "[Replay] ", "zh-CN": "[重放] "}


@dataclass(frozen=True)
class MessageSettings:
    """What a target says about its messages: a language ("" = the account's) and templates ("" =
    the default)."""

    language: str = ""
    title_template: str = ""
    body_template: str = ""


def _plain(text: str) -> str:
    return " ".join(str(text).split())


def escaper(channel: str):
    """(escape for a value, escape for a link) in the channel's body markup."""
    if CHANNEL_FAMILY.get(channel, "text") in MARKDOWN_FAMILIES:
        return markdown_escape, link_target
    return _plain, str


def _lookup(event, source: str, language: str) -> str:
    envelope = event.envelope or {}
    data = envelope.get("data") if isinstance(envelope.get("data"), dict) else {}
    for option in source.split("|"):
        kind, _, key = option.partition(".")
        if option == "label":
            value = event_label(event.type, language)
        elif option == "link":
            value = event_console_url(event)
        elif kind == "event":
            value = getattr(event, key, "")
        elif kind == "workspace":
            value = getattr(event.workspace, key, "")
        elif kind == "envelope":
            value = envelope.get(key, "")
        else:
            value = data.get(key, "")
        if value not in (None, ""):
            return str(value)
    return ""


def event_values(event, language: str) -> dict[str, str]:
    """Every variable of the event's type, valued from the stored event."""
    return {variable.name: _lookup(event, variable.source, language) for variable in event_variables(event.type)}


def example_values(event_type: str, language: str, *, workspace_name: str) -> dict[str, str]:
    """Every variable of the type, valued from the catalog's examples (and the workspace's name)."""
    values = {variable.name: variable.example for variable in event_variables(event_type)}
    values.update({"event.label": event_label(event_type, language), "event.type": event_type,
                   "workspace.name": workspace_name, "console.link": f"{settings.CONSOLE_BASE_URL}/"})
    return values


def example_message(event_type: str, values: dict[str, str]) -> Message:
    """The example event as a channel-neutral message (a Test Connectivity message: `test=True`)."""
    event_id = f"test-{uuid.uuid4()}"
    source = source_for_type(event_type)
    envelope = {"specversion": "1.0", "id": event_id, "source": "acs.pai", "type": event_type,
                "time": values.get("event.time", ""), "datacontenttype": "application/json",
                "data": {"resourceName": values.get("resource.name", ""), "workspaceName": values["workspace.name"],
                         "test": True}}
    return Message(
        title=f"{values['event.label']}: {values.get('resource.name', '')}", summary="",
        fields=(MessageField("Workspace", values["workspace.name"]),
                MessageField("Event source", source.label if source else ""),
                MessageField("Event type", values["event.label"]),
                MessageField("Resource", values.get("resource.name", ""))),
        link=values["console.link"], event_id=event_id, event_type=event_type, envelope=envelope, test=True,
    )


def compose(base: Message, values: dict[str, str], *, channel: str, language: str,
            settings_: MessageSettings) -> Message:
    """`base` with its title and body from the target's templates (or the defaults)."""
    language = language or DEFAULT_LANGUAGE
    title_template = settings_.title_template or default_title(base.event_type, language)
    body_template = settings_.body_template or default_body(base.event_type, channel, language)
    escape, escape_link = escaper(channel)
    title = _plain(template_render(title_template, values, escape=_plain, max_chars=MAX_TITLE_CHARS))
    if base.test:
        title = TEST_MARK.get(language, TEST_MARK[DEFAULT_LANGUAGE]) + title
    if base.replay_job_id is not None:  # a replayed event says so in its title
        title = REPLAY_MARK.get(language, REPLAY_MARK[DEFAULT_LANGUAGE]) + title
    body = template_render(body_template, values, escape=escape, escape_link=escape_link,
                           link_names=LINK_VARIABLES, max_chars=MAX_BODY_CHARS)
    family = CHANNEL_FAMILY.get(channel, "text")
    if base.replay_job_id is not None and body:  # and its first line, in the chat and the email too
        mark = REPLAY_MARK.get(language, REPLAY_MARK[DEFAULT_LANGUAGE]).strip()
        body = f"{mark} {body}" if family in ("sms", "voice") else f"{mark}\n\n{body}"
    summary = body if family in ("sms", "voice") else base.summary or title
    templated = bool(settings_.title_template or settings_.body_template)
    return replace(base, title=title, body=body, summary=summary, language=language, templated=templated,
                   link_text=WORDS.get(language, WORDS[DEFAULT_LANGUAGE])["link"])


def message_for_event(event, *, channel: str, language: str, settings_: MessageSettings,
                      replay_job_id: int | None = None) -> Message:
    """A delivery's message: the stored event through the target's templates (marked as a replay's)."""
    language = language or DEFAULT_LANGUAGE
    base = message_from_event(event)
    if replay_job_id is not None:
        base = replace(base, replay_job_id=replay_job_id)
    return compose(base, event_values(event, language), channel=channel, language=language, settings_=settings_)


def templates_check(settings_: MessageSettings, event_types) -> dict[str, list[str]]:
    """Field errors of a target's templates against the variables of every event type it may get:
    {"title_template": ["Line 2: unknown variable ${job.duration} …"], ...}."""
    errors: dict[str, list[str]] = {}
    event_types = list(event_types)
    for name, template, limit in (("title_template", settings_.title_template, MAX_TITLE_CHARS),
                                  ("body_template", settings_.body_template, MAX_BODY_CHARS)):
        if not template:
            continue
        known = None
        for event_type in event_types or [""]:  # no type chosen yet: the variables every type has
            names = {variable.name for variable in event_variables(event_type)}
            known = names if known is None else known & names
        for problem in template_check(template, known or set(), max_chars=limit):
            text = str(problem)
            if problem.name and event_types:
                text += " Variables of the chosen event types: " + ", ".join(
                    f"${{{n}}}" for n in sorted(known or ())) + "."
            errors.setdefault(name, []).append(text)
    return errors
