"""30 events to one DingTalk bot whose target has digests off, through a real worker: every one
delivered in a message of its own, never more than 20 in any minute (with digests on, the last ten
would share one digest: tests/integration/test_digest_burst.py). RATE_LIMIT_WINDOW_SCALE shrinks the
minute (for the worker's limiter and for the fake bot alike) so that the test takes seconds."""

import time

import pytest

from notifications.models import Delivery
from tests.fakes.dingtalk import FakeDingTalk
from tests.notifications.delivery.builders import add_target, make_rule, raise_event

pytestmark = pytest.mark.integration

SCALE = 0.1  # a "minute" of 6 seconds
SECRET = "SEC" + "7a7e" * 16


def test_thirty_events_to_one_bot_are_all_delivered_never_more_than_twenty_a_minute(start_worker,
                                                                                     activated_workspace):
    fake = FakeDingTalk(window_scale=SCALE).start()
    try:
        bot = fake.add_bot(secret=SECRET)
        target = add_target(make_rule(activated_workspace), "dingtalk",
                            secrets={"webhook": bot.webhook, "signing_key": SECRET})
        target.digest = False  # one by one, as slots free up
        target.save()
        start_worker(OUTBOUND_ALLOWED_NETWORKS="127.0.0.1/32", WEBHOOK_EXTRA_HOSTS="127.0.0.1",
                     RATE_LIMIT_WINDOW_SCALE=str(SCALE), DELIVERY_RETRY_BASE_SECONDS="0.2")

        for number in range(30):
            raise_event(activated_workspace, resource_id=number, name=f"job-{number}")

        assert fake.wait_for_accepted(30, timeout=40), f"{len(fake.accepted)} of 30 delivered"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Delivery.objects.exclude(status="succeeded").exists():
            time.sleep(0.1)
        assert Delivery.objects.filter(status="succeeded").count() == 30
        assert fake.max_in_any_window(60 * SCALE) <= 20
        assert all(r.accepted for r in fake.requests), "the bot never had to refuse a message (no 130101)"
        first, last = fake.requests[0].received_monotonic, fake.requests[-1].received_monotonic
        assert last - first >= 60 * SCALE  # the last ten waited for the window: delayed, not dropped
        assert len({r.json["msgUuid"] for r in fake.requests}) == 30
    finally:
        fake.stop()
