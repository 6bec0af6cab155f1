"""Contacts (message receiving settings) and quota requests, through their services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from notifications.services.contacts import ContactInUse, contact_create, contact_delete, contact_update
from notifications.services.quotas import quota_request_approve, quota_request_create, quota_request_reject
from workspaces.iam.permissions import AccessDenied

from .conftest import contacts


@pytest.mark.parametrize("mobile", ["+8613800000001", "13800000001", "+1 415 555 0123", "138-0000-0001"])
def test_mobile_numbers_in_e164_or_chinese_form_are_accepted(owner, account, mobile):
    contact = contact_create(actor=owner, account=account, name="Ann", mobile=mobile)
    assert contact.mobile.replace("+", "").isdigit()


@pytest.mark.parametrize("mobile", ["12345", "23800000001", "+0123456789", "phone"])
def test_other_mobile_numbers_are_refused(owner, account, mobile):
    with pytest.raises(ValidationError) as refused:
        contact_create(actor=owner, account=account, name="Ann", mobile=mobile)
    assert "E.164" in refused.value.message_dict["mobile"][0]


def test_a_contact_needs_a_name_and_a_way_to_reach_it(owner, account):
    with pytest.raises(ValidationError) as refused:
        contact_create(actor=owner, account=account, name="", mobile="", email="")
    assert {"name", "mobile"} <= set(refused.value.message_dict)


def test_contact_names_are_unique_in_the_account(owner, account, seed_contacts):
    with pytest.raises(ValidationError) as refused:
        contact_create(actor=owner, account=account, name="Alice", email="a2@example.com")
    assert refused.value.message_dict["name"] == ["A contact named Alice already exists."]


def test_a_contact_in_use_cannot_be_deleted_and_the_refusal_names_the_rules(owner, make_rule, seed_contacts):
    alice = seed_contacts["Alice"]
    make_rule(name="sms-alerts", targets=[contacts(sms=[alice])])
    make_rule(name="mail-alerts", targets=[contacts(email=[alice])])
    with pytest.raises(ContactInUse) as refused:
        contact_delete(actor=owner, contact=alice)
    message = refused.value.messages[0]
    assert "used by 2 rules" in message and "sms-alerts" in message and "mail-alerts" in message


def test_a_contact_reached_by_email_keeps_an_email_address(owner, make_rule, seed_contacts):
    alice = seed_contacts["Alice"]
    make_rule(name="mail-alerts", targets=[contacts(email=[alice])])
    with pytest.raises(ValidationError) as refused:
        contact_update(actor=owner, contact=alice, name="Alice", mobile=alice.mobile, email="")
    assert "mail-alerts" in refused.value.message_dict["email"][0]


def test_a_target_cannot_email_a_contact_without_an_email(make_rule, owner, account):
    nomail = contact_create(actor=owner, account=account, name="Nomail", mobile="13800000009")
    with pytest.raises(ValidationError) as refused:
        make_rule(targets=[contacts(email=[nomail])])
    assert refused.value.message_dict["targets[0].email"] == ["Nomail has no email address for email."]


def test_a_contact_of_another_account_cannot_be_named(make_rule, outsider, other_account):
    foreign = contact_create(actor=outsider, account=other_account, name="Eve", email="eve@example.com")
    with pytest.raises(ValidationError) as refused:
        make_rule(targets=[contacts(email=[foreign])])
    assert "targets[0].email" in refused.value.message_dict


def test_a_sub_user_without_cms_rights_cannot_add_contacts(subuser, account):
    with pytest.raises(AccessDenied):
        contact_create(actor=subuser, account=account, name="Ann", email="ann@example.com")


def test_quota_requests_go_up_to_one_hundred_one_pending_at_a_time(owner, account):
    with pytest.raises(ValidationError) as refused:
        quota_request_create(actor=owner, account=account, requested_limit=101)
    assert "the most you can request is 100" in refused.value.message_dict["requested_limit"][0]
    with pytest.raises(ValidationError):
        quota_request_create(actor=owner, account=account, requested_limit=5)
    quota_request_create(actor=owner, account=account, requested_limit=100)
    with pytest.raises(ValidationError) as refused:
        quota_request_create(actor=owner, account=account, requested_limit=50)
    assert "still pending" in refused.value.message_dict["requested_limit"][0]


def test_only_an_operator_decides_and_only_once(owner, account):
    pending = quota_request_create(actor=owner, account=account, requested_limit=9)
    with pytest.raises(PermissionDenied):
        quota_request_approve(actor=owner, request=pending)
    quota_request_reject(actor=None, request=pending, note="no")
    with pytest.raises(ValidationError):
        quota_request_approve(actor=None, request=pending)
