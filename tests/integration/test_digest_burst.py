"""200 events in a burst to one DingTalk bot through a real worker: the bot never has to refuse a
message (no 130101), no minute holds more than 20 messages, and every event is either in a message
of its own or carried by a digest, its delivery's attempt pointing at the digest's attempt.

RATE_LIMIT_WINDOW_SCALE shrinks the platform's minute to 6 s for the worker's limiter and the fake
bot alike; the fake enforces 20 a minute (and DingTalk's 10-minute penalty after the 21st) on its
own clock, so "at most 20" is checked against the fake's enforcement, not ours."""

import time

import pytest
from django.db import transaction

from notifications.models import Delivery, DeliveryAttempt
from tests.conftest import summary_line
from tests.fakes.dingtalk import FakeDingTalk
from tests.notifications.delivery.builders import add_target, make_rule, raise_event

pytestmark = pytest.mark.integration

SCALE = 0.1  # a "minute" of 6 seconds
EVENTS = 200
SECRET = "SEC" + "b0257" * 10


def test_a_burst_of_200_events_reaches_one_bot_as_20_messages_a_minute_and_digests(start_delivery_worker,
                                                                                   wait_until, activated_workspace):
    fake = FakeDingTalk(window_scale=SCALE).start()
    try:
        bot = fake.add_bot(secret=SECRET)
        add_target(make_rule(activated_workspace), "dingtalk", secrets={"webhook": bot.webhook, "signing_key": SECRET})
        start_delivery_worker(concurrency=4, RATE_LIMIT_WINDOW_SCALE=str(SCALE))

        started = time.monotonic()
        with transaction.atomic():  # a burst: 200 jobs fail at once, their routing tasks enqueued together
            events = {raise_event(activated_workspace, resource_id=n, name=f"job-{n}").event_id for n in range(EVENTS)}
        raised = time.monotonic() - started
        wait_until(lambda: Delivery.objects.filter(status="succeeded").count() == EVENTS, timeout=90)
        took = time.monotonic() - started

        assert Delivery.objects.filter(status="succeeded").count() == EVENTS
        assert fake.throttled == [] and all(r.accepted for r in fake.requests), "the bot never answered 130101"
        most_in_a_minute = fake.max_in_any_window(60 * SCALE)
        assert most_in_a_minute <= 20

        # Each message is a delivery's own (msgUuid <event id>-<delivery id>) or a digest's
        # (digest-<attempt id>-<delivery id>); each delivery's last attempt names the message that carried it.
        messages = {r.json["msgUuid"].rsplit("-", 1)[0]: r.json for r in fake.accepted}
        own = {key for key in messages if not key.startswith("digest-")}
        digests = {int(key.removeprefix("digest-")): messages[key] for key in messages if key.startswith("digest-")}
        carried = 0
        for delivery in Delivery.objects.select_related("event"):
            last = DeliveryAttempt.objects.filter(delivery=delivery).order_by("-number").first()
            assert last.outcome == "succeeded"
            if last.carried_by_id is not None:
                assert last.carried_by_id in digests, "the digest that carried it was sent"
                carried += 1
            elif last.digest_size:
                assert last.pk in digests
            else:
                assert delivery.event.event_id in own, "its own message was sent"
        sizes = dict(DeliveryAttempt.objects.filter(pk__in=digests).values_list("pk", "digest_size"))
        for pk, payload in digests.items():
            assert payload["markdown"]["title"].startswith(f"PAI · {sizes[pk]} more events in ")
        assert len(own) + sum(sizes.values()) == EVENTS == len(events)
        assert carried == sum(sizes.values()) - len(sizes)
        summary_line(f"digest burst: {EVENTS} events to one DingTalk bot, {len(fake.accepted)} messages sent "
                     f"({len(own)} single, {len(digests)} digests carrying {sum(sizes.values())} events), "
                     f"max {most_in_a_minute} in any minute (of {60 * SCALE:.0f} s), {len(fake.throttled)} throttle "
                     f"answers, raised in {raised:.1f} s, all delivered after {took:.1f} s")
    finally:
        fake.stop()
