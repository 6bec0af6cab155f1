"""The common part of the fake platforms: a ThreadingHTTPServer on 127.0.0.1 that records every
request, answers through the subclass's `answer(request)`, and can be told to fail.

    fake = FakeDingTalk().start()
    ...
    fake.stop()

`fail_next(n, status=500)` makes the next n answers an HTTP error; subclasses add their own
platform-level failures (an error code for a while). Windows of the rate limits are in seconds and
can be shrunk (`window_scale`) together with the console's RATE_LIMIT_WINDOW_SCALE; `clock` (seconds,
`time.monotonic` by default) is what the windows and penalties are measured by, so a test can step
it instead of sleeping.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    received_at: float  # time.time()
    received_monotonic: float
    client_port: int = 0  # one port for many requests: the client kept the connection alive
    status: int = 0
    answer: bytes = b""
    accepted: bool = False  # the platform took the message (the success answer)
    extra: dict = field(default_factory=dict)

    @property
    def json(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    @property
    def answer_json(self):
        try:
            return json.loads(self.answer or b"null")
        except ValueError:
            return None


@dataclass
class Answer:
    status: int = 200
    body: dict | bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    accepted: bool = False

    def encoded(self) -> bytes:
        if isinstance(self.body, dict):
            return json.dumps(self.body, ensure_ascii=False).encode("utf-8")
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return self.body


class SlidingWindow:
    """At most `limit` hits in any `window` seconds (per key)."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self.hits: dict[str, deque] = {}

    def hit(self, key: str, now: float) -> bool:
        hits = self.hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True


class FakeServer:
    name = "fake"

    # The platform's throttle answer (its code), for `throttled`.
    throttle_code: int | None = None

    def __init__(self, *, window_scale: float = 1.0, clock: Callable[[], float] | None = None):
        self.window_scale = window_scale
        self.clock = clock or time.monotonic
        self.requests: list[RecordedRequest] = []
        self.lock = threading.Lock()
        self._http_failures: deque[tuple[int, dict]] = deque()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True  # else ~44 ms per request (Nagle + delayed ACK)
            protocol_version = "HTTP/1.1"  # keep-alive, as the real platforms

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = RecordedRequest(
                    method=self.command,
                    path=parts.path,
                    query={k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    received_at=time.time(),
                    received_monotonic=fake.clock(),
                    client_port=self.client_address[1],
                )
                with fake.lock:
                    answer = fake._next_http_failure() or fake.answer(request)
                    request.status, request.answer, request.accepted = answer.status, answer.encoded(), answer.accepted
                    fake.requests.append(request)
                self.send_response(answer.status)
                headers = {"Content-Type": "application/json; charset=utf-8", **answer.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(request.answer)))
                self.end_headers()
                self.wfile.write(request.answer)

            do_POST = do_PUT = do_GET = do_DELETE = _handle  # noqa: N815

            def log_message(self, *args):  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name=f"{self.name}-fake", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- behaviour ------------------------------------------------------------------------------
    def window(self, seconds: float) -> float:
        return seconds * self.window_scale

    def answer(self, request: RecordedRequest) -> Answer:
        raise NotImplementedError

    def fail_next(self, count: int, status: int = 500, headers: dict | None = None) -> None:
        with self.lock:
            for _ in range(count):
                self._http_failures.append((status, headers or {}))

    def _next_http_failure(self) -> Answer | None:
        if not self._http_failures:
            return None
        status, headers = self._http_failures.popleft()
        return Answer(status=status, body={"error": f"injected HTTP {status}"}, headers=headers)

    # --- reading what happened ------------------------------------------------------------------
    @property
    def accepted(self) -> list[RecordedRequest]:
        with self.lock:
            return [r for r in self.requests if r.accepted]

    def wait_for(self, predicate, timeout: float = 10.0, interval: float = 0.02) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                snapshot = list(self.requests)
            if predicate(snapshot):
                return True
            time.sleep(interval)
        return False

    def wait_for_accepted(self, count: int, timeout: float = 10.0) -> bool:
        return self.wait_for(lambda requests: sum(r.accepted for r in requests) >= count, timeout)

    @property
    def throttled(self) -> list[RecordedRequest]:
        """The requests answered with the platform's throttle code."""
        with self.lock:
            return [r for r in self.requests if isinstance(r.answer_json, dict)
                    and self.throttle_code in (r.answer_json.get("errcode"), r.answer_json.get("code"))]

    def max_in_any_window(self, window: float, *, accepted_only: bool = False) -> int:
        """The most requests received within any `window` seconds (sliding)."""
        times = sorted(r.received_monotonic for r in self.requests if r.accepted or not accepted_only)
        best, start = 0, 0
        for end, moment in enumerate(times):
            while times[start] <= moment - window:
                start += 1
            best = max(best, end - start + 1)
        return best


class TimedCodeFailure:
    """'Answer error code X for T seconds' (platform-level failures with HTTP 200)."""

    def __init__(self, clock: Callable[[], float] | None = None):
        self.clock = clock or time.monotonic
        self.code: int | None = None
        self.message = ""
        self.until = 0.0

    def set(self, code: int, seconds: float, message: str) -> None:
        self.code, self.message, self.until = code, message, self.clock() + seconds

    def active(self) -> bool:
        return self.code is not None and self.clock() < self.until
