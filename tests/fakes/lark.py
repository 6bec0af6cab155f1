"""A fake Lark (Feishu) custom bot endpoint (PROTOCOLS.md 3): HTTP 200 with `code`; the optional
signature checked as Lark checks it (3.3: key = `timestamp\\nsecret`, empty message, seconds, in
the body), 5 a second and 100 a minute per bot (11232), bodies over 20 KB refused (9499).

    fake = FakeLark().start()
    bot = fake.add_bot(secret="...")    # bot.webhook: http://127.0.0.1:<port>/open-apis/bot/v2/hook/<token>
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass

from .base import Answer, FakeServer, RecordedRequest, SlidingWindow, TimedCodeFailure

OK = {"code": 0, "msg": "success", "data": {}, "Extra": None, "StatusCode": 0, "StatusMessage": "success"}
SIGN_FAIL = {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time", "data": {}}
BAD_REQUEST = {"code": 9499, "msg": "Bad Request", "data": {}}
TOKEN_INVALID = {"code": 19001, "msg": "param invalid: incoming webhook access token invalid", "data": {}}
KEYWORDS_MISSING = {"code": 19024, "msg": "Key Words Not Found", "data": {}}
FREQUENCY_LIMITED = {"code": 11232, "msg": "frequency limited psm[lark.oapi.app_platform_runtime]appID[1]", "data": {}}
MAX_BODY_BYTES = 20 * 1024


def expected_sign(secret: str, timestamp: str) -> str:
    """Lark's check: HMAC-SHA256 keyed by `timestamp\\nsecret` over an empty message, Base64."""
    return base64.b64encode(hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()


@dataclass
class LarkBot:
    token: str
    secret: str
    keywords: tuple[str, ...]
    webhook: str


class FakeLark(FakeServer):
    name = "lark"
    throttle_code = 11232

    def __init__(self, *, window_scale: float = 1.0, clock=None):
        super().__init__(window_scale=window_scale, clock=clock)
        self.bots: dict[str, LarkBot] = {}
        self.per_second = SlidingWindow(5, self.window(1.0))
        self.per_minute = SlidingWindow(100, self.window(60.0))
        self.code_failure = TimedCodeFailure(self.clock)

    def add_bot(self, *, secret: str = "", keywords: tuple[str, ...] = (), token: str | None = None) -> LarkBot:
        token = token or str(uuid.uuid4())
        bot = LarkBot(token, secret, tuple(keywords), f"{self.base_url}/open-apis/bot/v2/hook/{token}")
        self.bots[token] = bot
        return bot

    def fail_with(self, code: int, seconds: float, msg: str = "") -> None:
        with self.lock:
            self.code_failure.set(code, seconds, msg or FREQUENCY_LIMITED["msg"])

    def answer(self, request: RecordedRequest) -> Answer:
        prefix = "/open-apis/bot/v2/hook/"
        if request.method != "POST" or not request.path.startswith(prefix):
            return Answer(404, b"404 page not found")
        bot = self.bots.get(request.path[len(prefix):])
        if bot is None:
            return Answer(200, TOKEN_INVALID)
        if len(request.body) > MAX_BODY_BYTES:
            return Answer(200, BAD_REQUEST)
        payload = request.json
        if not isinstance(payload, dict):
            return Answer(200, BAD_REQUEST)
        if bot.secret:
            timestamp, sign = str(payload.get("timestamp", "")), str(payload.get("sign", ""))
            try:
                skew = abs(time.time() - int(timestamp))
            except ValueError:
                return Answer(200, SIGN_FAIL)
            if skew > 3600 or not hmac.compare_digest(sign, expected_sign(bot.secret, timestamp)):
                return Answer(200, SIGN_FAIL)
        now = request.received_monotonic
        if not self.per_second.hit(bot.token, now) or not self.per_minute.hit(bot.token, now):
            return Answer(200, FREQUENCY_LIMITED)
        if self.code_failure.active():
            return Answer(200, {"code": self.code_failure.code, "msg": self.code_failure.message, "data": {}})
        msg_type = payload.get("msg_type")
        if msg_type == "interactive":
            card = payload.get("card")
            if not isinstance(card, dict):  # the webhook wants an object, not a JSON string
                return Answer(200, BAD_REQUEST)
            text = str(card)
        elif msg_type in ("text", "post"):
            text = str(payload.get("content"))
        else:
            return Answer(200, BAD_REQUEST)
        if bot.keywords and not any(keyword in text for keyword in bot.keywords):
            return Answer(200, KEYWORDS_MISSING)
        return Answer(200, OK, accepted=True)
