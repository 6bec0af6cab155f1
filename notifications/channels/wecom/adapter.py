"""WeCom group robot: a webhook with the key in the query, no signing (PROTOCOLS.md 2).

WeCom answers HTTP 200 with an `errcode`, judged in `outcomes.py`."""

from __future__ import annotations

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
from .renderer import DEFAULT_FORMAT, render

PROVIDER_HOSTS = ("qyapi.weixin.qq.com",)


class WeComAdapter(ChatBotAdapter):
    key = "wecom"
    rate_limits = ((20, 60.0),)

    def send(self, message, target_config: dict, secrets: dict, context: SendContext | None = None) -> SendResult:
        webhook = secrets.get("webhook", "")
        masked = mask_url(webhook)
        if not webhook or not webhook_host_admitted(webhook, PROVIDER_HOSTS):
            raise DeliveryError("the webhook is not a WeCom robot URL (https://qyapi.weixin.qq.com/cgi-bin/"
                                "webhook/send?key=...)", permanent=True, request_url=masked)
        body = json_bytes(render(message, target_config.get("format") or DEFAULT_FORMAT))
        answer = http_send("POST", webhook, body=body, masked_url=masked, context=context,
                           headers={"Content-Type": "application/json; charset=utf-8"})
        return judge(answer, masked_url=masked)
