from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Delivery, Event
from notifications.services.routing import event_route
from tests.notifications.delivery.builders import add_target, make_rule, raise_event

HOOK = {"url": "https://hooks.example.com/pai", "signing_secret": ""}


def backdate(event, **delta):
    Event.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(**delta))


@pytest.fixture
def yesterday(activated_workspace, settings):
    """Yesterday's events of the workspace, routed to an HTTP rule (their original deliveries, still
    pending: nothing sends them here): three JobFailed, one JobSucceeded, and one JobFailed of two
    days ago. Returns (the rule, the events in the window, when the window starts)."""
    settings.DELIVERY_INLINE_MAX = 0
    rule = make_rule(activated_workspace, name="old-rule", types=("JobFailed", "JobSucceeded"))
    add_target(rule, "http", secrets=HOOK)
    failed = [raise_event(activated_workspace, name=f"job-{n}", resource_id=n) for n in (1, 2, 3)]
    succeeded = raise_event(activated_workspace, type_name="JobSucceeded", name="job-4", resource_id=4)
    older = raise_event(activated_workspace, name="job-0", resource_id=9)
    for event in (*failed, succeeded, older):
        event_route(event_id=event.pk)
    for event in (*failed, succeeded):
        backdate(event, hours=20)
    backdate(older, days=2)
    assert Delivery.objects.count() == 5
    return rule, failed, succeeded, timezone.now() - timedelta(days=1)
