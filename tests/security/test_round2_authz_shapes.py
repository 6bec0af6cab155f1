"""Issue 13, F4's class: a check written by hand, with an ARN of another shape than the one policies
name (`acs:ram:<region>:...:user/x` for a RAM user), silently misses every Deny written like the
documentation. Every check actually made while the API walk's endpoints and the console's pages are
served, by any face (service, selector, view, template tag), is on a resource of the shape its
action is documented on (workspaces.iam.operations.ACTION_RESOURCES).

Fails on 457c939: the API's CreateUser was checked on a regional user ARN."""

import re

import pytest
from django.test import Client

from tests import test_api_permissions_walk as walk
from tests.conftest import api_client_for
from workspaces.iam.operations import ACTION_RESOURCES
from workspaces.iam.permissions import record_checks


def _shape_pattern(template: str) -> re.Pattern:
    """A documented resource as a regular expression: a placeholder is one non-empty part without `/`
    or `:` (so `<region>` never matches the empty region of a RAM ARN, nor the reverse), or `*`."""
    parts = re.split(r"(<\w+>)", template)
    return re.compile("".join(r"(?:[^/:]+|\*)" if re.fullmatch(r"<\w+>", part) else re.escape(part)
                              for part in parts) + r"\Z")


OPERATIONS, _call, _fill = walk.OPERATIONS, walk._call, walk._fill
world = walk.world  # the walk's fixture: one of each object an endpoint may name

SHAPES = {action: [_shape_pattern(shape) for shape in shapes] for action, shapes in ACTION_RESOURCES.items()}


def _misshapen(checks) -> list[str]:
    return sorted({f"{action} on {resource}" for action, resource, _ in checks
                   if not any(pattern.match(resource) for pattern in SHAPES[action])})


def test_the_shape_patterns_tell_a_regional_ram_arn_from_a_regionless_one():
    user = _shape_pattern(ACTION_RESOURCES["ram:CreateUser"][0])
    assert user.match("acs:ram::1234567890123456:user/bob")
    assert user.match("acs:ram::1234567890123456:user/*")
    assert not user.match("acs:ram:cn-shanghai:1234567890123456:user/bob")  # 457c939's API check
    bus = _shape_pattern(ACTION_RESOURCES["eventbridge:ListRules"][0])
    assert bus.match("acs:eventbridge:cn-shanghai:1234567890123456:eventbus/pai-system-ws")
    assert not bus.match("acs:eventbridge:cn-shanghai:1234567890123456:eventbus/pai-system-ws/rule/r")


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS,
                         ids=[f"{method.upper()} {path}" for method, path, _ in OPERATIONS])
def test_every_check_an_endpoint_makes_is_on_its_actions_documented_resource(world, method, path, operation):
    url = _fill(path, world["objects"])
    with record_checks() as checks:
        _call(world["seed_subuser"], method, url)  # allowed the eventbridge actions: it gets furthest
    assert _misshapen(checks) == []


def test_f4_the_api_create_user_is_checked_on_the_regionless_user_arn(world):
    with record_checks() as checks:
        api_client_for(world["subuser"]).post("/api/v1/users/", {"username": "new-one", "password": "Unguessable-77x"},
                                              format="json")
    assert ("ram:CreateUser", f"acs:ram::{world['account'].uid}:user/new-one", False) in checks
    assert _misshapen(checks) == []


CONSOLE_PAGES = ["/workspaces/", "/workspaces/{workspace}/", "/workspaces/{workspace}/events/",
                 "/workspaces/{workspace}/rules/new/", "/workspaces/{workspace}/rules/{rule}/edit/",
                 "/workspaces/{workspace}/models/", "/workspaces/{workspace}/eas-services/",
                 "/workspaces/{workspace}/dlc-jobs/", "/workspaces/{workspace}/dsw-instances/",
                 "/workspaces/{workspace}/flow-tasks/", "/account/users/", "/account/users/new/",
                 "/account/policies/", "/account/policies/new/", "/account/audit/"]


def test_every_check_a_console_page_makes_is_on_its_actions_documented_resource(world):
    objects = world["objects"]
    visited = []
    with record_checks() as checks:
        for user in (world["seed_subuser"], world["owner"]):
            client = Client()
            client.force_login(user)
            for page in CONSOLE_PAGES:
                url = page.format(workspace=objects["workspace"].pk, rule=objects["rule"].pk)
                answer = client.get(url, follow=True)
                visited.append((url, answer.status_code))
    assert all(status < 500 for _, status in visited), visited
    assert len({action for action, _, _ in checks}) > 10  # the pages did check what they show
    assert _misshapen(checks) == []
