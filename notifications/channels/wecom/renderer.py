"""The message as a WeCom markdown message (PROTOCOLS.md 2.2): at most 4,096 bytes of UTF-8.
Longer content is trimmed on a character boundary, keeping the link to the console.

A target may choose WeCom's newer `markdown_v2` message type (PROTOCOLS.md 2, "markdown_v2": same
4,096-byte limit; adds lists, nested quotes, tables, `---`; has no `<font color>` and no `<@userid>`
mentions. Sources recorded there: the yingdao.com WeCom robot notes and WxJava pull request 3727).
The default template's colours are dropped for it; a target's own template is sent as written.
"""

from __future__ import annotations

import re
from dataclasses import replace

from notifications.channels.markup import link_target, markdown_escape
from notifications.channels.message import Message

MAX_MARKDOWN_BYTES = 4096
TONE_COLOR = {"danger": "warning", "success": "info", "info": "comment"}
ELLIPSIS = "…"
FORMATS = {"markdown": "markdown", "markdown_v2": "markdown_v2 (tables and lists; no colours, no mentions)"}
DEFAULT_FORMAT = "markdown"
FONT_TAG = re.compile(r'<font color="[a-z]+">(.*?)</font>', re.S)


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


def without_colours(text: str) -> str:
    return FONT_TAG.sub(r"\1", text)


def markdown_v2_content(message: Message, limit: int = MAX_MARKDOWN_BYTES) -> str:
    """The default message without `<font>` (markdown_v2 has none), or the target's own template."""
    if message.templated:
        return markdown_content(message, limit)
    if message.body:
        return markdown_content(replace(message, body=without_colours(message.body)), limit)
    return without_colours(markdown_content(message, limit))


def render(message: Message, message_format: str = DEFAULT_FORMAT) -> dict:
    """The request body: `markdown` (the default) or `markdown_v2`, as the target chose."""
    if message_format == "markdown_v2":
        return {"msgtype": "markdown_v2", "markdown_v2": {"content": markdown_v2_content(message)}}
    return {"msgtype": "markdown", "markdown": {"content": markdown_content(message)}}
