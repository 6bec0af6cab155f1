"""HTTP/HTTPS targets: the event's CloudEvents envelope as the body (structured mode,
PROTOCOLS.md 5.1), signed per Standard Webhooks (5.2).

Headers: `webhook-id` = the event id (the same on every retry, so receivers drop duplicates),
`webhook-timestamp` = this attempt's Unix seconds, `webhook-signature: v1,<base64 HMAC-SHA256 of
"id.timestamp.body">` keyed by the base64-decoded `whsec_` secret. A target with message templates
adds their output as the extension attributes `paititle` and `paitext`. A replayed event keeps its
original `id` (and `webhook-id`) and carries the extension attribute `replayjobid` (also sent as the
header `ce-replayjobid`), so a receiver can tell a replay and drop an event it already has. Any 2xx is success; 3xx is a
failure (never followed); 408, 429 and 5xx are retried (Retry-After honoured); other 4xx are not.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time

from notifications.channels.base import (
    ChannelAdapter,
    DeliveryError,
    SendContext,
    SendResult,
    http_send,
    json_bytes,
    judge_http_status,
    kept_body,
)
from notifications.channels.http.schema import credentials_masked

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
SECRET_PREFIX = "whsec_"


def signing_key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise DeliveryError("the target's signing secret is not a whsec_ base64 secret", permanent=True) from None


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(signing_key(secret), signed, hashlib.sha256).digest()).decode()


def signed_headers(secret: str, msg_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {"Content-Type": CONTENT_TYPE, "webhook-id": msg_id, "webhook-timestamp": str(timestamp)}
    if secret:
        headers["webhook-signature"] = signature(secret, msg_id, timestamp, body)
    return headers


def message_envelope(message) -> dict:
    """The CloudEvents envelope sent; a target with templates of its own adds their rendered title
    and text as the extension attributes `paititle` and `paitext` (the envelope is otherwise as stored)."""
    envelope = dict(message.envelope or {"id": message.event_id, "type": message.event_type})
    if message.templated:
        envelope.update({"paititle": message.title, "paitext": message.body})
    if message.replay_job_id is not None:
        envelope["replayjobid"] = str(message.replay_job_id)
    return envelope


class HttpAdapter(ChannelAdapter):
    key = "http"

    @staticmethod
    def url(target_config: dict, secrets: dict) -> str:
        """The URL is one of the target's secrets (it may carry credentials); a config given by hand
        (the adapter's own tests) may name it there instead."""
        return secrets.get("url") or target_config.get("url", "")

    def destination(self, target_config: dict, secrets: dict) -> str:
        return credentials_masked(self.url(target_config, secrets))

    def send(self, message, target_config: dict, secrets: dict, context: SendContext | None = None) -> SendResult:
        url = self.url(target_config, secrets)
        masked = credentials_masked(url)
        if not url:
            raise DeliveryError("the target has no URL", permanent=True)
        envelope = message_envelope(message)
        body = json_bytes(envelope)
        msg_id = str(envelope.get("id") or message.event_id)
        headers = signed_headers(secrets.get("signing_secret", ""), msg_id, body)
        if "replayjobid" in envelope:
            headers["ce-replayjobid"] = envelope["replayjobid"]
        answer = http_send("POST", url, body=body, headers=headers, masked_url=masked, context=context)
        judge_http_status(answer, masked_url=masked, private_kept=False)
        return SendResult(request_url=masked, http_status=answer.status,
                          response_body=kept_body(answer, private_kept=False), detail=f"HTTP {answer.status}")
