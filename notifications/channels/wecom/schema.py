"""WeCom group robot: a webhook `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...` (secret)."""

from __future__ import annotations

from notifications.channels.schema import WEBHOOK_HELP, ChatWebhookSchema, ConfigField, query_value


class WeComConfig(ChatWebhookSchema):
    hosts = ("qyapi.weixin.qq.com",)
    example = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=..."
    fields = (
        ConfigField("webhook", "Webhook", help=WEBHOOK_HELP, secret=True, widget="url",
                    placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=..."),
    )

    def webhook_token(self, parts) -> str:
        return query_value(parts, "key")

    def webhook_shape(self, parts) -> bool:
        return parts.path == "/cgi-bin/webhook/send" and bool(query_value(parts, "key"))
