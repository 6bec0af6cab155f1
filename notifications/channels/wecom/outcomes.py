"""How WeCom answers (PROTOCOLS.md 2.3, 2.4): HTTP 200 with `errcode` 0 on success, else a code this
table decodes (judge by errcode, not errmsg: https://developer.work.weixin.qq.com/document/path/90455).

Sources: 93000 "invalid webhook url" (a removed or wrong key):
https://github.com/wes-lin/Cloud189Checkin/issues/175, https://github.com/zema1/watchvuln/issues/146;
45009 "api freq out of limit" (20 messages a minute per robot, partially confirmed):
https://developers.weixin.qq.com/community/enterprisewechat/doc/00080a634c87b87799a1afbf468400;
40008 invalid message type: https://developer.work.weixin.qq.com/document/path/90455; 40058 content
too long: https://www.Github.com/RayWangQvQ/BiliBiliToolPro/issues/702.
"""

from __future__ import annotations

from notifications.channels.answers import GONE, MISCONFIGURED, THROTTLED, TRANSIENT, Answer
from notifications.channels.base import SendResult, judge_bot_answer
from notifications.channels.outbound import OutboundAnswer

ANSWERS: dict[int, Answer] = {
    93000: Answer(GONE, "WeCom does not know this webhook key: the robot was removed from the group or the key is "
                        "wrong. Copy the robot's current webhook and save it here."),
    45009: Answer(THROTTLED, "WeCom throttles this robot (more than 20 messages a minute): paused a minute.",
                  wait=60.0),
    40008: Answer(MISCONFIGURED, "WeCom does not accept this message type."),
    40058: Answer(MISCONFIGURED, "WeCom refused the message: a field is too long or invalid."),
    -1: Answer(TRANSIENT, "WeCom is busy; retried with backoff."),
}
UNKNOWN = Answer(MISCONFIGURED, "WeCom refused the message with a code this console does not know.")


def judge(answer: OutboundAnswer, *, masked_url: str) -> SendResult:
    return judge_bot_answer(answer, masked_url=masked_url, code_keys=("errcode",), message_keys=("errmsg",),
                            table=ANSWERS, unknown=UNKNOWN)
