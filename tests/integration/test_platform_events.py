"""With a real Celery worker: a DingTalk robot revoked (the fake answers 400102) disables its target,
and the Target Disabled notice of the Notification system reaches another target of a rule watching
that source, through the normal path (publish after commit, the routing task, the delivery task)."""

import pytest

from notifications.models import Delivery, Event, Target
from tests.notifications.delivery.builders import add_target, make_rule, raise_event

pytestmark = pytest.mark.integration


def test_a_revoked_robot_is_announced_to_the_watching_rules_other_target(start_delivery_worker, wait_until,
                                                                          dingtalk, activated_workspace, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS, settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1/32"], ["127.0.0.1"]
    revoked, watching = dingtalk.add_bot(), dingtalk.add_bot()
    dingtalk.revoke(revoked)
    add_target(make_rule(activated_workspace, name="train-failures"), "dingtalk", secrets={"webhook": revoked.webhook})
    watch = make_rule(activated_workspace, source="notification_system", types=("TargetDisabled",), name="watch")
    add_target(watch, "dingtalk", secrets={"webhook": watching.webhook}, config={})
    Target.objects.filter(rule=watch).update(language="en-US")
    start_delivery_worker()

    raise_event(activated_workspace, name="resnet50-train")

    assert wait_until(lambda: len(dingtalk.messages_for(watching)) == 1, timeout=20)
    [text] = [m.json["markdown"]["text"] for m in dingtalk.messages_for(watching)]
    assert text.splitlines()[0] == "#### PAI · Target Disabled: train-failures / DingTalk notification"
    assert "robot was disabled" in text
    notice = Event.objects.get(type="pai:NotificationSystem:TargetDisabled")
    assert wait_until(lambda: list(Delivery.objects.filter(event=notice).values_list("status", flat=True))
                      == ["succeeded"])
    assert len(dingtalk.requests) == 2  # the job's message (refused) and the notice: none to the revoked robot
