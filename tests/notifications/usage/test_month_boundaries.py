"""A notification belongs to the calendar month of the billing time zone (Asia/Shanghai by default)."""

import datetime

import pytest
from django.test import override_settings

from notifications.models import UsageCounter
from notifications.selectors.usage import month_current, usage_month_summary, usage_previous_months
from notifications.services.usage import billing_today, usage_record

UTC = datetime.UTC


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def summary(account, year, month):
    return usage_month_summary(actor=None, account=account, month=datetime.date(year, month, 1))


@pytest.mark.django_db
def test_the_last_second_of_a_month_in_shanghai_counts_in_that_month_and_the_next_second_in_the_next(account):
    usage_record(account_id=account.pk, now=at(2026, 5, 31, 15, 59, 59))  # 23:59:59 on May 31 in Shanghai
    usage_record(account_id=account.pk, now=at(2026, 5, 31, 16, 0, 0))  # 00:00:00 on June 1 in Shanghai

    may, june = summary(account, 2026, 5), summary(account, 2026, 6)

    assert (may.sent, june.sent) == (1, 1)
    assert may.days[-1].day == datetime.date(2026, 5, 31) and may.days[-1].sent == 1
    assert june.days[0].day == datetime.date(2026, 6, 1) and june.days[0].sent == 1


@pytest.mark.django_db
@override_settings(BILLING_TIME_ZONE="UTC")
def test_in_utc_the_same_two_instants_fall_in_the_same_month(account):
    usage_record(account_id=account.pk, now=at(2026, 5, 31, 15, 59, 59))
    usage_record(account_id=account.pk, now=at(2026, 5, 31, 16, 0, 0))

    assert summary(account, 2026, 5).sent == 2
    assert summary(account, 2026, 6).sent == 0


@pytest.mark.django_db
@override_settings(BILLING_TIME_ZONE="UTC")
def test_in_utc_the_month_turns_at_midnight_utc(account):
    usage_record(account_id=account.pk, now=at(2026, 5, 31, 23, 59, 59))
    usage_record(account_id=account.pk, now=at(2026, 6, 1, 0, 0, 0))

    assert summary(account, 2026, 5).days[-1].sent == 1
    assert summary(account, 2026, 6).days[0].sent == 1


@pytest.mark.django_db
def test_the_first_second_of_a_month_in_shanghai_is_still_the_previous_day_in_utc(account):
    usage_record(account_id=account.pk, now=at(2026, 2, 28, 16, 0, 0))  # 00:00:00 on March 1 in Shanghai

    assert UsageCounter.objects.get().day == datetime.date(2026, 3, 1)
    assert summary(account, 2026, 2).sent == 0
    assert summary(account, 2026, 3).sent == 1


@pytest.mark.django_db
def test_new_year_in_shanghai_closes_december_and_december_becomes_a_previous_month(account):
    usage_record(account_id=account.pk, count=7, now=at(2026, 12, 31, 15, 59, 59))
    usage_record(account_id=account.pk, count=3, now=at(2026, 12, 31, 16, 0, 0))
    january = at(2027, 1, 15, 4, 0, 0)

    previous = usage_previous_months(actor=None, account=account, now=january)

    assert summary(account, 2026, 12).sent == 7
    assert summary(account, 2027, 1).sent == 3
    assert [(row.key, row.sent) for row in previous] == [("2026-12", 7)]


def test_the_current_billing_month_follows_the_billing_zone_not_utc():
    instant = at(2026, 5, 31, 16, 0, 0)

    assert billing_today(instant) == datetime.date(2026, 6, 1)
    assert month_current(instant) == datetime.date(2026, 6, 1)
    with override_settings(BILLING_TIME_ZONE="UTC"):
        assert month_current(instant) == datetime.date(2026, 5, 1)


@pytest.mark.django_db
def test_a_month_summary_has_every_day_of_the_month_and_its_period_in_the_billing_zone(account):
    february = summary(account, 2028, 2)  # a leap year

    assert len(february.days) == 29
    assert february.period_start.isoformat() == "2028-02-01T00:00:00+08:00"
    assert february.period_end.isoformat() == "2028-03-01T00:00:00+08:00"
    assert february.time_zone_label == "Asia/Shanghai (UTC+08:00)"
