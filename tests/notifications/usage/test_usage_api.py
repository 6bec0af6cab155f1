"""GET /api/v1/usage/ and /api/v1/usage/months/: the page's figures, amounts as decimal strings."""

import datetime
import re

import pytest

from notifications.selectors.usage import month_current, month_key
from notifications.services.usage import usage_record

URL, MONTHS_URL = "/api/v1/usage/", "/api/v1/usage/months/"


def noon(year, month, day) -> datetime.datetime:
    return datetime.datetime(year, month, day, 4, tzinfo=datetime.UTC)  # noon in Shanghai


@pytest.mark.django_db
def test_a_month_has_its_figures_amounts_as_decimal_strings_and_every_day(owner_api, account):
    usage_record(account_id=account.pk, count=450, now=noon(2026, 4, 3))
    usage_record(account_id=account.pk, count=550, now=noon(2026, 4, 30))

    body = owner_api.get(URL, {"month": "2026-04"}).json()

    assert {key: body[key] for key in ("month", "sent", "free_tier", "free_used", "free_left", "billable")} == {
        "month": "2026-04", "sent": 1000, "free_tier": 500, "free_used": 500, "free_left": 0, "billable": 500}
    assert (body["amount_due"], body["unit_price"], body["currency"]) == ("0.500", "0.001", "USD")
    assert (body["notice"], body["free_used_percent"]) == ("free_tier_exhausted", 100)
    assert body["time_zone"] == "Asia/Shanghai" and body["test_connectivity_counted"] is False
    assert (body["period_start"], body["period_end"]) == ("2026-04-01T00:00:00+08:00", "2026-05-01T00:00:00+08:00")
    assert len(body["days"]) == 30
    assert body["days"][2] == {"day": "2026-04-03", "sent": 450}
    assert body["days"][29] == {"day": "2026-04-30", "sent": 550}


@pytest.mark.django_db
def test_without_a_month_the_current_billing_month_is_returned(owner_api):
    body = owner_api.get(URL).json()

    assert body["month"] == month_key(month_current())
    assert body["is_current_month"] is True
    assert (body["sent"], body["free_left"], body["amount_due"], body["notice"]) == (0, 500, "0.000", None)


@pytest.mark.django_db
def test_a_million_and_five_hundred_notifications_cost_exactly_1000_000(owner_api, account):
    for day in range(1, 31):
        usage_record(account_id=account.pk, count=33_350, now=noon(2026, 6, day))

    body = owner_api.get(URL, {"month": "2026-06"}).json()

    assert (body["sent"], body["billable"], body["amount_due"]) == (1_000_500, 1_000_000, "1000.000")


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["2026-13", "2026-4", "april", "", " ", "1999-12", "2026-04-01"])
def test_a_bad_month_is_a_400_naming_the_field_and_the_format(owner_api, bad):
    response = owner_api.get(URL, {"month": bad})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"].startswith("month: Enter a month as YYYY-MM")
    assert "YYYY-MM" in error["fields"]["month"][0]


@pytest.mark.django_db
def test_previous_months_are_newest_first_and_limited(owner_api, account):
    this_month = month_current()
    for months_ago, count in ((1, 501), (2, 100), (5, 2000)):
        index = this_month.year * 12 + this_month.month - 1 - months_ago
        usage_record(account_id=account.pk, count=count, now=noon(index // 12, index % 12 + 1, 10))

    body = owner_api.get(MONTHS_URL).json()
    limited = owner_api.get(MONTHS_URL, {"limit": 2}).json()

    assert body["time_zone"] == "Asia/Shanghai" and body["currency"] == "USD"
    assert [(row["sent"], row["billable"], row["amount_due"]) for row in body["results"]] == [
        (501, 1, "0.001"), (100, 0, "0.000"), (2000, 1500, "1.500")]
    assert [row["month"] for row in body["results"]] == sorted((row["month"] for row in body["results"]), reverse=True)
    assert len(limited["results"]) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["0", "121", "many", ""])
def test_a_bad_limit_is_a_400_naming_the_field(owner_api, bad):
    response = owner_api.get(MONTHS_URL, {"limit": bad})

    assert response.status_code == 400 and response.json()["error"]["message"].startswith("limit: ")


@pytest.mark.django_db
def test_a_sub_user_without_bss_query_bill_gets_403_naming_the_permission(api_client_for_subuser):
    for url in (URL, MONTHS_URL):
        response = api_client_for_subuser.get(url)
        assert response.status_code == 403
        assert "bss:QueryBill" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_no_token_no_usage(client):
    assert client.get(URL).status_code in (401, 403)


@pytest.mark.django_db
def test_each_account_sees_only_its_own_usage(owner_api, outsider_api, account, other_account):
    usage_record(account_id=account.pk, count=3)
    usage_record(account_id=other_account.pk, count=8)

    assert owner_api.get(URL).json()["sent"] == 3
    assert outsider_api.get(URL).json()["sent"] == 8


@pytest.mark.django_db
def test_the_page_and_the_api_agree_on_every_figure(owner_client, owner_api, account):
    for day, count in ((1, 120), (2, 300), (9, 85), (28, 1)):
        usage_record(account_id=account.pk, count=count, now=noon(2026, 2, day))
    usage_record(account_id=account.pk, count=650, now=noon(2026, 1, 31))

    html = owner_client.get("/account/usage/", {"month": "2026-02"}).content.decode()
    api = owner_api.get(URL, {"month": "2026-02"}).json()

    def figure(name):
        return re.search(rf'data-testid="usage-{name}" data-value="([^"]*)"', html)[1]

    assert int(figure("sent")) == api["sent"] == 506
    assert int(figure("free-left")) == api["free_left"] == 0
    assert int(figure("billable")) == api["billable"] == 6
    assert figure("amount-due") == api["amount_due"] == "0.006"
    assert 'data-testid="usage-notice-100"' in html and api["notice"] == "free_tier_exhausted"
    page_days = dict(re.findall(r'<g data-day="([\d-]+)" data-count="(\d+)">', html))
    assert {day: int(count) for day, count in page_days.items()} == {d["day"]: d["sent"] for d in api["days"]}
    assert api["time_zone"] in html


@pytest.mark.django_db
def test_the_page_and_the_api_agree_on_previous_months(owner_client, owner_api, account):
    this_month = month_current()
    for months_ago, count in ((1, 900), (2, 12)):
        index = this_month.year * 12 + this_month.month - 1 - months_ago
        usage_record(account_id=account.pk, count=count, now=noon(index // 12, index % 12 + 1, 20))

    html = owner_client.get("/account/usage/").content.decode()
    api = owner_api.get(MONTHS_URL).json()["results"]

    rows = re.findall(r'<tr data-month="([\d-]+)" data-sent="(\d+)" data-billable="(\d+)" data-amount-due="([\d.]+)">',
                      html)
    assert rows == [(r["month"], str(r["sent"]), str(r["billable"]), r["amount_due"]) for r in api]
    assert len(rows) == 2


@pytest.mark.django_db
def test_the_openapi_schema_documents_both_endpoints_and_their_400(owner_api):
    schema = owner_api.get("/api/schema/", {"format": "json"}).json()

    month = schema["paths"]["/api/v1/usage/"]["get"]
    assert {"200", "400", "401", "403"} <= set(month["responses"])
    assert [p["name"] for p in month["parameters"]] == ["month"]
    assert month["parameters"][0]["schema"]["pattern"] == "^[0-9]{4}-[0-9]{2}$"
    assert "/api/v1/usage/months/" in schema["paths"]
    amount = schema["components"]["schemas"]["UsageMonth"]["properties"]["amount_due"]
    assert amount["type"] == "string"
