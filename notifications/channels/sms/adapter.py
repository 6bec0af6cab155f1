"""Text message to one contact, through the telephony provider (see channels/telephony.py)."""

from __future__ import annotations

from notifications.channels.base import ChannelAdapter, SendContext, SendResult
from notifications.channels.telephony import masked_number, telephony_send


class SmsAdapter(ChannelAdapter):
    key = "sms"

    def destination(self, target_config: dict, secrets: dict) -> str:
        number = (target_config.get("contact") or {}).get("mobile", "")
        return f"sms:{masked_number(number)}" if number else ""

    def send(self, message, target_config: dict, secrets: dict, context: SendContext | None = None) -> SendResult:
        return telephony_send("sms", message, target_config, context)
