"""The message as a Lark interactive card (PROTOCOLS.md 3.4): the webhook takes a top-level `card`
object (not a JSON string). Names go into `plain_text` where possible, escaped in `lark_md`."""

from __future__ import annotations

from notifications.channels.markup import markdown_escape
from notifications.channels.message import Message

TONE_TEMPLATE = {"danger": "red", "success": "green", "info": "blue"}


def card(message: Message) -> dict:
    if message.body:  # the target's template (lark_md), values already escaped
        content = {"tag": "div", "text": {"tag": "lark_md", "content": message.body}}
    else:
        content = {"tag": "div", "fields": _fields(message)}
    return {
        "config": {"wide_screen_mode": True},
        "header": {
            "title": {"tag": "plain_text", "content": message.title if message.body else f"PAI · {message.title}"},
            "template": TONE_TEMPLATE.get(message.tone, "blue"),
        },
        "elements": [
            content,
            {"tag": "action", "actions": [{
                "tag": "button", "type": "primary", "url": message.link,
                "text": {"tag": "plain_text", "content": message.link_label},
            }]},
        ],
    }


def _fields(message: Message) -> list[dict]:
    return [
        {"is_short": len(f.value) <= 40,
         "text": {"tag": "lark_md", "content": f"**{markdown_escape(f.label)}**\n{markdown_escape(f.value)}"}}
        for f in message.fields
    ]


def render(message: Message) -> dict:
    return {"msg_type": "interactive", "card": card(message)}
