"""Metering: one message sent to one target or contact is one notification of the account.

Counters are per account and day in settings.BILLING_TIME_ZONE (the zone the billing month follows),
so a month's bill reads at most 31 rows. The delivery path calls `usage_record` once per message it
sends; Test Connectivity messages are not recorded (they are not notifications of an event).
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from notifications.models import UsageCounter
from notifications.services.platform_events import platform_event_free_tier_counted

# Free notifications per account and billing month, and the share at which the usage page warns and
# the Quota Nearly Used platform event is raised.
FREE_NOTIFICATIONS_PER_MONTH = 500
FREE_TIER_WARNING_PERCENT = 80

# A fresh row can race with another worker creating the same one; after losing that race the row
# exists, so the next UPDATE finds it. More rounds than this means something else is wrong.
_CREATE_RACE_ROUNDS = 3


def billing_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.BILLING_TIME_ZONE)


def billing_today(now: datetime.datetime | None = None) -> datetime.date:
    """The calendar day, in the billing zone, of `now` (default: this instant)."""
    now = now or timezone.now()
    return now.astimezone(billing_zone()).date()


def usage_record(*, account_id: int, count: int = 1, now: datetime.datetime | None = None) -> None:
    """Count `count` notifications for the account on today's billing day.

    Safe under any number of concurrent workers on SQLite and PostgreSQL: the increment is one
    `UPDATE ... SET count = count + n` (the database adds, no read-modify-write in Python); the day's
    first notification creates the row inside a savepoint, and the worker that loses the race to
    create it (IntegrityError on the unique (account, day)) rolls back only that savepoint, which
    leaves a surrounding transaction usable, and adds to the winner's row.
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive integer, not {count!r}")
    day = billing_today(now)
    rows = UsageCounter.objects.filter(account_id=account_id, day=day)
    for _ in range(_CREATE_RACE_ROUNDS):
        if not rows.update(count=F("count") + count):
            try:
                with transaction.atomic():
                    UsageCounter.objects.create(account_id=account_id, day=day, count=count)
            except IntegrityError:
                continue  # another worker created the day's row first: add to it
        _free_tier_check(account_id=account_id, day=day, count=count)
        return
    raise RuntimeError(f"could not record usage for account {account_id} on {day} (does the account exist?)")


def _free_tier_check(*, account_id: int, day: datetime.date, count: int) -> None:
    """Raise Quota Nearly Used when these `count` notifications crossed FREE_TIER_WARNING_PERCENT of
    the month's free tier (the month's total read after this worker's increment: of two workers,
    only the one whose increment crossed it sees the crossing)."""
    month = day.replace(day=1)
    used = UsageCounter.objects.filter(account_id=account_id, day__gte=month, day__lte=day).aggregate(
        total=Sum("count"))["total"] or 0
    threshold = FREE_NOTIFICATIONS_PER_MONTH * FREE_TIER_WARNING_PERCENT
    if (used - count) * 100 < threshold <= used * 100:
        platform_event_free_tier_counted(account_id=account_id, used=used, limit=FREE_NOTIFICATIONS_PER_MONTH,
                                         month=month)
