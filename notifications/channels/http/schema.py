"""HTTP/HTTPS: a URL receiving the CloudEvents envelope, signed per Standard Webhooks with a secret
`whsec_<base64 of 32 random bytes>` made when the target is created and shown once.

The URL is a secret, like a chat webhook: receivers take credentials in it (`?token=...`, a user and
password for Basic auth). It is stored encrypted; the console, the API, admin and the audit log show
`credentials_masked(url)`: every query value and the user info masked."""

from __future__ import annotations

import base64
import secrets as random_secrets
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from console.crypto import MASK, mask
from notifications.channels.schema import CleanedConfig, ConfigField, ConfigSchema, check_destination, split_url

SECRET_PREFIX = "whsec_"


def new_signing_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(random_secrets.token_bytes(32)).decode()


def credentials_masked(url: str) -> str:
    """The URL as shown: scheme, host, port and path as written; user info and each query value
    masked whole (any of them may be a credential, a short one too; the names stay, so the URL is
    still recognisable)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return MASK
    netloc = (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    if parts.username or parts.password:
        netloc = f"{MASK}{':' + MASK if parts.password else ''}@{netloc}"
    query = "&".join(f"{quote(name, safe='')}={MASK if value else ''}"
                     for name, value in parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


class HttpConfig(ConfigSchema):
    fields = (
        # The guide calls every endpoint field "Webhook".
        ConfigField("url", "Webhook", widget="url", secret=True, placeholder="https://example.com/pai-events",
                    help="Receives the standard template: the CloudEvents envelope, signed per Standard "
                         "Webhooks (webhook-id, webhook-timestamp, webhook-signature). The URL may carry "
                         "credentials (a token in the query, user:password@ for Basic auth): it is stored "
                         "encrypted and shown masked after saving."),
    )
    # Not an input: generated at creation, kept on edit, shown once.
    generated_secret = "signing_secret"
    generated_secrets = ("signing_secret",)

    @staticmethod
    def new_secret() -> str:
        """A new signing secret (at creation, and when the target's secret is rotated)."""
        return new_signing_secret()

    @staticmethod
    def secret_hint(secret: str) -> str:
        """The masked copy kept in config: `whsec_` and the last characters."""
        return SECRET_PREFIX + mask(secret[len(SECRET_PREFIX):])

    def clean_values(self, values, *, context, stored_secrets):
        url = values["url"]
        split_url(url, "url", allow_userinfo=True)
        check_destination(url, field_name="url", context=context)
        secret = stored_secrets.get(self.generated_secret, "")
        revealed = {}
        if not secret:
            secret = new_signing_secret()
            revealed[self.generated_secret] = secret
        return CleanedConfig(
            config={"url": credentials_masked(url), self.generated_secret: self.secret_hint(secret)},
            secrets={"url": url, self.generated_secret: secret},
            revealed=revealed,
        )

    def masked(self, target) -> dict:
        secret_hint = target.config.get(self.generated_secret, "")
        return {"url": target.config.get("url", ""), self.generated_secret: secret_hint}

    def summary(self, target) -> str:
        return target.config.get("url", "")
