"""Usage and billing reads: a month's figures for an account, and its previous months.

Per account and calendar month (in settings.BILLING_TIME_ZONE): the first 500 notifications are
free, each further one costs USD 0.001. Amounts are Decimals computed exactly and quantized to
0.001 USD; no float is ever involved.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_noop

from notifications.models import UsageCounter
from notifications.services.usage import (  # noqa: F401 (the free tier's figures are read from here too)
    FREE_NOTIFICATIONS_PER_MONTH,
    FREE_TIER_WARNING_PERCENT,
    billing_today,
    billing_zone,
)
from workspaces.iam.operations import BILL, Check, operation

PRICE_PER_NOTIFICATION = Decimal("0.001")
CURRENCY = "USD"
AMOUNT_QUANTUM = Decimal("0.001")
# Test Connectivity sends an unsaved sample to check a target; the delivery path does not meter it
# (it calls usage_record only for messages of real events). Said on the page and in the API.
TEST_CONNECTIVITY_COUNTED = False

NOTICE_FREE_TIER_WARNING = "free_tier_80"
NOTICE_FREE_TIER_EXHAUSTED = "free_tier_exhausted"

MONTH_FORMAT = "YYYY-MM"
# Marked for translation (the console translates it; the API says it in English).
MONTH_FORMAT_MESSAGE = gettext_noop("Enter a month as YYYY-MM, e.g. 2026-05 (year 2000 to 9999, month 01 to 12).")
_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")


def amount_due_for(billable: int) -> Decimal:
    """USD due for `billable` notifications, exact to the tenth of a cent."""
    return (PRICE_PER_NOTIFICATION * Decimal(billable)).quantize(AMOUNT_QUANTUM)


def month_parse(text: str) -> datetime.date:
    """'2026-05' -> date(2026, 5, 1); ValueError(MONTH_FORMAT_MESSAGE) for anything else."""
    match = _MONTH_RE.fullmatch(text or "")
    if not match:
        raise ValueError(MONTH_FORMAT_MESSAGE)
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 9999 and 1 <= month <= 12):
        raise ValueError(MONTH_FORMAT_MESSAGE)
    return datetime.date(year, month, 1)


def month_key(month: datetime.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def month_current(now: datetime.datetime | None = None) -> datetime.date:
    """The first day of the billing month `now` falls in."""
    return billing_today(now).replace(day=1)


def month_shift(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_days(month: datetime.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def billing_zone_label(at: datetime.datetime | None = None) -> str:
    """'Asia/Shanghai (UTC+08:00)': the zone by name, with its offset at `at`."""
    local = (at or datetime.datetime.now(datetime.UTC)).astimezone(billing_zone())
    offset = local.strftime("%z")
    return f"{settings.BILLING_TIME_ZONE} (UTC{offset[:3]}:{offset[3:]})"


@dataclass(frozen=True)
class DayUsage:
    day: datetime.date
    sent: int


@dataclass(frozen=True)
class MonthUsage:
    """One billing month's totals and what follows from them."""

    month: datetime.date
    sent: int

    @property
    def key(self) -> str:
        return month_key(self.month)

    @property
    def label(self) -> str:
        return self.month.strftime("%B %Y")

    @property
    def sent_display(self) -> str:
        return f"{self.sent:,}"

    @property
    def billable_display(self) -> str:
        return f"{self.billable:,}"

    @property
    def free_tier(self) -> int:
        return FREE_NOTIFICATIONS_PER_MONTH

    @property
    def free_used(self) -> int:
        return min(self.sent, FREE_NOTIFICATIONS_PER_MONTH)

    @property
    def free_left(self) -> int:
        return FREE_NOTIFICATIONS_PER_MONTH - self.free_used

    @property
    def billable(self) -> int:
        return self.sent - self.free_used

    @property
    def amount_due(self) -> Decimal:
        return amount_due_for(self.billable)

    @property
    def free_used_percent(self) -> int:
        """Share of the free tier used, in whole percent (rounded down, at most 100)."""
        return self.free_used * 100 // FREE_NOTIFICATIONS_PER_MONTH

    @property
    def notice(self) -> str | None:
        if self.sent >= FREE_NOTIFICATIONS_PER_MONTH:
            return NOTICE_FREE_TIER_EXHAUSTED
        if self.sent * 100 >= FREE_TIER_WARNING_PERCENT * FREE_NOTIFICATIONS_PER_MONTH:
            return NOTICE_FREE_TIER_WARNING
        return None


@dataclass(frozen=True)
class MonthSummary(MonthUsage):
    """A month's totals with its series by day (every day of the month, zero where none were sent)."""

    days: tuple[DayUsage, ...] = ()
    is_current: bool = False
    period_start: datetime.datetime | None = None  # first instant of the month in the billing zone
    period_end: datetime.datetime | None = None  # first instant of the next month

    @property
    def time_zone(self) -> str:
        return settings.BILLING_TIME_ZONE

    @property
    def time_zone_label(self) -> str:
        return billing_zone_label(self.period_start)

    @property
    def test_connectivity_counted(self) -> bool:
        return TEST_CONNECTIVITY_COUNTED


@operation(Check("bss:QueryBill", BILL), values=lambda account, **_: {"account": account})
def usage_month_summary(
    *, actor, account, month: datetime.date | None = None, now: datetime.datetime | None = None
) -> MonthSummary:
    """The account's figures for `month` (default: the current billing month), in one query of at
    most 31 rows. `actor` needs bss:QueryBill on the account (None: the system)."""
    current = month_current(now)
    month = (month or current).replace(day=1)
    last = month.replace(day=month_days(month))
    counts = dict(
        UsageCounter.objects.filter(account=account, day__gte=month, day__lte=last)
        .order_by()
        .values_list("day", "count")
    )
    days = tuple(
        DayUsage(day=day, sent=counts.get(day, 0))
        for day in (month + datetime.timedelta(days=offset) for offset in range(month_days(month)))
    )
    zone = billing_zone()
    next_month = month_shift(month, 1)
    return MonthSummary(
        month=month,
        sent=sum(counts.values()),
        days=days,
        is_current=month == current,
        period_start=datetime.datetime(month.year, month.month, 1, tzinfo=zone),
        period_end=datetime.datetime(next_month.year, next_month.month, 1, tzinfo=zone),
    )


@operation(Check("bss:QueryBill", BILL), values=lambda account, **_: {"account": account})
def usage_previous_months(
    *, actor, account, before: datetime.date | None = None, limit: int = 12, now: datetime.datetime | None = None
) -> list[MonthUsage]:
    """The account's months with any usage before `before` (default: the current billing month),
    newest first, at most `limit`: one aggregate query grouped by month."""
    before = (before or month_current(now)).replace(day=1)
    rows = (
        UsageCounter.objects.filter(account=account, day__lt=before)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(sent=Sum("count"))
        .order_by("-month")[:limit]
    )
    return [MonthUsage(month=_as_date(row["month"]), sent=int(row["sent"])) for row in rows]


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value
