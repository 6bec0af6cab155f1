"""The Usage and Billing page: figures, notices, the chart by day, the month picker, previous months."""

import datetime
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from notifications.selectors.usage import month_current, month_key
from notifications.services.usage import usage_record
from workspaces.models import Policy

URL = "/account/usage/"


def figure(html: str, name: str) -> str:
    return re.search(rf'data-testid="usage-{name}" data-value="([^"]*)"', html)[1]


def bars(html: str) -> dict[str, int]:
    return {day: int(count) for day, count in re.findall(r'<g data-day="([\d-]+)" data-count="(\d+)">', html)}


def this_month_day(day: int) -> datetime.datetime:
    first = month_current()
    return datetime.datetime(first.year, first.month, day, 4, tzinfo=datetime.UTC)  # noon in Shanghai


@pytest.mark.django_db
def test_the_page_is_the_usage_page_the_navigation_links_to():
    assert reverse("usage-page") == URL


@pytest.mark.django_db
def test_the_page_shows_month_to_date_sent_free_left_and_amount_due(owner_client, account):
    usage_record(account_id=account.pk, count=620, now=this_month_day(1))

    response = owner_client.get(URL)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Sent, month to date" in html
    assert (figure(html, "sent"), figure(html, "free-left"), figure(html, "billable")) == ("620", "0", "120")
    assert figure(html, "amount-due") == "0.120"
    assert "USD 0.120" in html


@pytest.mark.django_db
def test_the_help_text_names_the_billing_time_zone_and_says_test_connectivity_messages_do_not_count(owner_client):
    html = owner_client.get(URL).content.decode()
    help_text = re.search(r'data-testid="usage-help">(.*?)</div>', html, re.S)[1]

    assert "Asia/Shanghai (UTC+08:00)" in help_text
    assert "Test Connectivity messages are not counted." in help_text
    assert "00:00" in help_text


@pytest.mark.django_db
@override_settings(BILLING_TIME_ZONE="UTC")
def test_the_help_text_follows_the_configured_billing_zone(owner_client):
    assert "UTC (UTC+00:00)" in owner_client.get(URL).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sent", "shown", "hidden"),
    [(399, None, ("usage-notice-80", "usage-notice-100")), (400, "usage-notice-80", ("usage-notice-100",)),
     (500, "usage-notice-100", ("usage-notice-80",))],
)
def test_a_notice_appears_at_80_percent_and_a_red_one_at_100_percent_of_the_free_tier(
    owner_client, account, sent, shown, hidden
):
    usage_record(account_id=account.pk, count=sent, now=this_month_day(2))

    html = owner_client.get(URL).content.decode()

    if shown:
        notice = re.search(rf'<div class="notice ([\w-]+)" role="status" data-testid="{shown}">', html)
        assert notice[1] == ("notice-error" if shown.endswith("100") else "notice-warning")
    for testid in hidden:
        assert testid not in html


@pytest.mark.django_db
def test_the_chart_is_an_svg_drawn_on_the_server_with_one_bar_per_day(owner_client, account):
    usage_record(account_id=account.pk, count=3, now=this_month_day(1))
    usage_record(account_id=account.pk, count=498, now=this_month_day(2))  # crosses the free tier

    html = owner_client.get(URL).content.decode()
    first = month_current()
    by_day = bars(html)

    assert '<svg viewBox="0 0 760 240" role="img" data-testid="usage-chart"' in html
    assert by_day[first.isoformat()] == 3
    assert by_day[first.replace(day=2).isoformat()] == 498
    assert sum(by_day.values()) == 501
    assert 'fill="#e8890c"' in html  # the billable part of day 2 (the 501st notification)
    assert "<script" not in html.split('data-testid="usage-chart"')[1].split("</svg>")[0]


@pytest.mark.django_db
def test_picking_a_month_shows_that_month_and_htmx_gets_only_the_summary(owner_client, account):
    usage_record(account_id=account.pk, count=42, now=datetime.datetime(2025, 3, 10, tzinfo=datetime.UTC))

    full = owner_client.get(URL, {"month": "2025-03"}).content.decode()
    partial = owner_client.get(URL, {"month": "2025-03"}, headers={"HX-Request": "true"}).content.decode()

    assert figure(full, "sent") == "42" and "Sent in March 2025" in full
    assert partial.lstrip().startswith('<div id="usage-summary" class="refreshing">')
    assert "<html" not in partial and figure(partial, "sent") == "42"
    assert 'href="?month=2025-02"' in partial and 'href="?month=2025-04"' in partial


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["2025-13", "March", "2025-1"])
def test_a_bad_month_is_named_under_the_picker_and_the_current_month_is_shown(owner_client, bad):
    html = owner_client.get(URL, {"month": bad}).content.decode()

    error = re.search(r'data-testid="usage-month-error">(.*?)</p>', html, re.S)[1]
    assert error.startswith("month: Enter a month as YYYY-MM")
    assert f'value="{month_key(month_current())}"' in html


@pytest.mark.django_db
def test_previous_months_are_listed_newest_first_with_their_amounts(owner_client, account):
    this_month = month_current(timezone.now())
    for months_ago, count in ((1, 700), (3, 10)):
        index = this_month.year * 12 + this_month.month - 1 - months_ago
        day = datetime.datetime(index // 12, index % 12 + 1, 5, tzinfo=datetime.UTC)
        usage_record(account_id=account.pk, count=count, now=day)

    html = owner_client.get(URL).content.decode()
    rows = re.findall(r'<tr data-month="([\d-]+)" data-sent="(\d+)" data-billable="(\d+)" data-amount-due="([\d.]+)">',
                      html)

    assert [(sent, billable, amount) for _, sent, billable, amount in rows] == [("700", "200", "0.200"),
                                                                                 ("10", "0", "0.000")]


@pytest.mark.django_db
def test_a_sub_user_without_bss_query_bill_is_refused_with_the_missing_permission(client, subuser):
    client.force_login(subuser)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 403
    assert '<code data-testid="denied-action">bss:QueryBill</code>' in html
    assert "acs:bss:cn-shanghai:1234567890123456:*" in html
    assert 'data-testid="usage-sent"' not in html


@pytest.mark.django_db
def test_a_sub_user_allowed_bss_query_bill_sees_the_accounts_figures(client, subuser, account):
    policy = Policy.objects.create(account=account, name="BillingReadOnly", document={
        "Version": "1", "Statement": [{"Effect": "Allow", "Action": "bss:QueryBill", "Resource": "acs:bss:*:*:*"}]})
    subuser.policies.add(policy)
    usage_record(account_id=account.pk, count=9, now=this_month_day(1))
    client.force_login(subuser)

    response = client.get(URL)

    assert response.status_code == 200 and figure(response.content.decode(), "sent") == "9"


@pytest.mark.django_db
def test_another_accounts_owner_sees_only_their_own_usage(client, outsider, account):
    usage_record(account_id=account.pk, count=77, now=this_month_day(1))
    client.force_login(outsider)

    assert figure(client.get(URL).content.decode(), "sent") == "0"


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("busiest", [0, 1, 7, 450, 501, 33_350])
def test_the_chart_axis_reaches_the_busiest_day_and_every_bar_stays_inside_the_plot(busiest):
    from notifications.selectors.usage import DayUsage, MonthSummary
    from notifications.views.usage import usage_chart

    days = tuple(DayUsage(day=datetime.date(2026, 5, d), sent=busiest if d == 7 else d % 3) for d in range(1, 32))
    chart = usage_chart(MonthSummary(month=datetime.date(2026, 5, 1), sent=sum(d.sent for d in days), days=days))

    top = int(chart["ticks"][-1]["value"].replace(",", ""))
    assert top >= busiest and len(chart["ticks"]) <= 6
    for bar in chart["bars"]:
        assert 0 <= bar["billable_y"] <= bar["free_y"] <= chart["baseline"]
        assert chart["left"] <= bar["x"] and bar["x"] + bar["width"] <= chart["right"]
    tallest = next(bar for bar in chart["bars"] if bar["day"].day == 7)
    assert tallest["free_height"] + tallest["billable_height"] == pytest.approx(
        busiest * (chart["baseline"] - 12) / top, abs=0.02)
