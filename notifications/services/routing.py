"""Routing: one event against the enabled rules of its bus, one delivery per recipient.

Rules are found by an indexed join (RuleEventType on `event_type`, then the rule's bus, enabled flag
and source on the `rule_routing` index) and the scope is matched in the same query: no Python scan
of a bus's rules. A chat, HTTP or EAS target has one recipient; a contacts target has one per
contact and channel. Deliveries are unique on (event, target, recipient): routing the same event
twice creates nothing new, and only deliveries still pending are (re-)enqueued.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.channels.registry import CHANNELS_BY_KEY, channel_for_method, get_method
from notifications.models import Delivery, Event, Rule, RuleEventType, Target
from notifications.services.delivery import delivery_enqueue

logger = logging.getLogger(__name__)


def rules_matching(event: Event):
    """The enabled rules of the event's bus whose source, event types and scope match."""
    scope = Q(scope="all")
    if event.resource_owner_id is not None:
        scope |= Q(scope="mine", created_by_id=event.resource_owner_id)
    if event.model_id is not None:
        of_model = Rule.scope_models.through.objects.filter(model_id=event.model_id).values("rule_id")
        scope |= Q(scope="models", id__in=of_model)
    typed = RuleEventType.objects.filter(event_type=event.type).values("rule_id")
    return Rule.objects.filter(bus_id=event.bus_id, enabled=True, source=event.source, id__in=typed).filter(scope)


def _recipients(target: Target, event_type: str):
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
    label = str(target.eas_service.name) if target.eas_service_id else method.label
    yield channel, "", None, label


def event_route(*, event_id: int) -> int:
    """Create the event's deliveries (idempotent) and enqueue those still pending. Returns how many
    deliveries were created now. An event that is gone, or was never published, routes nowhere."""
    event = Event.objects.filter(pk=event_id).select_related("workspace").first()
    if event is None or event.status != Event.Status.PUBLISHED or event.bus_id is None:
        return 0
    now = timezone.now()
    deadline = now + timedelta(seconds=settings.DELIVERY_DEADLINE_SECONDS)
    targets = (
        Target.objects.filter(rule__in=rules_matching(event))
        .select_related("rule", "eas_service")
        .prefetch_related("contact_links__contact")
        .order_by("rule_id", "position", "id")
    )
    created_count = 0
    to_enqueue: list[Delivery] = []
    with transaction.atomic():
        for target in targets:
            for channel, recipient_key, contact, label in _recipients(target, event.type):
                delivery, created = Delivery.objects.get_or_create(
                    event=event, target=target, recipient_key=recipient_key,
                    defaults={
                        "rule": target.rule, "contact": contact, "channel": channel.key,
                        "recipient_label": label[:256], "deadline_at": deadline, "next_attempt_at": now,
                    },
                )
                created_count += created
                if created or (delivery.status == Delivery.Status.PENDING and delivery.attempt_count == 0):
                    to_enqueue.append(delivery)
        Event.objects.filter(pk=event.pk).update(routed_at=now)
        for delivery in to_enqueue:
            delivery_enqueue(delivery=delivery)
    if created_count:
        logger.info("event %s routed: %s new deliveries", event.event_id, created_count)
    return created_count
