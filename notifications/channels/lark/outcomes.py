"""How Lark answers: HTTP 200 with `code` (or `StatusCode`) 0 on success. 11232
(frequency limited) and -1 are retried; 19021 (sign), 19022 (IP), 19024 (keywords), 9499 (bad
request) and every other code are permanent."""

from __future__ import annotations

from notifications.channels.base import SendResult, judge_bot_answer, scaled_window
from notifications.channels.outbound import OutboundAnswer


def retryable_codes() -> dict[int, float | None]:
    return {11232: scaled_window(1.0), -1: None}


def judge(answer: OutboundAnswer, *, masked_url: str) -> SendResult:
    return judge_bot_answer(answer, masked_url=masked_url, code_keys=("code", "StatusCode"),
                            message_keys=("msg", "StatusMessage"), retryable_codes=retryable_codes())
