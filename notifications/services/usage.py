"""Metering: one message sent to one target or contact is one notification of the account."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from notifications.models import UsageCounter


def billing_today(now=None):
    now = now or timezone.now()
    return now.astimezone(zoneinfo.ZoneInfo(settings.BILLING_TIME_ZONE)).date()


def usage_record(*, account_id: int, count: int = 1, now=None) -> None:
    """Count `count` notifications for the account today, atomically (an UPDATE ... SET count =
    count + n; the row is created on the first notification of the day)."""
    day = billing_today(now)
    updated = UsageCounter.objects.filter(account_id=account_id, day=day).update(count=F("count") + count)
    if updated:
        return
    try:
        with transaction.atomic():
            UsageCounter.objects.create(account_id=account_id, day=day, count=count)
    except IntegrityError:  # another worker created today's row first
        UsageCounter.objects.filter(account_id=account_id, day=day).update(count=F("count") + count)
