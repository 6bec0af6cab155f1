"""A fake HTTP/HTTPS event receiver that verifies Standard Webhooks signatures (PROTOCOLS.md 5.2)
and CloudEvents structured mode (5.1).

    fake = FakeHttpReceiver().start()
    endpoint = fake.add_endpoint(secret="whsec_...")   # endpoint.url: http://127.0.0.1:<port>/hooks/<id>
    fake.answer_status(503, times=2)                    # the next two answers: 503
    fake.redirect_to("http://elsewhere/")               # answer 301 with a Location
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from collections import deque
from dataclasses import dataclass

from .base import Answer, FakeServer, RecordedRequest

TOLERANCE_SECONDS = 5 * 60


def signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def verify(secret: str, headers: dict[str, str], body: bytes, now: float | None = None) -> str:
    """"" when valid, else the reason (the checks a Standard Webhooks library makes)."""
    msg_id, timestamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
    given = headers.get("webhook-signature", "")
    if not (msg_id and timestamp and given):
        return "missing webhook headers"
    try:
        skew = abs((now or time.time()) - int(timestamp))
    except ValueError:
        return "bad timestamp"
    if skew > TOLERANCE_SECONDS:
        return "timestamp outside tolerance"
    expected = signature(secret, msg_id, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in given.split(" ")):
        return "signature mismatch"
    return ""


@dataclass
class Endpoint:
    id: str
    secret: str
    url: str


class FakeHttpReceiver(FakeServer):
    name = "http-receiver"

    def __init__(self):
        super().__init__()
        self.endpoints: dict[str, Endpoint] = {}
        self._statuses: deque[tuple[int, dict]] = deque()

    def add_endpoint(self, *, secret: str, endpoint_id: str | None = None) -> Endpoint:
        endpoint_id = endpoint_id or uuid.uuid4().hex[:12]
        endpoint = Endpoint(endpoint_id, secret, f"{self.base_url}/hooks/{endpoint_id}")
        self.endpoints[endpoint_id] = endpoint
        return endpoint

    def answer_status(self, status: int, *, times: int = 1, headers: dict | None = None) -> None:
        with self.lock:
            self._statuses.extend([(status, headers or {})] * times)

    def redirect_to(self, location: str, *, times: int = 1) -> None:
        self.answer_status(301, times=times, headers={"Location": location})

    def events(self) -> list[dict]:
        return [r.json for r in self.accepted]

    def answer(self, request: RecordedRequest) -> Answer:
        if self._statuses:
            status, headers = self._statuses.popleft()
            return Answer(status, {"status": status}, headers=headers)
        endpoint = self.endpoints.get(request.path.removeprefix("/hooks/"))
        if request.method != "POST" or endpoint is None:
            return Answer(404, {"error": "no such endpoint"})
        if not request.headers.get("content-type", "").startswith("application/cloudevents+json"):
            return Answer(415, {"error": "expected application/cloudevents+json"})
        reason = verify(endpoint.secret, request.headers, request.body)
        if reason:
            request.extra["refused"] = reason
            return Answer(401, {"error": reason})
        event = request.json
        if not isinstance(event, dict) or event.get("id") != request.headers.get("webhook-id"):
            return Answer(400, {"error": "the body is not the event named by webhook-id"})
        return Answer(204, b"", accepted=True)
