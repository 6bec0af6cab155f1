"""500 free notifications per account and month, then USD 0.001 each, in exact decimal arithmetic."""

import datetime
from decimal import Decimal

import pytest

from notifications.models import UsageCounter
from notifications.selectors.usage import (
    NOTICE_FREE_TIER_EXHAUSTED,
    NOTICE_FREE_TIER_WARNING,
    amount_due_for,
    month_parse,
    usage_month_summary,
    usage_previous_months,
)
from notifications.services.usage import usage_record

MAY = datetime.date(2026, 5, 1)
MID_MAY = datetime.datetime(2026, 5, 14, 4, 0, tzinfo=datetime.UTC)


def may(account):
    return usage_month_summary(actor=None, account=account, month=MAY)


@pytest.mark.django_db
def test_the_500th_notification_is_free_and_the_501st_costs_a_tenth_of_a_cent(account):
    for _ in range(499):
        usage_record(account_id=account.pk, count=1, now=MID_MAY)

    usage_record(account_id=account.pk, count=1, now=MID_MAY)
    at_500 = may(account)
    usage_record(account_id=account.pk, count=1, now=MID_MAY)
    at_501 = may(account)

    assert (at_500.sent, at_500.free_left, at_500.billable, at_500.amount_due) == (500, 0, 0, Decimal("0.000"))
    assert (at_501.sent, at_501.free_left, at_501.billable, at_501.amount_due) == (501, 0, 1, Decimal("0.001"))
    assert str(at_500.amount_due) == "0.000" and str(at_501.amount_due) == "0.001"


@pytest.mark.django_db
def test_a_month_of_1000500_notifications_costs_exactly_1000_dollars(account):
    # 30 days of 33,350 notifications each, in May (in Shanghai).
    for day in range(1, 31):
        usage_record(account_id=account.pk, count=33_350, now=datetime.datetime(2026, 5, day, 4, tzinfo=datetime.UTC))

    month = may(account)

    assert month.sent == 1_000_500
    assert month.billable == 1_000_000
    assert month.amount_due == Decimal("1000.000")
    assert isinstance(month.amount_due, Decimal) and str(month.amount_due) == "1000.000"
    assert sum(day.sent for day in month.days) == 1_000_500


def test_amounts_are_exact_decimals_where_floats_would_drift():
    assert amount_due_for(3) == Decimal("0.003")  # 3 * 0.001 in floats is 0.0030000000000000005
    assert amount_due_for(999_999_999) == Decimal("999999.999")
    assert amount_due_for(0) == Decimal("0.000")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sent", "notice", "percent"),
    [(0, None, 0), (399, None, 79), (400, NOTICE_FREE_TIER_WARNING, 80), (499, NOTICE_FREE_TIER_WARNING, 99),
     (500, NOTICE_FREE_TIER_EXHAUSTED, 100), (12_345, NOTICE_FREE_TIER_EXHAUSTED, 100)],
)
def test_the_free_tier_notice_starts_at_80_percent_and_turns_red_at_100(account, sent, notice, percent):
    if sent:
        usage_record(account_id=account.pk, count=sent, now=MID_MAY)

    month = may(account)

    assert (month.notice, month.free_used_percent) == (notice, percent)
    assert month.free_left == max(500 - sent, 0)


@pytest.mark.django_db
def test_each_month_has_its_own_free_tier(account):
    usage_record(account_id=account.pk, count=600, now=datetime.datetime(2026, 4, 10, tzinfo=datetime.UTC))
    usage_record(account_id=account.pk, count=100, now=MID_MAY)

    may_figures = may(account)
    (april,) = usage_previous_months(actor=None, account=account, before=MAY)

    assert (april.key, april.sent, april.billable, april.amount_due) == ("2026-04", 600, 100, Decimal("0.100"))
    assert (may_figures.free_left, may_figures.amount_due) == (400, Decimal("0.000"))


@pytest.mark.django_db
def test_usage_of_another_account_is_not_in_this_accounts_bill(account, other_account):
    usage_record(account_id=other_account.pk, count=900, now=MID_MAY)
    usage_record(account_id=account.pk, count=2, now=MID_MAY)

    assert may(account).sent == 2
    assert usage_month_summary(actor=None, account=other_account, month=MAY).sent == 900


@pytest.mark.django_db
def test_a_month_summary_reads_at_most_31_rows_in_one_query(account, django_assert_num_queries):
    for day in range(1, 32):
        usage_record(account_id=account.pk, count=day, now=datetime.datetime(2026, 5, day, 4, tzinfo=datetime.UTC))

    with django_assert_num_queries(1):
        month = may(account)

    assert month.sent == sum(range(1, 32))
    assert [day.sent for day in month.days] == list(range(1, 32))


@pytest.mark.django_db
def test_previous_months_come_from_one_grouped_query_newest_first(account, django_assert_num_queries):
    for month in (1, 2, 3, 4):
        for day in (1, 15, 28):
            usage_record(account_id=account.pk, count=month * 100,
                         now=datetime.datetime(2026, month, day, 4, tzinfo=datetime.UTC))
    usage_record(account_id=account.pk, count=5, now=MID_MAY)  # the current month is not a previous month

    with django_assert_num_queries(1):
        rows = usage_previous_months(actor=None, account=account, now=MID_MAY)

    assert [(row.key, row.sent, str(row.amount_due)) for row in rows] == [
        ("2026-04", 1200, "0.700"), ("2026-03", 900, "0.400"), ("2026-02", 600, "0.100"), ("2026-01", 300, "0.000"),
    ]
    assert [row.key for row in usage_previous_months(actor=None, account=account, now=MID_MAY, limit=2)] == [
        "2026-04", "2026-03",
    ]


@pytest.mark.django_db
def test_losing_the_create_race_adds_to_the_winners_row_and_leaves_the_surrounding_transaction_usable(account):
    from django.db import connection, transaction

    day = datetime.date(2026, 5, 14)
    raced = []

    def another_worker_creates_the_row_right_after_our_update(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("UPDATE") and not raced:
            raced.append(sql)
            UsageCounter.objects.create(account=account, day=day, count=5)
        return result

    with transaction.atomic():
        with connection.execute_wrapper(another_worker_creates_the_row_right_after_our_update):
            usage_record(account_id=account.pk, count=2, now=MID_MAY)
        # On PostgreSQL an IntegrityError outside a savepoint would abort the whole transaction.
        assert UsageCounter.objects.get(account=account, day=day).count == 7
    assert raced


@pytest.mark.django_db
@pytest.mark.parametrize("count", [0, -1, 1.5, True, "3"])
def test_recording_anything_but_a_positive_whole_count_is_refused(account, count):
    with pytest.raises(ValueError, match="count must be a positive integer"):
        usage_record(account_id=account.pk, count=count, now=MID_MAY)
    assert not UsageCounter.objects.exists()


@pytest.mark.parametrize(
    "text", ["2026-5", "2026-13", "2026-00", "26-05", "1999-12", "2026-05-01", "", "２０２６-05", "2026-05\n"]
)
def test_a_month_is_written_yyyy_mm(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_parse(text)
    assert month_parse("2026-05") == MAY
