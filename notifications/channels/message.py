"""The channel-neutral rendered message: what an event says, before any channel's format.

Built once from an Event (`message_from_event`), then each channel renders it: DingTalk and WeCom
as markdown, Lark as a card, email as HTML and text, SMS and voice as a short line, HTTP sends the
envelope itself. Values here are plain text: each renderer escapes markup as its format needs.
`message_example()` is the example data behind Test Connectivity, previews and tests.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications.catalog import SOURCES_BY_KEY, event_type_label, source_for_type, variables_of

MAX_DATA_FIELDS = 6
MAX_VALUE_CHARS = 300
# Envelope data already shown elsewhere in the message (or of no use to a reader).
HIDDEN_DATA_KEYS = {"resourcekind", "resourceid", "resourcename", "workspaceid", "workspacename", "operatorid",
                    "consoleurl", "name", "modelid", "versionid"}


@dataclass(frozen=True)
class MessageField:
    label: str
    value: str


@dataclass(frozen=True)
class Message:
    title: str  # "Model Version Approved for Publishing: fraud-model 0.2.0"
    summary: str  # one sentence, for SMS, voice and previews
    fields: tuple[MessageField, ...]
    link: str  # the event's page in the console
    event_id: str
    event_type: str
    tone: str = "info"  # info, success, danger: a colour hint for renderers that have colours
    envelope: dict = field(default_factory=dict)  # the CloudEvents envelope (the HTTP body)
    test: bool = False
    # A replay's message (notifications.services.replay): the replay job's id; the event id stays
    # the original's, so receivers can de-duplicate.
    replay_job_id: int | None = None
    # The body rendered from the target's template, in the channel's markup ("" for a message built
    # without one: renderers then list `fields`), its language, and the words of the link.
    body: str = ""
    templated: bool = False  # the target has a template of its own (not the default)
    language: str = "en-US"
    link_text: str = "View event in the console"

    @property
    def link_label(self) -> str:
        return self.link_text


def _tone(event_type: str) -> str:
    name = event_type.rsplit(":", 1)[-1]
    if any(word in name for word in ("Fail", "Timeout", "Preempt", "Rejected")):
        return "danger"
    if any(word in name for word in ("Succeed", "Approved", "Saved", "Finished")):
        return "success"
    return "info"


def _humanize(key: str) -> str:
    words, current = [], ""
    for char in key.replace("_", " "):
        if char.isupper() and current and not current[-1].isupper() and current[-1] != " ":
            words.append(current)
            current = char
        else:
            current += char
    words.append(current)
    text = " ".join(part.strip() for part in words if part.strip())
    return text[:1].upper() + text[1:]


def _clip(value) -> str:
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def event_console_url(event) -> str:
    """The event's page in the console (its deliveries and attempts)."""
    return settings.CONSOLE_BASE_URL + reverse("event-detail", kwargs={"workspace_id": event.workspace_id,
                                                                      "event_id": event.pk})


def message_from_event(event) -> Message:
    envelope = event.envelope or {}
    source = SOURCES_BY_KEY.get(event.source) or source_for_type(event.type)
    label = event_type_label(event.type)
    resource = event.resource_name or event.resource_id or event.subject
    occurred = envelope.get("time") or timezone.localtime(event.created_at).isoformat(timespec="seconds")
    fields = [
        MessageField("Workspace", event.workspace.name),
        MessageField("Event source", source.label if source else event.source),
        MessageField("Event type", label),
        MessageField("Resource", _clip(resource)),
        MessageField("Time", str(occurred)),
    ]
    data = envelope.get("data")
    if isinstance(data, dict):
        shown = 0
        for key, value in data.items():
            if shown >= MAX_DATA_FIELDS:
                break
            if isinstance(value, str | int | float | bool) and value != "" and key.lower() not in HIDDEN_DATA_KEYS:
                fields.append(MessageField(_humanize(key), _clip(value)))
                shown += 1
    fields.append(MessageField("Event ID", event.event_id))
    return Message(
        title=f"{label}: {resource}" if resource else label,
        summary=f"PAI workspace {event.workspace.name}: {label} ({resource})." if resource
        else f"PAI workspace {event.workspace.name}: {label}.",
        fields=tuple(fields),
        link=event_console_url(event),
        event_id=event.event_id,
        event_type=event.type,
        tone=_tone(event.type),
        envelope=envelope,
    )


def message_example(*, workspace_name: str = "ws_demo", source_key: str = "model", event_type: str = "") -> Message:
    """A sample message of one source's event type (`event_type` if the source has it, else its first),
    with the catalog's example values: Test Connectivity sends one of the rule's own source and types;
    previews and tests use the default, a model version approved."""
    source = SOURCES_BY_KEY.get(source_key) or SOURCES_BY_KEY["model"]
    event_type = event_type if source.has_type(event_type) else source.event_types[0].key
    event_id = f"test-{uuid.uuid4()}"
    now = timezone.now().isoformat(timespec="seconds")
    old_status, new_status = source.example_status
    data = {name: example for name, _meaning, example in variables_of(source)}
    data.update(resourceKind=source.resource_kind, resourceName=source.example_resource, workspaceName=workspace_name,
                oldStatus=old_status, newStatus=new_status)
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": "acs.pai",
        "type": event_type,
        "subject": f"acs.pai:cn-shanghai:0000000000000000:{source.resource_kind}/{data['resourceId']}",
        "time": now,
        "datacontenttype": "application/json",
        "data": data,
    }
    label = event_type_label(event_type)
    return Message(
        title=f"[Test] {label}: {source.example_resource}",
        summary=f"Test message from PAI workspace {workspace_name}: the connection works.",
        fields=(
            MessageField("Workspace", workspace_name),
            MessageField("Event source", source.label),
            MessageField("Event type", label),
            MessageField("Resource", source.example_resource),
            MessageField("Status", f"{old_status} → {new_status}"),
            MessageField("Time", now),
            MessageField("Note", "This is a Test Connectivity message; no event happened."),
            MessageField("Event ID", event_id),
        ),
        link=f"{settings.CONSOLE_BASE_URL}/",
        event_id=event_id,
        event_type=event_type,
        tone=_tone(event_type),
        envelope=envelope,
        test=True,
    )
