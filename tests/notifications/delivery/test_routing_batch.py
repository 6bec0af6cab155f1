"""Routing passes (notifications.services.routing_batch): a pass claims the ready events, routes them
all with one read of the routing keys, writes their deliveries and opening attempts together, sends
the quick ones side by side and records them in one commit. Two passes never take the same event; a
pass whose lease lapsed and whose events another pass took writes nothing."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Delivery, DeliveryAttempt, Event, Target, TargetHealth, UsageCounter
from notifications.services import delivery_pool, routing_batch
from notifications.services.routing_batch import ClaimLost, events_claim_ready, events_route_drain, events_route_ready

from .builders import add_target, enqueued, make_rule, raise_event

pytestmark = pytest.mark.inline_sends  # DELIVERY_INLINE_MAX at its default

SECRET = "SEC" + "0123456789abcdef" * 4


def test_a_pass_routes_every_ready_event_and_sends_their_first_attempts_together(
        activated_workspace, fake_dingtalk, account, django_capture_on_commit_callbacks):
    bots = [fake_dingtalk.add_bot(secret=SECRET) for _ in range(3)]
    rule = make_rule(activated_workspace)
    for bot in bots:
        add_target(rule, "dingtalk", secrets={"webhook": bot.webhook, "signing_secret": SECRET})
    events = [raise_event(activated_workspace, resource_id=number, name=f"job-{number}") for number in range(5)]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert events_route_ready(worker="w1") == (5, 15)

    assert enqueued(callbacks) == []  # every one sent by the pass
    assert Delivery.objects.filter(status="succeeded", attempt_count=1).count() == 15
    assert DeliveryAttempt.objects.filter(number=1, outcome="succeeded").count() == 15
    assert sum(len(fake_dingtalk.messages_for(bot)) for bot in bots) == 15
    assert UsageCounter.objects.get(account=account).count == 15
    assert set(Event.objects.values_list("routing_claim", flat=True)) == {
        Event.objects.first().routing_claim} and Event.objects.first().routing_claim.startswith("w1#")
    assert not Event.objects.filter(pk__in=[e.pk for e in events], routed_at__isnull=True).exists()
    assert events_route_ready(worker="w1") == (0, 0)  # a second wake-up: nothing ready, nothing sent again
    assert DeliveryAttempt.objects.count() == 15


def test_two_passes_take_disjoint_events_and_a_lapsed_claim_is_taken_again(activated_workspace):
    make_rule(activated_workspace)
    ids = [raise_event(activated_workspace, resource_id=number).pk for number in range(5)]

    first, taken = events_claim_ready(worker="a", limit=3)
    _, rest = events_claim_ready(worker="b", limit=3)
    assert (taken, rest) == (ids[:3], ids[3:])
    assert events_claim_ready(worker="c")[1] == []  # everything is claimed

    Event.objects.filter(routing_claim=first).update(routing_claimed_until=timezone.now() - timedelta(seconds=1))
    _, again = events_claim_ready(worker="c")
    assert again == ids[:3]  # worker "a" died: its lease lapsed


def test_a_pass_whose_events_were_taken_over_writes_nothing(activated_workspace, fake_dingtalk, monkeypatch):
    bot = fake_dingtalk.add_bot(secret=SECRET)
    add_target(make_rule(activated_workspace), "dingtalk", secrets={"webhook": bot.webhook, "signing_secret": SECRET})
    raise_event(activated_workspace)
    match = routing_batch._rule_ids_by_event

    def matched_while_another_pass_took_over(events):
        # The slow pass's lease lapsed meanwhile, and another pass claimed its events.
        Event.objects.filter(pk__in=[event.pk for event in events]).update(routing_claim="other#1")
        return match(events)

    monkeypatch.setattr(routing_batch, "_rule_ids_by_event", matched_while_another_pass_took_over)
    with pytest.raises(ClaimLost), transaction.atomic():
        events_route_ready(worker="slow")
    assert not Delivery.objects.exists() and not fake_dingtalk.messages_for(bot)


def test_the_drain_passes_until_a_pass_comes_back_short(activated_workspace, settings):
    make_rule(activated_workspace)
    for number in range(7):
        raise_event(activated_workspace, resource_id=number)
    settings.DELIVERY_INLINE_MAX = 0  # no targets anyway: nothing to send
    assert events_route_drain(worker="w", limit=3, seconds=5) == (0, False)
    assert not Event.objects.filter(routed_at__isnull=True).exists()
    assert len(set(Event.objects.values_list("routing_claim", flat=True))) == 3  # passes of 3, 3 and 1


def test_sends_whose_common_commit_is_refused_are_recorded_one_by_one_and_not_sent_again(
        activated_workspace, fake_dingtalk, monkeypatch, django_capture_on_commit_callbacks):
    bots = [fake_dingtalk.add_bot(secret=SECRET) for _ in range(2)]
    rule = make_rule(activated_workspace)
    for bot in bots:
        add_target(rule, "dingtalk", secrets={"webhook": bot.webhook, "signing_secret": SECRET})
    raise_event(activated_workspace)

    def refused(**kwargs):  # as a deadlock victim: the common commit's usage count fails
        raise DatabaseError("deadlock detected")

    monkeypatch.setattr(delivery_pool, "usage_record", refused)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert events_route_ready(worker="w") == (1, 2)
    assert enqueued(callbacks) == []
    assert Delivery.objects.filter(status="succeeded", attempt_count=1).count() == 2
    assert DeliveryAttempt.objects.filter(outcome="succeeded", http_status=200).count() == 2
    assert UsageCounter.objects.get(account=activated_workspace.account).count == 2  # counted one by one
    assert sum(len(fake_dingtalk.messages_for(bot)) for bot in bots) == 2  # each sent once


RECORDED = ('"notifications_deliveryattempt"', '"notifications_delivery"', '"notifications_usagecounter"',
            '"notifications_target"')


def _pass_queries(workspace, events: int) -> int:
    """The statements of one pass over `events` new events that read or write what a send records
    (the bot's rate-limit window, kept in the database without Redis, is counted per send anyway)."""
    for number in range(events):
        raise_event(workspace, resource_id=number)
    with CaptureQueriesContext(connection) as queries:
        assert events_route_ready(worker="w")[0] == events
    return len([query for query in queries if any(table in query["sql"] for table in RECORDED)])


def test_a_pass_records_its_successes_in_statements_that_do_not_grow_with_them(
        activated_workspace, fake_dingtalk, account):
    """Two bots answer ok, one was revoked. The successes, whatever their number, cost the pass the
    same statements (their attempts, their deliveries, the usage count, the targets' health); the
    failure is decided on its own (attempt_record: the revoked bot's target is disabled, and its
    later deliveries skipped)."""
    good = [fake_dingtalk.add_bot(secret=SECRET) for _ in range(2)]
    revoked = fake_dingtalk.add_bot(secret=SECRET)
    fake_dingtalk.revoke(revoked)
    rule = make_rule(activated_workspace)
    targets = [add_target(rule, "dingtalk", secrets={"webhook": bot.webhook, "signing_secret": SECRET})
               for bot in (*good, revoked)]
    Target.objects.filter(pk=targets[0].pk).update(health=TargetHealth.FAILING, consecutive_dead=2,
                                                   failing_since=timezone.now() - timedelta(hours=1))
    raise_event(activated_workspace, resource_id=99)
    events_route_ready(worker="w")  # warm: the first pass reads what later ones find cached
    Target.objects.filter(pk=targets[0].pk).update(health=TargetHealth.FAILING, consecutive_dead=2)

    two, eight = _pass_queries(activated_workspace, 2), _pass_queries(activated_workspace, 8)
    assert eight == two, (two, eight)  # 12 more successes, not one statement more

    assert UsageCounter.objects.get(account=account).count == 2 + 2 * 2 + 2 * 8
    attempt = DeliveryAttempt.objects.filter(delivery__target=targets[1]).order_by("-id").first()
    assert (attempt.outcome, attempt.http_status, attempt.provider_code, attempt.error) == ("succeeded", 200, "0", "")
    assert '"errmsg":"ok"' in attempt.response_body.replace(" ", "")
    assert attempt.finished_at >= attempt.started_at and attempt.duration_ms > 0
    healed = Target.objects.get(pk=targets[0].pk)
    assert (healed.health, healed.consecutive_dead, healed.failing_since) == (TargetHealth.HEALTHY, 0, None)
    failed = DeliveryAttempt.objects.get(delivery__target=targets[2], delivery__event__resource_id=99)
    assert (failed.outcome, failed.provider_code) == ("failed", "400102")
    assert Target.objects.get(pk=targets[2].pk).health == TargetHealth.DISABLED
    assert Delivery.objects.filter(target=targets[2], status="skipped").count() == 2 + 8


def _bots(workspace, fake_dingtalk, count: int, *, name: str):
    rule = make_rule(workspace, name=name)
    bots = [fake_dingtalk.add_bot(secret=SECRET) for _ in range(count)]
    for bot in bots:
        add_target(rule, "dingtalk", secrets={"webhook": bot.webhook, "signing_secret": SECRET})
    return bots


def test_a_pass_sends_whole_fan_outs_itself_while_they_fit_its_budget_and_queues_the_rest(
        activated_workspace, fake_dingtalk, settings, django_capture_on_commit_callbacks):
    settings.ROUTE_INLINE_MAX = 10
    bots = _bots(activated_workspace, fake_dingtalk, 6, name="six")  # more than DELIVERY_INLINE_MAX (4)
    first, second = raise_event(activated_workspace, resource_id=1), raise_event(activated_workspace, resource_id=2)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert events_route_ready(worker="w") == (2, 12)

    # The first event's 6 fit the pass's 10; the second's 6 do not fit the 4 left: all 6 queued.
    assert sorted(queue for queue, _, _ in enqueued(callbacks)) == ["chat"] * 6
    assert set(Delivery.objects.filter(status="succeeded").values_list("event_id", flat=True)) == {first.pk}
    assert set(Delivery.objects.filter(status="pending", attempt_count=0).values_list("event_id", flat=True)) == {
        second.pk}
    assert [len(fake_dingtalk.messages_for(bot)) for bot in bots] == [1] * 6


def test_with_inline_sends_off_a_pass_queues_every_delivery(
        activated_workspace, fake_dingtalk, settings, django_capture_on_commit_callbacks):
    settings.DELIVERY_INLINE_MAX = 0  # per-queue workers: the events workers never wait on a receiver
    _bots(activated_workspace, fake_dingtalk, 2, name="two")
    raise_event(activated_workspace)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert events_route_ready(worker="w") == (1, 2)
    assert sorted(queue for queue, _, _ in enqueued(callbacks)) == ["chat", "chat"]
    assert fake_dingtalk.requests == [] and not DeliveryAttempt.objects.exists()


def test_a_send_further_down_the_pass_holds_its_claim_longer_by_the_rounds_ahead_of_it(
        activated_workspace, fake_dingtalk, settings, monkeypatch):
    settings.ROUTE_SEND_THREADS, settings.OUTBOUND_CONNECT_TIMEOUT, settings.OUTBOUND_READ_TIMEOUT = 2, 3, 7
    _bots(activated_workspace, fake_dingtalk, 5, name="five")
    raise_event(activated_workspace)
    claims = []
    monkeypatch.setattr(delivery_pool, "attempts_send_together",
                        lambda items: claims.extend(item.delivery.claimed_until for item in items))
    events_route_ready(worker="w")

    # Two at a time, each send at most 3 + 7 s: the 3rd and 4th wait one round, the 5th two.
    offsets = [(claim - claims[0]).total_seconds() for claim in claims]
    assert offsets == [0, 0, 10, 10, 20]
