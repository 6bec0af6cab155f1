"""How DingTalk answers: HTTP 200 with `errcode` 0 on success. Rate limited
(130101 "send too fast", 410100) and "system busy" (-1) are worth another try; DingTalk throttles a
bot for a while after the limit, so wait a minute rather than hammer it. Every other code (310000
security check, a bad token, a keyword missing, a malformed message) is permanent."""

from __future__ import annotations

from notifications.channels.base import SendResult, judge_bot_answer, scaled_window
from notifications.channels.outbound import OutboundAnswer

RETRYABLE_CODES: dict[int, float | None] = {130101: 60.0, 410100: 60.0, -1: None}


def retryable_codes() -> dict[int, float | None]:
    return {code: scaled_window(wait) if wait else wait for code, wait in RETRYABLE_CODES.items()}


def judge(answer: OutboundAnswer, *, masked_url: str) -> SendResult:
    return judge_bot_answer(answer, masked_url=masked_url, code_keys=("errcode",), message_keys=("errmsg",),
                            retryable_codes=retryable_codes())
