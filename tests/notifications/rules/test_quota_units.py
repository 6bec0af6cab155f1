"""Target units per rule: one per chat, HTTP or EAS target; one per contact per channel, not
deduplicated; refusals name the count and the limit."""

import pytest
from django.core.exceptions import ValidationError

from notifications.models import TargetQuota
from notifications.selectors.rules import largest_rule_units, rule_units

from .conftest import DLC_FAILED, contacts, dingtalk, wecom


def test_the_seeds_example_alice_and_tony_by_sms_plus_alice_and_alan_by_email_uses_four_units(
        make_rule, seed_contacts):
    alice, tony, alan = seed_contacts["Alice"], seed_contacts["Tony"], seed_contacts["Alan"]
    rule = make_rule(targets=[contacts(sms=[alice, tony], email=[alice, alan])])
    assert rule_units(rule) == 4


def test_contacts_are_counted_per_channel_and_added_to_chat_targets(make_rule, seed_contacts):
    alice = seed_contacts["Alice"]
    rule = make_rule(targets=[dingtalk(), contacts(voice=[alice], sms=[alice], email=[alice])])
    assert rule_units(rule) == 4


def test_five_units_are_accepted_by_default(make_rule):
    rule = make_rule(targets=[dingtalk(), wecom(), dingtalk(), wecom(), dingtalk()])
    assert rule_units(rule) == 5


def test_a_sixth_unit_is_refused_with_the_count_and_the_limit(make_rule, seed_contacts):
    people = list(seed_contacts.values())
    with pytest.raises(ValidationError) as refused:
        make_rule(targets=[dingtalk(), wecom(), contacts(sms=people[:2], email=people[:2])])
    assert refused.value.message_dict["targets"] == ["This rule uses 6 target units; the limit is 5."]


def test_an_approved_higher_limit_admits_more_units(make_rule, account):
    TargetQuota.objects.create(account=account, targets_per_rule=7)
    rule = make_rule(targets=[dingtalk()] * 7)
    assert rule_units(rule) == 7
    with pytest.raises(ValidationError) as refused:
        make_rule(name="too-many", targets=[dingtalk()] * 8)
    assert refused.value.message_dict["targets"] == ["This rule uses 8 target units; the limit is 7."]


def test_updating_a_rule_past_the_limit_is_refused_and_changes_nothing(make_rule, owner, seed_contacts):
    from notifications.services.rules import rule_update

    rule = make_rule(targets=[dingtalk()])
    people = list(seed_contacts.values())
    with pytest.raises(ValidationError) as refused:
        rule_update(actor=owner, rule=rule, name=rule.name, source="dlc_job", event_types=[DLC_FAILED],
                    targets=[contacts(voice=people, sms=people)])
    assert refused.value.message_dict["targets"] == ["This rule uses 6 target units; the limit is 5."]
    assert list(rule.targets.values_list("method", flat=True)) == ["dingtalk"]


def test_the_largest_rule_use_is_reported(make_rule, account):
    make_rule(name="small", targets=[dingtalk()])
    big = make_rule(name="big", targets=[dingtalk(), wecom(), wecom()])
    assert largest_rule_units(account=account) == (3, big)
