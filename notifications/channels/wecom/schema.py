"""WeCom group robot: a webhook `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...` (secret)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from notifications.channels.schema import WEBHOOK_HELP, ChatWebhookSchema, ConfigField, query_value

from .renderer import DEFAULT_FORMAT, FORMATS


class WeComConfig(ChatWebhookSchema):
    hosts = ("qyapi.weixin.qq.com",)
    example = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=..."
    fields = (
        ConfigField("webhook", "Webhook", help=WEBHOOK_HELP, secret=True, widget="url",
                    placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=..."),
        ConfigField("format", "Message format", required=False, widget="format", picks=True,
                    placeholder="markdown (default)", api_value="markdown or markdown_v2",
                    help="markdown_v2 adds tables, lists and nested quotes but shows no colours and no "
                         "mentions; Preview shows the request body."),
    )

    def choices(self, name, *, context):
        return list(FORMATS.items()) if name == "format" else []

    def clean_values(self, values, *, context, stored_secrets):
        message_format = values.get("format") or ""
        errors = {}
        if message_format and message_format not in FORMATS:
            errors["format"] = [f"Message format {message_format!r} is not one of: {', '.join(FORMATS)} "
                                f"(empty means {DEFAULT_FORMAT})."]
        try:
            cleaned = super().clean_values(values, context=context, stored_secrets=stored_secrets)
        except ValidationError as exc:
            raise ValidationError({**exc.message_dict, **errors}) from None
        if errors:
            raise ValidationError(errors)
        if message_format and message_format != DEFAULT_FORMAT:
            cleaned.config["format"] = message_format
        return cleaned

    def webhook_token(self, parts) -> str:
        return query_value(parts, "key")

    def webhook_shape(self, parts) -> bool:
        return parts.path == "/cgi-bin/webhook/send" and bool(query_value(parts, "key"))
