"""How DingTalk answers (PROTOCOLS.md 1.5, 1.6): HTTP 200 with `errcode` 0 on success, else a code
this table decodes. Key on errcode, never errmsg (its wording changes and is often Chinese).

Sources: 310000 security check (sign, keyword, IP allow-list):
https://github.com/timonwong/prometheus-webhook-dingtalk/issues/197,
https://github.com/jenkinsci/dingtalk-plugin/issues/88; 130101 "send too fast, exceed 20 times per
minute", throttled 10 minutes: https://github.com/ccfos/nightingale/issues/369,
https://help.dingtalk.io/open/development/custom-robots-send-group-messages; the 4001xx/4101xx/4301xx
table of the custom-robot page as transcribed in client code (partially confirmed), 300001/300005
"token is not exist" (seen in the wild); 400402 missing parameter:
https://github.com/blinkbean/dingtalk/issues/4.
"""

from __future__ import annotations

from notifications.channels.answers import GONE, MISCONFIGURED, THROTTLED, TRANSIENT, Answer
from notifications.channels.base import SendResult, judge_bot_answer
from notifications.channels.outbound import OutboundAnswer

TOKEN_GONE = "The robot's access token is no longer valid: the robot was removed or its token revoked. " \
             "Create a new robot (or copy its new webhook) and save it here."
# DingTalk throttles a robot for 10 minutes after it passes 20 messages a minute.
THROTTLE_SECONDS = 600.0

ANSWERS: dict[int, Answer] = {
    310000: Answer(MISCONFIGURED, "DingTalk's security check failed: the signing secret, a required keyword or "
                                  "the robot's IP allow-list does not match this target."),
    300001: Answer(GONE, TOKEN_GONE),
    300005: Answer(GONE, TOKEN_GONE),
    400101: Answer(GONE, TOKEN_GONE),
    400102: Answer(GONE, "The robot was disabled in the DingTalk group: re-enable it there (or use a new robot)."),
    400106: Answer(GONE, "The robot does not exist any more."),
    400013: Answer(GONE, "The DingTalk group was dissolved."),
    400105: Answer(MISCONFIGURED, "DingTalk does not accept this message type."),
    400402: Answer(MISCONFIGURED, "DingTalk refused the message: a required parameter is missing."),
    430101: Answer(MISCONFIGURED, "DingTalk refused a link in the message as unsafe."),
    430102: Answer(MISCONFIGURED, "DingTalk refused the message's text."),
    430104: Answer(MISCONFIGURED, "DingTalk refused the message's content."),
    130101: Answer(THROTTLED, "DingTalk throttles this robot (more than 20 messages a minute): paused 10 minutes.",
                   wait=THROTTLE_SECONDS),
    410100: Answer(THROTTLED, "DingTalk throttles this robot (sending too fast): paused 10 minutes.",
                   wait=THROTTLE_SECONDS),
    -1: Answer(TRANSIENT, "DingTalk is busy; retried with backoff."),
}
UNKNOWN = Answer(MISCONFIGURED, "DingTalk refused the message with a code this console does not know.")


def judge(answer: OutboundAnswer, *, masked_url: str) -> SendResult:
    return judge_bot_answer(answer, masked_url=masked_url, code_keys=("errcode",), message_keys=("errmsg",),
                            table=ANSWERS, unknown=UNKNOWN)
