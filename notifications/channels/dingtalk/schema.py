"""DingTalk custom robot: a webhook `https://oapi.dingtalk.com/robot/send?access_token=...` and the
signing key (`SEC...`) of its "sign request" security setting. Both are secrets."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from notifications.channels.schema import WEBHOOK_HELP, ChatWebhookSchema, ConfigField, query_value

KEY_MIN, KEY_MAX = 8, 200  # letters and digits after SEC
SIGNING_KEY = re.compile(rf"^SEC[0-9A-Za-z]{{{KEY_MIN},{KEY_MAX}}}$")


class DingTalkConfig(ChatWebhookSchema):
    hosts = ("oapi.dingtalk.com",)
    example = "https://oapi.dingtalk.com/robot/send?access_token=..."
    fields = (
        ConfigField("webhook", "Webhook", help=WEBHOOK_HELP, secret=True, widget="url",
                    placeholder="https://oapi.dingtalk.com/robot/send?access_token=..."),
        ConfigField("signing_secret", "Signing Key", secret=True, placeholder="SEC...",
                    help="The key shown under the robot's Additional Signature (sign request) setting; it starts "
                         "with SEC."),
    )

    def webhook_token(self, parts) -> str:
        return query_value(parts, "access_token")

    def webhook_shape(self, parts) -> bool:
        return parts.path == "/robot/send" and bool(query_value(parts, "access_token"))

    def clean_secret(self, name, value):
        if name == "signing_secret" and not SIGNING_KEY.match(value):
            message = (f"Enter the robot's signing key: SEC followed by {KEY_MIN} to {KEY_MAX} letters and digits "
                       f"({KEY_MIN + 3} to {KEY_MAX + 3} characters in all); this one has {len(value)} characters"
                       + ("." if value.startswith("SEC") else " and does not start with SEC."))
            raise ValidationError({"signing_secret": [message]})
        return value
