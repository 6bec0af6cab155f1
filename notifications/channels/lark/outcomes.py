"""How Lark (Feishu) answers (PROTOCOLS.md 3.2, 3.5): HTTP 200 with `code` (or the legacy
`StatusCode`) 0 on success, else a code this table decodes.

Sources: 19021 sign or timestamp: https://github.com/feiyu563/PrometheusAlert/issues/422; 19022 IP not
allowed, 19024 keywords not found, 9499 bad request:
https://blog.csdn.net/qq_43108153/article/details/136166075; 11232 frequency limited (100 a minute,
5 a second per bot): https://open.larkoffice.com/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN.md;
19001 the hook token does not exist (a removed bot), seen in client code.
"""

from __future__ import annotations

from notifications.channels.answers import GONE, MISCONFIGURED, THROTTLED, TRANSIENT, Answer
from notifications.channels.base import SendResult, judge_bot_answer
from notifications.channels.outbound import OutboundAnswer

ANSWERS: dict[int, Answer] = {
    19001: Answer(GONE, "Lark does not know this bot's webhook: the bot was removed. Add a new one and save its "
                        "webhook here."),
    19021: Answer(MISCONFIGURED, "Lark's signature check failed: the signing secret is wrong (or the clocks differ "
                                 "by more than an hour)."),
    19022: Answer(MISCONFIGURED, "Lark refused this server's IP address (the bot's IP allow-list)."),
    19024: Answer(MISCONFIGURED, "Lark did not find the bot's required keyword in the message."),
    9499: Answer(MISCONFIGURED, "Lark refused the request as malformed (or over 20 KB)."),
    11232: Answer(THROTTLED, "Lark throttles this bot (over 5 a second or 100 a minute): paused a second.",
                  wait=1.0),
    -1: Answer(TRANSIENT, "Lark is busy; retried with backoff."),
}
UNKNOWN = Answer(MISCONFIGURED, "Lark refused the message with a code this console does not know.")


def judge(answer: OutboundAnswer, *, masked_url: str) -> SendResult:
    return judge_bot_answer(answer, masked_url=masked_url, code_keys=("code", "StatusCode"),
                            message_keys=("msg", "StatusMessage"), table=ANSWERS, unknown=UNKNOWN)
