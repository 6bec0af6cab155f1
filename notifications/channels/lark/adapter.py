"""Lark (Feishu) custom bot: a webhook with the token in the path, optionally signed
(PROTOCOLS.md 3).

Signing (3.3) is the reverse of DingTalk's: the HMAC-SHA256 *key* is `timestamp + "\\n" + secret`,
the message is empty, the timestamp is in seconds, and `timestamp` and `sign` go in the JSON body.
Lark answers HTTP 200 with a `code`, judged in `outcomes.py`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from notifications.channels.base import (
    ChatBotAdapter,
    DeliveryError,
    SendContext,
    SendResult,
    http_send,
    json_bytes,
    mask_path_token,
    mask_url,
    webhook_host_admitted,
)

from .outcomes import judge
from .renderer import render

PROVIDER_HOSTS = ("open.feishu.cn", "open.larksuite.com")
MAX_BODY_BYTES = 20 * 1024


def sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def masked_webhook(webhook: str) -> str:
    return mask_url(mask_path_token(webhook, "/hook/"))


class LarkAdapter(ChatBotAdapter):
    key = "lark"
    rate_limits = ((5, 1.0), (100, 60.0))

    def destination(self, target_config: dict, secrets: dict) -> str:
        return masked_webhook(secrets.get("webhook", ""))

    def send(self, message, target_config: dict, secrets: dict, context: SendContext | None = None) -> SendResult:
        webhook = secrets.get("webhook", "")
        masked = masked_webhook(webhook)
        if not webhook or not webhook_host_admitted(webhook, PROVIDER_HOSTS):
            raise DeliveryError("the webhook is not a Lark bot URL (https://open.feishu.cn/open-apis/bot/v2/hook/...)",
                                permanent=True, request_url=masked)
        payload = render(message)
        secret = secrets.get("signing_secret", "")
        if secret:
            timestamp = int(time.time())
            payload = {"timestamp": str(timestamp), "sign": sign(secret, timestamp), **payload}
        body = json_bytes(payload)
        if len(body) > MAX_BODY_BYTES:
            raise DeliveryError(f"the card is {len(body)} bytes; Lark takes at most {MAX_BODY_BYTES}",
                                permanent=True, request_url=masked)
        answer = http_send("POST", webhook, body=body, masked_url=masked, context=context,
                           headers={"Content-Type": "application/json; charset=utf-8"})
        return judge(answer, masked_url=masked)
