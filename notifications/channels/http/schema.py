"""HTTP/HTTPS: a URL receiving the CloudEvents envelope, signed per Standard Webhooks with a secret
`whsec_<base64 of 32 random bytes>` made when the target is created and shown once."""

from __future__ import annotations

import base64
import secrets as random_secrets

from console.crypto import mask
from notifications.channels.schema import CleanedConfig, ConfigField, ConfigSchema, split_url

SECRET_PREFIX = "whsec_"


def new_signing_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(random_secrets.token_bytes(32)).decode()


class HttpConfig(ConfigSchema):
    fields = (
        ConfigField("url", "Webhook", widget="url",  # the guide calls every endpoint field "Webhook" placeholder="https://example.com/pai-events",
                    help="Receives the standard template: the CloudEvents envelope, signed per Standard "
                         "Webhooks (webhook-id, webhook-timestamp, webhook-signature)."),
    )
    # Not an input: generated at creation, kept on edit, shown once.
    generated_secret = "signing_secret"
    generated_secrets = ("signing_secret",)

    def clean_values(self, values, *, context, stored_secrets):
        url = values["url"]
        split_url(url, "url")
        secret = stored_secrets.get(self.generated_secret, "")
        revealed = {}
        if not secret:
            secret = new_signing_secret()
            revealed[self.generated_secret] = secret
        return CleanedConfig(
            config={"url": url, self.generated_secret: SECRET_PREFIX + mask(secret[len(SECRET_PREFIX):])},
            secrets={self.generated_secret: secret},
            revealed=revealed,
        )

    def masked(self, target) -> dict:
        secret_hint = target.config.get(self.generated_secret, "")
        return {"url": target.config.get("url", ""), self.generated_secret: secret_hint}

    def summary(self, target) -> str:
        return target.config.get("url", "")
