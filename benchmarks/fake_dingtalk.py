"""A local fake DingTalk robot for the benchmark, run as its own process so that it never shares a
GIL with the client it measures: `python -m benchmarks.fake_dingtalk --secret SEC...`.

By default it is the test suite's fake (`tests.fakes.dingtalk.FakeDingTalk`), every robot token
admitted with the bench's signing key; `--impl minimal` (or a checkout without the tests) uses the
small server below. Either checks the signature exactly as PROTOCOLS.md 1.2 says (millisecond
timestamp within an hour, HMAC-SHA256 keyed by the secret over `timestamp + "\\n" + secret`, Base64)
and answers as DingTalk does (HTTP 200, `errcode`). The per-robot rate limit (20 a minute) is lifted:
the benchmark measures the pipeline, not the platform's quota (each event has its own robot anyway).

It also stands for the HTTP receiver that Apprise's `json://` plugin posts to (the peer of
benchmarks/apprise_app.py; Apprise's DingTalk plugin has no custom host): `POST /apprise/<token>`,
HTTP Basic auth `bench:<secret>`, `Content-Type: application/json`, a body with Apprise's fields
(`version`, `title`, `message`, `type`); anything else is refused with 401/415/400.

It records the receipt time of every accepted message by access token (or Apprise path token),
which the benchmark reads at `GET /_bench/receipts` to compute event-to-receipt latencies;
`POST /_bench/reset` forgets them.
It prints `listening <port> <impl>` on stdout once ready.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ONE_HOUR_MS = 3600 * 1000


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The Base64 signature (before URL-encoding) of PROTOCOLS.md 1.2."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()).decode()


APPRISE_PREFIX = "/apprise/"


def apprise_expected_auth(secret: str) -> str:
    return "Basic " + base64.b64encode(f"bench:{secret}".encode()).decode()


def apprise_check(path: str, headers: dict[str, str], raw: bytes, secret: str) -> tuple[int, dict, str]:
    """Judge one Apprise `json://` POST: (HTTP status, answer, token accepted or "")."""
    token = path.removeprefix(APPRISE_PREFIX)
    if not token:
        return 404, {"error": "no token"}, ""
    if not hmac.compare_digest(headers.get("authorization", ""), apprise_expected_auth(secret)):
        return 401, {"error": "basic auth bench:<secret> expected"}, ""
    if not headers.get("content-type", "").startswith("application/json"):
        return 415, {"error": "application/json expected"}, ""
    try:
        body = json.loads(raw)
    except ValueError:
        return 400, {"error": "invalid json"}, ""
    if not isinstance(body, dict) or not {"version", "title", "message", "type"} <= body.keys():
        return 400, {"error": "Apprise's version, title, message and type expected"}, ""
    return 200, {"ok": True}, token


class Receipts:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tokens: list[str] = []
        self.times: list[float] = []

    def add(self, token: str, at: float) -> None:
        with self.lock:
            self.tokens.append(token)
            self.times.append(at)

    def snapshot(self) -> dict:
        with self.lock:
            return {"tokens": list(self.tokens), "times": list(self.times)}

    def reset(self) -> None:
        with self.lock:
            self.tokens.clear()
            self.times.clear()


def make_handler(secret: str, receipts: Receipts):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real endpoint
        disable_nagle_algorithm = True  # else ~44 ms per request (ENVIRONMENT.md)

        def log_message(self, format, *args):  # noqa: A002 (the base class's name)
            pass

        def _answer(self, payload: dict, status: int = 200) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):  # noqa: N802 (http.server's naming)
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if url.path == "/_bench/reset":
                receipts.reset()
                return self._answer({"ok": True})
            if url.path.startswith(APPRISE_PREFIX):
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, payload, token = apprise_check(url.path, headers, raw, secret)
                if token:
                    receipts.add(token, time.time())
                return self._answer(payload, status=status)
            if url.path != "/robot/send":
                return self._answer({"errcode": 404, "errmsg": "not found"}, status=404)
            query = parse_qs(url.query)
            token = (query.get("access_token") or [""])[0]
            timestamp = (query.get("timestamp") or [""])[0]
            sign = (query.get("sign") or [""])[0]  # parse_qs has already URL-decoded it
            if not token:
                return self._answer({"errcode": 300001, "errmsg": "token is not exist"})
            if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > ONE_HOUR_MS:
                return self._answer({"errcode": 310000, "errmsg": "invalid timestamp"})
            if not hmac.compare_digest(sign, dingtalk_sign(secret, int(timestamp))):
                return self._answer({"errcode": 310000, "errmsg": "sign not match"})
            try:
                message = json.loads(raw)
            except ValueError:
                return self._answer({"errcode": 400402, "errmsg": "invalid json"})
            if message.get("msgtype") not in {"text", "link", "markdown", "actionCard", "feedCard"}:
                return self._answer({"errcode": 400105, "errmsg": "unsupported msgtype"})
            receipts.add(token, time.time())
            return self._answer({"errcode": 0, "errmsg": "ok"})

        def do_GET(self):  # noqa: N802
            path = urlsplit(self.path).path
            if path == "/_bench/receipts":
                return self._answer(receipts.snapshot())
            if path == "/_bench/count":
                return self._answer({"count": len(receipts.times)})
            return self._answer({"errcode": 404, "errmsg": "not found"}, status=404)

    return Handler


def serve_test_suite_fake(secret: str) -> None:
    """The suite's fake, unchanged in how it judges a message; the benchmark only lifts the
    20-a-minute limit, admits any token with `secret`, and reads the receipts."""
    from tests.fakes.base import Answer, SlidingWindow
    from tests.fakes.dingtalk import DingTalkBot, FakeDingTalk

    class BenchDingTalk(FakeDingTalk):
        def __init__(self):
            super().__init__()
            self.limiter = SlidingWindow(10**9, 60.0)  # the rate limit, lifted
            self.receipts = Receipts()

        def answer(self, request):
            if request.path == "/_bench/receipts":
                return Answer(200, self.receipts.snapshot())
            if request.path == "/_bench/count":
                return Answer(200, {"count": len(self.receipts.times)})
            if request.path == "/_bench/reset":
                self.receipts.reset()
                self.requests.clear()  # the suite's fake keeps every request; the bench needs none
                return Answer(200, {"ok": True})
            if request.path.startswith(APPRISE_PREFIX):
                status, payload, token = apprise_check(request.path, request.headers, request.body, secret)
                if token:
                    self.receipts.add(token, request.received_at)
                return Answer(status, payload, accepted=bool(token))
            token = request.query.get("access_token", "")
            if token and token not in self.bots:
                self.bots[token] = DingTalkBot(token, secret, (), "")
            answer = super().answer(request)
            if answer.accepted:
                self.receipts.add(token, request.received_at)
            return answer

    fake = BenchDingTalk().start()
    print(f"listening {fake.port} tests.fakes.dingtalk", flush=True)
    threading.Event().wait()


def serve(port: int, secret: str) -> None:
    receipts = Receipts()
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(secret, receipts))
    server.daemon_threads = True
    server.request_queue_size = 128
    print(f"listening {server.server_address[1]} minimal", flush=True)
    server.serve_forever(poll_interval=0.2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--impl", choices=("tests", "minimal"), default="tests")
    args = parser.parse_args(argv)
    try:
        if args.impl == "tests":
            try:
                import tests.fakes.dingtalk  # noqa: F401
            except ImportError:
                args.impl = "minimal"
        if args.impl == "tests":
            serve_test_suite_fake(args.secret)
        else:
            serve(args.port, args.secret)
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
