"""The message as a WeCom markdown message (PROTOCOLS.md 2.2): at most 4,096 bytes of UTF-8.
Longer content is trimmed on a character boundary, keeping the link to the console."""

from __future__ import annotations

from notifications.channels.markup import link_target, markdown_escape
from notifications.channels.message import Message

MAX_MARKDOWN_BYTES = 4096
TONE_COLOR = {"danger": "warning", "success": "info", "info": "comment"}
ELLIPSIS = "…"


def trim_to_bytes(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes, never cutting a character in half."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def markdown_content(message: Message, limit: int = MAX_MARKDOWN_BYTES) -> str:
    if message.body:  # the target's template, values already escaped
        if len(message.body.encode("utf-8")) <= limit:
            return message.body
        return trim_to_bytes(message.body, limit - len(ELLIPSIS.encode("utf-8"))) + ELLIPSIS
    color = TONE_COLOR.get(message.tone, "comment")
    lines = [f'**<font color="{color}">PAI · {markdown_escape(message.title)}</font>**']
    lines += [f'> {markdown_escape(f.label)}: <font color="comment">{markdown_escape(f.value)}</font>'
              for f in message.fields]
    body = "\n".join(lines)
    tail = f"\n[{message.link_label}]({link_target(message.link)})"
    if len((body + tail).encode("utf-8")) <= limit:
        return body + tail
    room = limit - len((ELLIPSIS + tail).encode("utf-8"))
    return trim_to_bytes(body, room) + ELLIPSIS + tail


def render(message: Message) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": markdown_content(message)}}
