"""Routing: one event against the enabled rules of its bus, one delivery per recipient.

Rules are found through their routing keys (`RoutingKey`: bus, event type and scope key, kept by the
rule service for enabled rules only): an index range over the matching rules, however many rules
the bus holds; no Python scan of a bus's rules. A chat, HTTP or EAS target has one recipient; a
contacts target has one per contact and channel. Deliveries are unique on (event, target,
recipient): routing the same event twice creates nothing new, and only deliveries still pending are
(re-)enqueued.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from notifications.catalog import type_key
from notifications.channels.registry import CHANNELS_BY_KEY, Channel, channel_for_method, get_method
from notifications.models import Delivery, DeliveryAttempt, Event, RoutingKey, Rule, Target, TargetHealth
from notifications.services.delivery import (
    FirstSend,
    attempt_send,
    delivery_claim_first,
    delivery_enqueue,
    delivery_release,
    skipped_reason,
)
from notifications.services.messages import message_for_delivery
from notifications.services.routing_keys import event_scope_keys

logger = logging.getLogger(__name__)

TARGET_DISABLED = type_key("notification_system", "TargetDisabled")


def matching_rule_ids(event: Event) -> list[int]:
    """The ids of the enabled rules of the event's bus that list its type and whose scope covers it:
    an index range over the routing keys of exactly those rules. Read on their own (a list of a few
    ids), so that the targets are then fetched by primary key whatever the planner thinks of the
    keys' selectivity."""
    keys = RoutingKey.objects.filter(bus_id=event.bus_id, event_type=event.type,
                                     scope_key__in=event_scope_keys(event))
    return sorted(set(keys.values_list("rule_id", flat=True)))


def rules_matching(event: Event):
    """The matching rules themselves (routing needs only their ids)."""
    return Rule.objects.filter(id__in=matching_rule_ids(event), enabled=True)


def target_recipients(target: Target, event_type: str):
    """(channel, recipient_key, contact, label) for each recipient of a target."""
    method = get_method(target.method)
    if method.needs_contacts:
        for link in target.contact_links.all():
            channel = CHANNELS_BY_KEY.get(link.channel)
            if channel is None or not channel.handles(event_type):
                continue
            yield channel, f"{link.channel}:{link.contact_id}", link.contact, f"{link.contact.name} ({channel.label})"
        return
    channel = channel_for_method(target.method)
    if channel is None or not channel.handles(event_type):
        return
    yield channel, "", None, method.schema().recipient_label(target) or method.label


@dataclass
class _Planned:
    """One recipient of the event: its delivery row (new or found) and, for a new delivery routing
    tried to send itself, what the delivery service claimed for it (`first`)."""

    delivery: Delivery
    channel: Channel
    created: bool
    first: FirstSend | None = None

    @property
    def attempt(self) -> DeliveryAttempt | None:
        return self.first.attempt if self.first else None

    @property
    def countdown(self) -> float | None:
        return self.first.wait if self.first else None


def deliveries_plan(event: Event, targets: list[Target], now) -> list[_Planned]:
    """The event's recipients; the deliveries a previous routing of this event already wrote are
    found, not written again. (An event not yet routed has none: its deliveries and `routed_at` are
    written in one transaction.)"""
    originals = Delivery.objects.filter(event=event, replay_job__isnull=True)  # a replay's are new rows
    existing = {(d.target_id, d.recipient_key): d for d in originals} if event.routed_at is not None else {}
    deadline = now + timedelta(seconds=settings.DELIVERY_DEADLINE_SECONDS)
    planned = []
    for target in targets:
        for channel, recipient_key, contact, label in target_recipients(target, event.type):
            found = existing.get((target.pk, recipient_key))
            if found is not None:
                planned.append(_Planned(found, channel, created=False))
                continue
            delivery = Delivery(
                event=event, target=target, recipient_key=recipient_key, rule=target.rule, contact=contact,
                workspace_id=event.workspace_id, channel=channel.key, recipient_label=label[:256],
                deadline_at=deadline, next_attempt_at=now,
            )
            if target.health == TargetHealth.DISABLED:  # recorded, not attempted, not billed
                delivery.status, delivery.next_attempt_at = Delivery.Status.SKIPPED, None
                delivery.last_error = skipped_reason(target)
            planned.append(_Planned(delivery, channel, created=True))
    return planned


def inline_sends_take(planned: list[_Planned], now, *, limit: int | None = None) -> list[_Planned]:
    """The new deliveries the routing task sends itself: all of them when they are at most `limit`
    (default settings.DELIVERY_INLINE_MAX; a routing pass passes what is left of its own budget) and
    every one goes to a chat bot or an HTTP endpoint, each with its bot's rate-limit slot taken (by the
    delivery service, which owns claims and attempts); a bot whose window is full waits through its
    channel's queue instead. DELIVERY_INLINE_MAX=0 sends nothing inline, anywhere."""
    if settings.DELIVERY_INLINE_MAX <= 0:
        return []
    limit = settings.DELIVERY_INLINE_MAX if limit is None else limit
    new = [p for p in planned if p.created and p.delivery.status == Delivery.Status.PENDING]
    if not new or len(new) > limit or not all(p.channel.inline for p in new):
        return []
    for item in new:
        item.first = delivery_claim_first(item.delivery, channel=item.channel, now=now)
    return [item for item in new if item.attempt is not None]


def event_route(*, event_id: int) -> int:
    """Create the event's deliveries (idempotent) and send them: the few-and-quick case right here
    (their attempts are written with the deliveries, before the send), the rest through their
    channels' queues. Returns how many deliveries were created now. An event that is gone, or was
    never published, routes nowhere."""
    event = Event.objects.filter(pk=event_id).select_related("workspace", "account__message_settings").first()
    if event is None or event.status != Event.Status.PUBLISHED or event.bus_id is None:
        return 0
    now = timezone.now()
    rule_ids = matching_rule_ids(event)
    targets = list(
        Target.objects.filter(rule_id__in=rule_ids, rule__enabled=True)
        .select_related("rule")
        .order_by("rule_id", "position", "id")
    ) if rule_ids else []
    if event.type == TARGET_DISABLED:  # a disabled target is never told about itself
        targets = [target for target in targets if str(target.pk) != event.resource_id]
    with_contacts = [target for target in targets if get_method(target.method).needs_contacts]
    if with_contacts:
        prefetch_related_objects(with_contacts, "contact_links__contact")
    planned = deliveries_plan(event, targets, now)
    inline = inline_sends_take(planned, now)
    created = [item.delivery for item in planned if item.created]
    with transaction.atomic():
        Delivery.objects.bulk_create(created)
        DeliveryAttempt.objects.bulk_create([item.attempt for item in inline])
        Event.objects.filter(pk=event.pk).update(routed_at=now)
        for item in planned:
            delivery = item.delivery
            if item.attempt is None and delivery.status == Delivery.Status.PENDING and delivery.attempt_count == 0:
                delivery_enqueue(delivery=delivery, countdown=item.countdown)
    if created:
        logger.info("event %s routed: %s new deliveries, %s sent inline", event.event_id, len(created), len(inline))
    if inline:
        _send_inline(event, inline)
    return len(created)


def _send_inline(event: Event, inline: list[_Planned]) -> None:
    messages = {}  # one message per target and channel
    for position, item in enumerate(inline):
        try:
            first = item.first
            key = (item.delivery.target_id, item.channel.key)
            if key not in messages:
                messages[key] = message_for_delivery(event, item.delivery.target, item.channel.key)
            attempt_send(item.delivery, first.attempt, channel=item.channel, config=first.config,
                         secrets=first.secrets, slot=first.slot, message=messages[key])
        except Exception:
            # The database failed while recording: hand this delivery and the ones not yet sent to
            # their channel's queue (the overdue sweeper covers a broker that is down too).
            logger.warning("event %s: inline send failed; queueing the rest", event.event_id, exc_info=True)
            for rest in inline[position:]:
                delivery_release(rest.delivery.pk)
                delivery_enqueue(delivery=rest.delivery)
            raise
