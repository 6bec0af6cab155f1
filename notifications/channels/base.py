"""What every channel shares: the adapter interface, its one error type, its result, and the HTTP
call that goes through the SSRF guard and judges transport-level failures.

A channel adapter gets a rendered message (`message.Message`), the target's config and secrets,
and a `SendContext`; it returns a `SendResult` or raises `DeliveryError`, which says whether trying
again can help (`permanent=False`) and when (`retry_after`). Adapters know nothing of rules,
deliveries, views or the API.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, quote_plus, urlsplit, urlunsplit

import requests
import urllib3
from django.conf import settings

from .answers import GONE, MISCONFIGURED, THROTTLED, TRANSIENT, Answer, class_of
from .outbound import OutboundAnswer, OutboundRefused, outbound_request

RESPONSE_KEEP_BYTES = 2048
# Query parameters whose values are masked wherever a URL is stored or shown.
SECRET_QUERY_KEYS = {"access_token", "key", "sign", "token", "secret", "signature", "password", "apikey",
                     "api_key", "accesskeyid", "accesskeysecret"}


@dataclass(frozen=True)
class SendContext:
    """Where a send comes from. `delivery_id` is None for Test Connectivity."""

    delivery_id: int | None = None
    attempt: int = 1
    # (connect, read) timeouts and a total deadline; None = the settings' defaults.
    timeout: tuple[float, float] | None = None
    total_timeout: float | None = None
    test: bool = False
    # Who published the event (Event.origin: "platform" or "put_events"; "" when unknown) and, for
    # PutEvents, the user's id: a channel that acts on resources acts within that user's rights.
    event_origin: str = ""
    publisher_id: int | None = None
    # The private networks an operator granted the account whose target this is (CIDR text or list;
    # notifications.channels.outbound). None: a destination the operator configured (the EAS API,
    # the SMS/voice provider), which settings.OUTBOUND_ALLOWED_NETWORKS governs.
    tenant_networks: str | tuple | None = None

    def for_operator(self) -> SendContext:
        """The same send, to a destination the operator configured (not the tenant)."""
        return replace(self, tenant_networks=None)


@dataclass
class SendResult:
    request_url: str = ""  # masked
    http_status: int | None = None
    provider_code: str = ""
    response_body: str = ""
    detail: str = ""  # a human summary ("sent", "switched web-svc to 0.2.0")


class DeliveryError(Exception):
    """The one error a channel raises. `permanent` failures are not retried (bad token, bad
    signature, a 4xx); the others are, after `retry_after` seconds when the receiver said so."""

    # `reason` says where it failed, for words a user can act on (Test Connectivity): "dns",
    # "address", "url", "connect", "timeout", "tls" (the receiver was never reached), "http" (it
    # answered an HTTP error), "bot" (it answered its own error code), "answer" (unreadable), "".
    def __init__(self, message: str, *, permanent: bool, retry_after: float | None = None,
                 http_status: int | None = None, provider_code: str | int | None = "",
                 response_body: str = "", request_url: str = "", reason: str = "", host: str = "",
                 klass: str = "", words: str = ""):
        super().__init__(message)
        # The outcome class (notifications.channels.answers) and the answer decoded in words.
        self.klass = klass or class_of(permanent=permanent)
        self.words = words
        self.reason = reason
        self.host = host
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.http_status = http_status
        self.provider_code = "" if provider_code is None else str(provider_code)
        self.response_body = response_body
        self.request_url = request_url

    def __str__(self) -> str:
        return self.message

    @classmethod
    def decoded(cls, answer: Answer, message: str, **fields) -> DeliveryError:
        """The error for a platform answer a channel's table decoded."""
        return cls(message, permanent=answer.permanent, klass=answer.klass, words=answer.words,
                   retry_after=scaled_window(answer.wait) if answer.wait else fields.pop("retry_after", None),
                   **fields)


class ChannelAdapter:
    """Subclasses set `key` and implement `send`. `rate_limits` are (count, window seconds) pairs
    the platform enforces per bot; `rate_limit_identity` says what identifies one bot."""

    key: str = ""
    rate_limits: tuple[tuple[int, float], ...] = ()

    def send(self, message, target_config: dict, secrets: dict, context: SendContext | None = None) -> SendResult:
        raise NotImplementedError

    def destination(self, target_config: dict, secrets: dict) -> str:
        """The URL (or address) this target sends to, masked; shown on attempts before the send."""
        return ""

    def rate_limit_identity(self, target_config: dict, secrets: dict) -> str:
        """What identifies one bot for the rate limiter (hashed before use); "" = no limit."""
        return ""


class ChatBotAdapter(ChannelAdapter):
    """A group bot reached by its webhook (the webhook carries its token): the webhook, masked, is
    where it sends; the webhook identifies the bot for the rate limiter."""

    def destination(self, target_config: dict, secrets: dict) -> str:
        return mask_url(secrets.get("webhook", ""))

    def rate_limit_identity(self, target_config: dict, secrets: dict) -> str:
        return secrets.get("webhook", "")


def scaled_window(seconds: float) -> float:
    """A platform's time window, times RATE_LIMIT_WINDOW_SCALE (1 in production; tests shrink
    minutes to seconds, together with the fakes' windows)."""
    return seconds * float(settings.RATE_LIMIT_WINDOW_SCALE)


def mask_url(url: str) -> str:
    """The URL with credentials masked: secret-looking query values, userinfo passwords."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:••••••@{hostport}" if ":" in userinfo else f"{user}@{hostport}"
    query = "&".join(  # (values masked before stay as they are: masking twice changes nothing)
        f"{quote_plus(k)}=" + ("••••••" if k.lower() in SECRET_QUERY_KEYS and v else quote_plus(v, safe="•"))
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def mask_path_token(url: str, marker: str) -> str:
    """Mask the path segment after `marker` (e.g. Lark's `/hook/<token>`)."""
    return re.sub(rf"({re.escape(marker)})[^/?#]+", r"\1••••••", url)


def trim(text: str, limit: int = RESPONSE_KEEP_BYTES) -> str:
    """At most `limit` UTF-8 bytes, cut on a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# Failures before any answer, by DeliveryError.reason. A name that does not resolve today may resolve
# after a DNS outage, a refused connection may be a receiver restarting, a certificate being renewed
# may be right tomorrow: all transient. A forbidden address or a bad URL will not change by itself.
TRANSPORT_ANSWERS = {
    "dns": Answer(TRANSIENT, "The receiver's host name did not resolve (DNS); retried with backoff."),
    "connect": Answer(TRANSIENT, "The receiver refused or dropped the connection; retried with backoff."),
    "timeout": Answer(TRANSIENT, "The receiver did not answer in time; retried with backoff."),
    "tls": Answer(TRANSIENT, "The TLS handshake failed (certificate or protocol); retried with backoff."),
    "address": Answer(MISCONFIGURED, "The destination address is not allowed (private or reserved network)."),
    "url": Answer(MISCONFIGURED, "The target's URL is not valid."),
}
# HTTP answers (PROTOCOLS.md 5.4, after Standard Webhooks and Svix: 410 disables the endpoint, 429
# throttles with Retry-After, 5xx and 408 are retried).
HTTP_GONE = Answer(GONE, "The receiver answered 410 Gone: the endpoint was removed.")
HTTP_THROTTLED = Answer(THROTTLED, "The receiver is throttling (429 Too Many Requests); paused for its Retry-After.")
HTTP_TRANSIENT = Answer(TRANSIENT, "The receiver failed or is unavailable (5xx or 408); retried with backoff.")
HTTP_REDIRECT = Answer(MISCONFIGURED, "The receiver answered a redirect, which is never followed: fix the URL.")
HTTP_AUTH = Answer(MISCONFIGURED, "The receiver refused the credentials (401/403): check the URL's credentials "
                                  "or the signing secret.")
HTTP_REFUSED = Answer(MISCONFIGURED, "The receiver refused the request (4xx): check the URL and what it accepts.")
DEFAULT_THROTTLE_SECONDS = 60.0


def http_status_answer(status: int) -> Answer | None:
    """The class of an HTTP status (None for a 2xx)."""
    if 200 <= status < 300:
        return None
    if status == 410:
        return HTTP_GONE
    if status == 429:
        return HTTP_THROTTLED
    if status == 408 or status >= 500:
        return HTTP_TRANSIENT
    if 300 <= status < 400:
        return HTTP_REDIRECT
    if status in (401, 403):
        return HTTP_AUTH
    return HTTP_REFUSED


def http_send(method: str, url: str, *, body: bytes | None, headers: dict, masked_url: str,
              context: SendContext | None = None) -> OutboundAnswer:
    """One request through the SSRF guard. Transport failures become DeliveryError: a refused
    destination is permanent; timeouts and connection errors are retryable."""
    context = context or SendContext()
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    where = {"request_url": masked_url, "host": host}
    try:
        return outbound_request(method, url, headers=headers, body=body, timeout=context.timeout,
                                total_timeout=context.total_timeout, tenant_networks=context.tenant_networks)
    except OutboundRefused as exc:
        # A name that does not resolve today may resolve after a DNS outage: retried with backoff.
        # A forbidden address or a bad URL will not change: permanent.
        answer = TRANSPORT_ANSWERS.get(exc.reason, TRANSPORT_ANSWERS["address"])
        raise DeliveryError.decoded(answer, str(exc), reason=exc.reason, **where) from None
    except (requests.Timeout, urllib3.exceptions.TimeoutError) as exc:
        raise DeliveryError.decoded(TRANSPORT_ANSWERS["timeout"], f"timed out: {_short(exc)}", reason="timeout",
                                    **where) from None
    except requests.exceptions.SSLError as exc:
        raise DeliveryError.decoded(TRANSPORT_ANSWERS["tls"], f"TLS handshake failed: {_short(exc)}", reason="tls",
                                    **where) from None
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        where_to = host or "the receiver"
        raise DeliveryError.decoded(
            TRANSPORT_ANSWERS["connect"],
            f"connection failed: could not connect to {where_to} ({_connect_reason(exc)})", reason="connect",
            **where) from None


def _connect_reason(exc: Exception) -> str:
    """"Connection refused" rather than requests' nested repr of urllib3's pool error."""
    text = str(exc)
    match = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text)
    return match.group(1).strip() if match else _short(exc)


def _short(exc: Exception) -> str:
    text = str(exc) or exc.__class__.__name__
    # requests' messages repeat the URL, with its token: keep the reason only.
    text = re.sub(r"https?://\S+", "<url>", text)
    text = re.sub(r"(access_token|key|sign|token)=[^&\s'\")]+", r"\1=••••••", text)
    return text[:300]


PRIVATE_ANSWER = "(not stored: the answer of a private address)"


def kept_body(answer: OutboundAnswer, *, private_kept: bool = True) -> str:
    """What an attempt stores of the answer: 2 KB of it; nothing of an HTTP target's answer from a
    private address (an allowed network must not become a way to read internal services)."""
    return trim(answer.text) if private_kept or answer.public else PRIVATE_ANSWER


def judge_http_status(answer: OutboundAnswer, *, masked_url: str, provider_code: str = "",
                      private_kept: bool = True) -> None:
    """Raise DeliveryError unless the answer is a 2xx. 3xx: permanent (never followed);
    408, 429 and 5xx: retryable, honouring Retry-After; other 4xx: permanent."""
    status = answer.status
    decoded = http_status_answer(status)
    if decoded is None:
        return
    body = kept_body(answer, private_kept=private_kept)
    common = {"http_status": status, "response_body": body, "request_url": masked_url, "provider_code": provider_code}
    message = f"HTTP {status}: redirects are not followed" if 300 <= status < 400 else f"HTTP {status}"
    retry_after = retry_after_seconds(answer.headers.get("retry-after"))
    if decoded.klass == THROTTLED and retry_after is None:
        retry_after = scaled_window(DEFAULT_THROTTLE_SECONDS)
    raise DeliveryError(message, permanent=decoded.permanent, klass=decoded.klass, words=decoded.words,
                        retry_after=retry_after, reason="http", **common)


def json_body(answer: OutboundAnswer) -> dict | None:
    try:
        data = json.loads(answer.body or b"null")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def json_bytes(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def webhook_host_admitted(url: str, provider_hosts: tuple[str, ...]) -> bool:
    """Chat webhooks go to the provider's own hosts, or to hosts admitted by WEBHOOK_EXTRA_HOSTS
    (self-hosted relays, the test fakes): `host` or `host:port` entries."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return False
    if host in provider_hosts and parts.scheme == "https":
        return True
    extra = {entry.strip().lower() for entry in settings.WEBHOOK_EXTRA_HOSTS if entry.strip()}
    return host in extra or (port is not None and f"{host}:{port}" in extra)


UNREADABLE = "The bot's answer could not be read; retried with backoff."


def judge_bot_answer(answer: OutboundAnswer, *, masked_url: str, code_keys: tuple[str, ...],
                     message_keys: tuple[str, ...], table: dict[int, Answer], unknown: Answer) -> SendResult:
    """Chat bots answer HTTP 200 with an error code in the body: 0 is success, anything else a
    failure, decoded by the channel's `table` (code -> Answer); a code the table does not know is
    `unknown` (each channel says what it presumes)."""
    judge_http_status(answer, masked_url=masked_url)
    body = trim(answer.text)
    data = json_body(answer)
    code = None
    if data is not None:
        for key in code_keys:
            if key in data:
                code = data[key]
                break
    if code is None:
        raise DeliveryError("the bot's answer has no result code", permanent=False, http_status=answer.status,
                            response_body=body, request_url=masked_url, reason="answer", words=UNREADABLE)
    try:
        code = int(code)
    except (TypeError, ValueError):
        raise DeliveryError(f"the bot answered an unreadable code {code!r}", permanent=False,
                            http_status=answer.status, response_body=body, request_url=masked_url,
                            reason="answer", words=UNREADABLE) from None
    if code == 0:
        return SendResult(request_url=masked_url, http_status=answer.status, provider_code="0", response_body=body,
                          detail="sent")
    text = next((str(data[key]) for key in message_keys if data.get(key)), "")
    decoded = table.get(code, unknown)
    raise DeliveryError.decoded(decoded, f"{code} {text}".strip(), http_status=answer.status, provider_code=code,
                                response_body=body, request_url=masked_url, reason="bot")
