"""`{% event_deliveries event as deliveries %}`: an event's deliveries with their attempts, for the
deliveries section of the event's page (the page's view has already authorized the reader)."""

from django import template

from notifications.channels.registry import CHANNELS_BY_KEY, METHODS_BY_KEY
from notifications.selectors.deliveries import deliveries_for_event
from notifications.services.redeliver import REDELIVERABLE, delivery_redeliver

register = template.Library()

STATUS_TAGS = {"pending": "tag-blue", "retrying": "tag-orange", "succeeded": "tag-green", "dead": "tag-red"}
OUTCOME_TAGS = {"in_progress": "tag-blue", "succeeded": "tag-green", "failed": "tag-red"}


@register.simple_tag
def event_deliveries(event):
    deliveries = list(deliveries_for_event(event=event))
    for delivery in deliveries:
        channel = CHANNELS_BY_KEY.get(delivery.channel)
        delivery.channel_label = channel.label if channel else delivery.channel
        # The recipient when it says more than the channel ("Alice (Email)", an EAS service), not the
        # method's own label again ("DingTalk · DingTalk notification").
        method = METHODS_BY_KEY.get(channel.method) if channel else None
        labels = {delivery.channel_label, method.label if method else ""}
        delivery.recipient_display = "" if delivery.recipient_label in labels else delivery.recipient_label
        delivery.status_tag = STATUS_TAGS.get(delivery.status, "tag-grey")
        delivery.redeliverable = delivery.status in REDELIVERABLE
        delivery.has_digest = False
        for attempt in delivery.attempts.all():
            attempt.outcome_tag = OUTCOME_TAGS.get(attempt.outcome, "tag-grey")
            delivery.has_digest |= bool(attempt.digest_size or attempt.carried_by_id)
    return deliveries


@register.simple_tag(takes_context=True)
def redeliver_allowed(context, event) -> bool:
    """Whether the page shows Redeliver: the redeliver service's own check (the same ARN it authorizes)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return delivery_redeliver.allowed(user, workspace=event.workspace)


@register.filter
def any_active(deliveries) -> bool:
    return any(d.status in ("pending", "retrying") for d in deliveries)
