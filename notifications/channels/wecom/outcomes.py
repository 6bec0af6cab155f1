"""How WeCom answers: HTTP 200 with `errcode` 0 on success. 45009 (frequency)
and -1 (busy) are retried, after a minute for the frequency limit; 93000 (invalid webhook), 40058
(too long) and every other code are permanent."""

from __future__ import annotations

from notifications.channels.base import SendResult, judge_bot_answer, scaled_window
from notifications.channels.outbound import OutboundAnswer


def retryable_codes() -> dict[int, float | None]:
    return {45009: scaled_window(60.0), -1: None}


def judge(answer: OutboundAnswer, *, masked_url: str) -> SendResult:
    return judge_bot_answer(answer, masked_url=masked_url, code_keys=("errcode",), message_keys=("errmsg",),
                            retryable_codes=retryable_codes())
