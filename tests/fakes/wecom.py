"""A fake WeCom group robot endpoint (PROTOCOLS.md 2): HTTP 200 with `errcode`; the key checked
(93000), 20 messages a minute per robot (45009), markdown content at most 4,096 bytes (40058).

    fake = FakeWeCom().start()
    bot = fake.add_bot()          # bot.webhook: http://127.0.0.1:<port>/cgi-bin/webhook/send?key=...
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from .base import Answer, FakeServer, RecordedRequest, SlidingWindow, TimedCodeFailure

OK = {"errcode": 0, "errmsg": "ok"}
HINT = "hint: [1700000000_1_abcdef], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e="
LIMITS = {"text": 2048, "markdown": 4096, "markdown_v2": 4096}


def error(code: int, text: str) -> dict:
    return {"errcode": code, "errmsg": f"{text}, {HINT}{code}"}


@dataclass
class WeComBot:
    key: str
    webhook: str


class FakeWeCom(FakeServer):
    name = "wecom"
    PER_MINUTE = 20
    throttle_code = 45009

    def __init__(self, *, window_scale: float = 1.0, clock=None):
        super().__init__(window_scale=window_scale, clock=clock)
        self.bots: dict[str, WeComBot] = {}
        self.limiter = SlidingWindow(self.PER_MINUTE, self.window(60.0))
        self.code_failure = TimedCodeFailure(self.clock)

    def add_bot(self, key: str | None = None) -> WeComBot:
        key = key or str(uuid.uuid4())
        bot = WeComBot(key, f"{self.base_url}/cgi-bin/webhook/send?key={key}")
        self.bots[key] = bot
        return bot

    def fail_with(self, errcode: int, seconds: float, errmsg: str = "api freq out of limit") -> None:
        with self.lock:
            self.code_failure.set(errcode, seconds, errmsg)

    def answer(self, request: RecordedRequest) -> Answer:
        if request.method != "POST" or request.path != "/cgi-bin/webhook/send":
            return Answer(404, b"")
        bot = self.bots.get(request.query.get("key", ""))
        if bot is None:
            return Answer(200, error(93000, "invalid webhook url"))
        if not self.limiter.hit(bot.key, request.received_monotonic):
            return Answer(200, error(45009, "api freq out of limit"))
        if self.code_failure.active():
            return Answer(200, error(self.code_failure.code, self.code_failure.message))
        payload = request.json
        if not isinstance(payload, dict):
            return Answer(200, error(40008, "invalid message type"))
        msgtype = payload.get("msgtype")
        content = (payload.get(msgtype) or {}).get("content") if isinstance(msgtype, str) else None
        if msgtype not in LIMITS or not isinstance(content, str):
            return Answer(200, error(40008, "invalid message type"))
        size = len(content.encode("utf-8"))
        if size > LIMITS[msgtype]:
            return Answer(200, error(40058, f"{msgtype}.content exceed max length {LIMITS[msgtype]}. "
                                            "invalid Request Parameter"))
        request.extra["content"] = content
        return Answer(200, OK, accepted=True)
