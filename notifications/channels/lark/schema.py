"""Lark / Feishu custom bot: a webhook `https://open.larksuite.com/open-apis/bot/v2/hook/<token>` (or
`open.feishu.cn`), secret, and the optional signing secret of its signature verification setting."""

from __future__ import annotations

from notifications.channels.schema import WEBHOOK_HELP, ChatWebhookSchema, ConfigField

HOOK_PATH = "/open-apis/bot/v2/hook/"


class LarkConfig(ChatWebhookSchema):
    hosts = ("open.larksuite.com", "open.feishu.cn")
    example = "https://open.larksuite.com/open-apis/bot/v2/hook/<token> (or open.feishu.cn)"
    fields = (
        ConfigField("webhook", "Webhook", help=WEBHOOK_HELP, secret=True, widget="url",
                    placeholder="https://open.larksuite.com/open-apis/bot/v2/hook/..."),
        ConfigField("signing_secret", "Signing secret", secret=True, required=False,
                    help="Optional: the secret of the bot's signature verification setting."),
    )

    def webhook_token(self, parts) -> str:
        return parts.path.rstrip("/").rsplit("/", 1)[-1]

    def webhook_shape(self, parts) -> bool:
        token = parts.path[len(HOOK_PATH):] if parts.path.startswith(HOOK_PATH) else ""
        return bool(token) and "/" not in token and not parts.query
