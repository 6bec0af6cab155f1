"""Usage counters in Django admin: visible and filterable by account and day, never editable."""

import datetime

import pytest

from notifications.models import UsageCounter
from notifications.services.usage import usage_record
from workspaces.models import User

CHANGELIST = "/admin/notifications/usagecounter/"


@pytest.fixture
def operator_client(client, db):
    operator = User.objects.create_superuser(username="op", password="op-password-1", email="op@example.com")
    client.force_login(operator)
    return client


@pytest.mark.django_db
def test_operators_see_counters_filtered_by_account_and_day(operator_client, account, other_account):
    usage_record(account_id=account.pk, count=11, now=datetime.datetime(2026, 5, 2, 4, tzinfo=datetime.UTC))
    usage_record(account_id=other_account.pk, count=22, now=datetime.datetime(2026, 5, 3, 4, tzinfo=datetime.UTC))

    everything = operator_client.get(CHANGELIST).content.decode()
    one_account = operator_client.get(CHANGELIST, {"account__id__exact": account.pk}).content.decode()
    one_day = operator_client.get(CHANGELIST, {"day__year": 2026, "day__month": 5, "day__day": 3}).content.decode()

    assert "acme" in everything and "globex" in everything
    assert ">11<" in one_account and ">22<" not in one_account
    assert ">22<" in one_day and ">11<" not in one_day


@pytest.mark.django_db
def test_counters_cannot_be_added_changed_or_deleted_in_admin(operator_client, account):
    usage_record(account_id=account.pk, count=5)
    counter = UsageCounter.objects.get()

    assert operator_client.get(f"{CHANGELIST}add/").status_code == 403
    assert operator_client.post(f"{CHANGELIST}{counter.pk}/change/", {"count": 0}).status_code == 403
    assert operator_client.post(f"{CHANGELIST}{counter.pk}/delete/", {"post": "yes"}).status_code == 403
    assert UsageCounter.objects.get().count == 5
