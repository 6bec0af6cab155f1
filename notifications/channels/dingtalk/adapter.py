"""DingTalk custom group robot: a signed webhook (PROTOCOLS.md 1).

Signing (1.2): timestamp in milliseconds; HMAC-SHA256 keyed by the secret over
`timestamp + "\\n" + secret`; Base64; URL-encoded once; `timestamp` and `sign` in the query.
DingTalk answers HTTP 200 with an `errcode`, judged in `outcomes.py`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from notifications.channels.base import (
    ChatBotAdapter,
    DeliveryError,
    SendContext,
    SendResult,
    http_send,
    json_bytes,
    mask_url,
    webhook_host_admitted,
)

from .outcomes import judge
from .renderer import render

PROVIDER_HOSTS = ("oapi.dingtalk.com", "oapi.dingtalk.io")
def sign(secret: str, timestamp_ms: int) -> str:
    """The `sign` query value, already URL-encoded (append it as is; do not encode again)."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def signed_url(webhook: str, secret: str, timestamp_ms: int | None = None) -> str:
    timestamp_ms = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    separator = "&" if "?" in webhook else "?"
    return f"{webhook}{separator}timestamp={timestamp_ms}&sign={sign(secret, timestamp_ms)}"


class DingTalkAdapter(ChatBotAdapter):
    key = "dingtalk"
    rate_limits = ((20, 60.0),)

    def send(self, message, target_config: dict, secrets: dict, context: SendContext | None = None) -> SendResult:
        context = context or SendContext()
        webhook = secrets.get("webhook", "")
        masked = mask_url(webhook)
        if not webhook or not webhook_host_admitted(webhook, PROVIDER_HOSTS):
            raise DeliveryError("the webhook is not a DingTalk robot URL (https://oapi.dingtalk.com/robot/send?"
                                "access_token=...)", permanent=True, request_url=masked)
        secret = secrets.get("signing_secret", "")
        url = signed_url(webhook, secret) if secret else webhook
        msgtype = "actionCard" if target_config.get("msgtype") == "actionCard" else "markdown"
        # msgUuid: DingTalk drops a second message with the same value, so a retry after a timeout
        # whose first try did arrive does not post twice. Stable per delivery, unique per event.
        msg_uuid = f"{message.event_id}-{context.delivery_id}" if context.delivery_id else message.event_id
        payload = render(message, msgtype=msgtype, msg_uuid=msg_uuid)
        masked = mask_url(url)
        answer = http_send("POST", url, body=json_bytes(payload), masked_url=masked, context=context,
                           headers={"Content-Type": "application/json; charset=utf-8"})
        return judge(answer, masked_url=masked)
