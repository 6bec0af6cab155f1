"""Voice call (text to speech) to one contact, through the telephony provider (channels/telephony.py)."""

from __future__ import annotations

from notifications.channels.base import ChannelAdapter, SendContext, SendResult
from notifications.channels.telephony import masked_number, telephony_send


class VoiceAdapter(ChannelAdapter):
    key = "voice"

    def destination(self, target_config: dict, secrets: dict) -> str:
        number = (target_config.get("contact") or {}).get("mobile", "")
        return f"tel:{masked_number(number)}" if number else ""

    def send(self, message, target_config: dict, secrets: dict, context: SendContext | None = None) -> SendResult:
        return telephony_send("voice", message, target_config, context)
