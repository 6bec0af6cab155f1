"""Routing in passes: one pass claims the ready events (published, not routed, not claimed by a
live pass; up to settings.ROUTE_BATCH_SIZE, oldest first), matches all of them against the routing
keys in one query, fetches the matching rules' targets in one more, writes every delivery and every
opening attempt in one bulk insert together with the events' `routed_at`, then sends the first
attempts of the chat and HTTP deliveries side by side (`delivery_pool`; up to settings.ROUTE_INLINE_MAX
a pass, a fan-out included) and records their outcomes in one commit; the other deliveries go to
their channels' queues.

Several workers share the work: a claim marks the events with the pass's name
("<worker>#<pass id>") and a lease (settings.ROUTE_CLAIM_SECONDS). On PostgreSQL the candidates are
read `FOR UPDATE SKIP LOCKED`, so concurrent passes take disjoint sets without waiting; on SQLite
every write transaction is serialized (BEGIN IMMEDIATE) and the claim's UPDATE re-checks the
condition. A pass marks its events routed only if they still carry its claim; otherwise (its lease
lapsed and another pass took them) it writes nothing. A pass whose worker died leaves a lapsed claim,
which the next pass takes (the outbox sweeper wakes one).

`notifications.services.routing.event_route` routes one event by id, outside the passes (tests,
re-routing an event routed before); both share the planning of recipients.
"""

from __future__ import annotations

import logging
import socket
import time
import uuid
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone

from notifications.channels.registry import get_method
from notifications.models import Delivery, DeliveryAttempt, Event, RoutingKey, Target
from notifications.services import delivery_pool
from notifications.services.delivery import delivery_enqueue
from notifications.services.delivery_pool import FirstAttempt
from notifications.services.messages import message_for_delivery
from notifications.services.routing import deliveries_plan, inline_sends_take
from notifications.services.routing_keys import event_scope_keys

logger = logging.getLogger(__name__)


class ClaimLost(Exception):
    """The pass's lease lapsed and another pass took some of its events: it writes nothing."""


def _ready():
    now = timezone.now()
    return Event.objects.filter(status=Event.Status.PUBLISHED, routed_at__isnull=True).filter(
        Q(routing_claimed_until__isnull=True) | Q(routing_claimed_until__lt=now))


def events_claim_ready(*, worker: str = "", limit: int | None = None) -> tuple[str, list[int]]:
    """Claim up to `limit` ready events for one pass. Returns the claim's name and the ids taken."""
    limit = limit or settings.ROUTE_BATCH_SIZE
    claim = f"{worker or socket.gethostname()}#{uuid.uuid4().hex[:12]}"[:200]
    until = timezone.now() + timedelta(seconds=settings.ROUTE_CLAIM_SECONDS)
    with transaction.atomic():
        candidates = _ready().order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("id", flat=True)[:limit])
        if not ids:
            return claim, []
        _ready().filter(pk__in=ids).update(routing_claim=claim, routing_claimed_until=until)
    return claim, sorted(Event.objects.filter(pk__in=ids, routing_claim=claim).values_list("id", flat=True))


def _rule_ids_by_event(events: list[Event]) -> dict[int, list[int]]:
    """Every event's matching enabled rules, from one read of the routing keys."""
    routable = [event for event in events if event.bus_id is not None]
    if not routable:
        return {}
    scope_keys = {event.pk: event_scope_keys(event) for event in routable}
    keys = RoutingKey.objects.filter(
        bus_id__in={event.bus_id for event in routable}, event_type__in={event.type for event in routable},
        scope_key__in={key for keys in scope_keys.values() for key in keys},
    ).values_list("bus_id", "event_type", "scope_key", "rule_id")
    rules_of_key: dict[tuple, set[int]] = defaultdict(set)
    for bus_id, event_type, scope_key, rule_id in keys:
        rules_of_key[(bus_id, event_type, scope_key)].add(rule_id)
    return {event.pk: sorted(set().union(*(rules_of_key.get((event.bus_id, event.type, key), set())
                                          for key in scope_keys[event.pk])))
            for event in routable}


def _targets_by_rule(rule_ids: set[int]) -> dict[int, list[Target]]:
    targets = list(
        Target.objects.filter(rule_id__in=rule_ids, rule__enabled=True).select_related("rule")
        .order_by("rule_id", "position", "id")
    ) if rule_ids else []
    with_contacts = [target for target in targets if get_method(target.method).needs_contacts]
    if with_contacts:
        prefetch_related_objects(with_contacts, "contact_links__contact")
    by_rule: dict[int, list[Target]] = defaultdict(list)
    for target in targets:
        by_rule[target.rule_id].append(target)
    return by_rule


def events_route_ready(*, worker: str = "", limit: int | None = None) -> tuple[int, int]:
    """One pass. Returns (events routed, deliveries created)."""
    claim, event_ids = events_claim_ready(worker=worker, limit=limit)
    if not event_ids:
        return 0, 0
    try:
        return _route_claimed(claim, event_ids)
    except Exception:
        # Let the next pass take the events at once (a lapsed lease would also free them).
        try:
            Event.objects.filter(routing_claim=claim, routed_at__isnull=True).update(routing_claimed_until=None)
        except Exception:
            logger.warning("could not release routing claim %s; its lease lapses by itself", claim)
        raise


def _route_claimed(claim: str, event_ids: list[int]) -> tuple[int, int]:
    events = list(Event.objects.filter(pk__in=event_ids, routing_claim=claim)
                  .select_related("workspace", "account__message_settings").order_by("id"))
    if not events:
        return 0, 0
    now = timezone.now()
    rule_ids = _rule_ids_by_event(events)
    by_rule = _targets_by_rule({rule_id for ids in rule_ids.values() for rule_id in ids})
    planned, inline = [], []
    for event in events:
        targets = [target for rule_id in rule_ids.get(event.pk, ()) for target in by_rule.get(rule_id, ())]
        mine = deliveries_plan(event, targets, now)
        planned += mine
        inline += [(event, item) for item in
                   inline_sends_take(mine, now, limit=settings.ROUTE_INLINE_MAX - len(inline))]
    _claims_cover_the_wait([item for _, item in inline])
    created = [item.delivery for item in planned if item.created]
    with transaction.atomic():
        Delivery.objects.bulk_create(created)
        DeliveryAttempt.objects.bulk_create([item.attempt for _, item in inline])
        marked = Event.objects.filter(pk__in=[event.pk for event in events], routing_claim=claim,
                                      routed_at__isnull=True).update(routed_at=now, routing_claimed_until=None)
        if marked != len(events):
            raise ClaimLost(f"pass {claim}: {len(events) - marked} of its events were claimed by another pass")
        for item in planned:
            delivery = item.delivery
            if item.attempt is None and delivery.status == Delivery.Status.PENDING and delivery.attempt_count == 0:
                delivery_enqueue(delivery=delivery, countdown=item.countdown)
    logger.info("routing pass %s: %s events, %s new deliveries, %s sent now", claim, len(events), len(created),
                len(inline))
    if inline:
        messages: dict[tuple, object] = {}  # one message per event, target and channel
        items = []
        for event, item in inline:
            key = (event.pk, item.delivery.target_id, item.channel.key)
            if key not in messages:
                messages[key] = message_for_delivery(event, item.delivery.target, item.channel.key)
            items.append(FirstAttempt(item.delivery, item.channel, item.first, messages[key]))
        delivery_pool.attempts_send_together(items)
    return len(events), len(created)


def _claims_cover_the_wait(inline: list) -> None:
    """The pass sends its first attempts ROUTE_SEND_THREADS at a time: a delivery further down the
    line holds its claim longer, by one send's longest time (its hard timeouts) per round ahead of it,
    so that no claim lapses while its send is still waiting its turn (a lapsed claim would let the
    overdue sweeper hand the delivery to a second sender)."""
    threads = max(1, int(settings.ROUTE_SEND_THREADS))
    per_round = timedelta(seconds=float(settings.OUTBOUND_CONNECT_TIMEOUT) + float(settings.OUTBOUND_READ_TIMEOUT))
    for position, item in enumerate(inline):
        if position >= threads and item.delivery.claimed_until is not None:
            item.delivery.claimed_until += per_round * (position // threads)


def events_route_drain(*, worker: str = "", seconds: float | None = None, limit: int | None = None) -> tuple[int, bool]:
    """Passes one after the other while they come back full, for at most `seconds`
    (settings.ROUTE_DRAIN_SECONDS; 0: one pass). Returns (deliveries created, whether ready events
    may be left: the caller wakes another pass)."""
    limit = limit or settings.ROUTE_BATCH_SIZE
    seconds = settings.ROUTE_DRAIN_SECONDS if seconds is None else seconds
    deadline = time.monotonic() + seconds
    total = 0
    while True:
        routed, created = events_route_ready(worker=worker, limit=limit)
        total += created
        if routed < limit:
            return total, False
        if time.monotonic() >= deadline:
            return total, True
