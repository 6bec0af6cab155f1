"""The message as a text message: the target's SMS template (or the default) as plain text, and
the number of segments it takes: 160 characters in one GSM-7 message (153 per part when split),
70 in UCS-2 (67 per part) as soon as one character is outside GSM-7, such as any Chinese."""

from __future__ import annotations

from notifications.channels.message import Message

GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
           "¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENDED = set("^{}\\[~]|€")  # two septets each


def sms_text(message: Message) -> str:
    return message.summary


def segments(text: str) -> tuple[int, str]:
    """(segments, encoding) of a text message."""
    if all(char in GSM7 or char in GSM7_EXTENDED for char in text):
        length = sum(2 if char in GSM7_EXTENDED else 1 for char in text)
        return (1 if length <= 160 else -(-length // 153)), "GSM-7"
    units = len(text.encode("utf-16-le")) // 2
    return (1 if units <= 70 else -(-units // 67)), "UCS-2"
