"""The message as an email: a subject, a plain-text part and an HTML part (names escaped)."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from notifications.channels.message import Message

TONE_COLOR = {"danger": "#d93026", "success": "#1e8e3e", "info": "#1a73e8"}


def subject(message: Message) -> str:
    return " ".join((message.title if message.body else f"[PAI] {message.title}").split())[:200]


def text_body(message: Message) -> str:
    if message.body:  # the target's template (plain text)
        return message.body.rstrip("\n") + "\n"
    lines = [message.title, "", *(f"{f.label}: {f.value}" for f in message.fields), "", f"{message.link_label}: "
             f"{message.link}"]
    return "\n".join(lines) + "\n"


def html_body(message: Message) -> str:
    if message.body:  # the template's text, every character escaped, its lines kept
        lines = format_html_join(mark_safe("<br>"), "{}", ((line,) for line in message.body.split("\n")))
        return format_html('<div style="font-family:Arial,sans-serif;font-size:14px">'
                           '<h2 style="font-size:16px;border-left:4px solid {};padding-left:8px">{}</h2><p>{}</p>'
                           '<p><a href="{}">{}</a></p></div>', TONE_COLOR.get(message.tone, "#1a73e8"), message.title,
                           lines, message.link, message.link_label)
    rows = format_html_join(
        "", '<tr><th style="text-align:left;padding:4px 12px 4px 0;color:#555">{}</th><td style="padding:4px 0">{}'
            "</td></tr>", ((f.label, f.value) for f in message.fields),
    )
    return format_html(
        '<div style="font-family:Arial,sans-serif;font-size:14px">'
        '<h2 style="font-size:16px;border-left:4px solid {};padding-left:8px">{}</h2>'
        "<table>{}</table>"
        '<p><a href="{}">{}</a></p></div>',
        TONE_COLOR.get(message.tone, "#1a73e8"), message.title, rows, message.link, message.link_label,
    )
