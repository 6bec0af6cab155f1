"""Every cell of PRODUCT.md section 4's source/method matrix, through the rule service."""

import pytest
from django.core.exceptions import ValidationError

from notifications.catalog import get_source

from .conftest import contacts, dingtalk, http, lark, wecom

SOURCES = ("flow_task", "dlc_job", "dsw_instance", "model", "notification_system")
# The spec's table, written out by hand so that the catalog is checked against it.
ALLOWED = {
    "dingtalk": set(SOURCES),
    "wecom": set(SOURCES),
    "lark": set(SOURCES),
    "http": {"model", "notification_system"},
    "contacts": {"flow_task", "dlc_job", "dsw_instance", "notification_system"},
    "eas_update": {"model"},
}


def _target(method, seed_contacts, running_eas):
    return {
        "dingtalk": dingtalk,
        "wecom": wecom,
        "lark": lark,
        "http": http,
        "contacts": lambda: contacts(sms=[seed_contacts["Alice"]]),
        "eas_update": lambda: {"method": "eas_update", "values": {"eas_service": running_eas.pk}},
    }[method]()


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("method", sorted(ALLOWED))
def test_a_rule_accepts_a_method_exactly_where_the_matrix_allows_it(make_rule, seed_contacts, running_eas,
                                                                    source, method):
    first_type = get_source(source).event_types[0].key
    target = _target(method, seed_contacts, running_eas)
    if source in ALLOWED[method]:
        rule = make_rule(name=f"r-{source}-{method}".replace("_", "-"), source=source, event_types=[first_type],
                         targets=[target])
        assert list(rule.targets.values_list("method", flat=True)) == [method]
    else:
        with pytest.raises(ValidationError) as refused:
            make_rule(source=source, event_types=[first_type], targets=[target])
        message = refused.value.message_dict["targets[0].method"][0]
        assert "is not available for" in message and get_source(source).label in message
