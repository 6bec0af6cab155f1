"""A fake DingTalk custom robot endpoint that answers as DingTalk does (PROTOCOLS.md 1): HTTP 200
with `errcode`, the signature checked exactly as DingTalk checks it, 20 messages a minute per robot;
a robot that passes the limit is answered 130101 for the next 10 minutes whatever it sends
(PROTOCOLS.md 1.6), as DingTalk punishes it.

    fake = FakeDingTalk().start()
    bot = fake.add_bot(secret="SEC123...")      # bot.webhook: http://127.0.0.1:<port>/robot/send?access_token=...
    fake.fail_next(2)                           # the next two answers: HTTP 500
    fake.fail_with(130101, seconds=5)           # errcode 130101 for 5 s
    fake.revoke(bot)                            # from now on: errcode 400102 (the robot was disabled)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as pysecrets
import time
from dataclasses import dataclass

from .base import Answer, FakeServer, RecordedRequest, SlidingWindow, TimedCodeFailure

OK = {"errcode": 0, "errmsg": "ok"}
SIGN_NOT_MATCH = {"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}
INVALID_TIMESTAMP = {"errcode": 310000, "errmsg": "invalid timestamp"}
KEYWORDS_MISSING = {"errcode": 310000, "errmsg": "keywords not in content"}
TOKEN_MISSING = {"errcode": 300001, "errmsg": "token is not exist"}
ROBOT_DISABLED = {"errcode": 400102, "errmsg": "机器人已停用"}


def too_fast() -> dict:
    # The body DingTalk was seen to send (PROTOCOLS.md 1.5), extra keys included.
    return {"status": 1111, "wait": 5, "source": "x5", "punish": "deny", "uuid": pysecrets.token_hex(8),
            "errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}


def expected_sign(secret: str, timestamp: str) -> str:
    """DingTalk's own check: HMAC-SHA256 keyed by the secret over `timestamp\\nsecret`, Base64 (the
    query value after one URL-decoding)."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@dataclass
class DingTalkBot:
    token: str
    secret: str
    keywords: tuple[str, ...]
    webhook: str


class FakeDingTalk(FakeServer):
    name = "dingtalk"
    PER_MINUTE = 20
    PENALTY_SECONDS = 600.0
    throttle_code = 130101

    def __init__(self, *, window_scale: float = 1.0, clock=None):
        super().__init__(window_scale=window_scale, clock=clock)
        self.bots: dict[str, DingTalkBot] = {}
        self.limiter = SlidingWindow(self.PER_MINUTE, self.window(60.0))
        self.punished_until: dict[str, float] = {}
        self.code_failure = TimedCodeFailure(self.clock)
        self.revoked: dict[str, dict] = {}

    def add_bot(self, *, secret: str = "", keywords: tuple[str, ...] = (), token: str | None = None) -> DingTalkBot:
        token = token or pysecrets.token_hex(32)
        bot = DingTalkBot(token, secret, tuple(keywords), f"{self.base_url}/robot/send?access_token={token}")
        self.bots[token] = bot
        return bot

    def fail_with(self, errcode: int, seconds: float, errmsg: str = "") -> None:
        default = too_fast()["errmsg"] if errcode == 130101 else "system busy"
        with self.lock:
            self.code_failure.set(errcode, seconds, errmsg or default)

    def revoke(self, bot: DingTalkBot, answer: dict | None = None) -> None:
        """The robot was disabled in its group: every later message is answered 400102."""
        with self.lock:
            self.revoked[bot.token] = answer or ROBOT_DISABLED

    def restore(self, bot: DingTalkBot) -> None:
        with self.lock:
            self.revoked.pop(bot.token, None)

    def messages_for(self, bot: DingTalkBot) -> list[RecordedRequest]:
        return [r for r in self.accepted if r.query.get("access_token") == bot.token]

    def answer(self, request: RecordedRequest) -> Answer:
        if request.method != "POST" or request.path != "/robot/send":
            return Answer(404, {"errcode": 404, "errmsg": "not found"})
        bot = self.bots.get(request.query.get("access_token", ""))
        if bot is None:
            return Answer(200, TOKEN_MISSING)
        if bot.token in self.revoked:
            return Answer(200, self.revoked[bot.token])
        if bot.secret:
            timestamp, sign = request.query.get("timestamp", ""), request.query.get("sign", "")
            try:
                skew = abs(time.time() * 1000 - int(timestamp))
            except ValueError:
                return Answer(200, INVALID_TIMESTAMP)
            if skew > 3600 * 1000:
                return Answer(200, INVALID_TIMESTAMP)
            if not hmac.compare_digest(sign, expected_sign(bot.secret, timestamp)):
                return Answer(200, SIGN_NOT_MATCH)
        now = request.received_monotonic
        if self.punished_until.get(bot.token, 0.0) > now:
            return Answer(200, too_fast())
        if not self.limiter.hit(bot.token, now):
            self.punished_until[bot.token] = now + self.window(self.PENALTY_SECONDS)
            return Answer(200, too_fast())
        if self.code_failure.active():
            body = too_fast() if self.code_failure.code == 130101 else {}
            body.update(errcode=self.code_failure.code, errmsg=self.code_failure.message)
            return Answer(200, body)
        payload = request.json
        if not isinstance(payload, dict):
            return Answer(200, {"errcode": 43004, "errmsg": "无效的HTTP HEADER Content-Type"})
        msgtype = payload.get("msgtype")
        content = payload.get(msgtype) if isinstance(msgtype, str) else None
        if msgtype not in ("text", "link", "markdown", "actionCard", "feedCard") or not isinstance(content, dict):
            return Answer(200, {"errcode": 400105, "errmsg": "不支持的消息类型"})
        if msgtype in ("markdown", "actionCard") and not content.get("title"):
            return Answer(200, {"errcode": 400402, "errmsg": f"description:参数 {msgtype} --》 title 缺失"})
        text = " ".join(str(value) for value in content.values())
        if bot.keywords and not any(keyword in text for keyword in bot.keywords):
            return Answer(200, KEYWORDS_MISSING)
        request.extra["text"] = text
        return Answer(200, OK, accepted=True)
