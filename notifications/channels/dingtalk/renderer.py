"""The message as a DingTalk markdown (or actionCard) message (PROTOCOLS.md 1.4)."""

from __future__ import annotations

from notifications.channels.markup import link_target, markdown_escape
from notifications.channels.message import Message

TONE_MARK = {"danger": "🔴", "success": "🟢", "info": "🔵"}


def markdown_text(message: Message) -> str:
    if message.body:  # the target's template, values already escaped
        return message.body
    lines = [f"#### {TONE_MARK.get(message.tone, '')} PAI · {markdown_escape(message.title)}", ""]
    for field in message.fields:
        lines.append(f"- **{markdown_escape(field.label)}**: {markdown_escape(field.value)}")
    lines += ["", f"[{message.link_label}]({link_target(message.link)})"]
    return "\n".join(lines)


def render(message: Message, *, msgtype: str = "markdown", msg_uuid: str = "") -> dict:
    # The title is what the conversation list shows: plain text there, no markup rendered.
    title = (message.title if message.body else f"PAI · {message.title}")[:100]
    if msgtype == "actionCard":
        payload = {
            "msgtype": "actionCard",
            "actionCard": {"title": title, "text": message.body or markdown_text(message).rsplit("\n\n", 1)[0],
                           "singleTitle": message.link_label, "singleURL": message.link},
        }
    else:
        payload = {"msgtype": "markdown", "markdown": {"title": title, "text": markdown_text(message)}}
    if msg_uuid:
        payload["msgUuid"] = msg_uuid
    return payload
