"""The five resource kinds share one list page, one detail page and one status change
(views/kinds.py), driven by the kind table; a kind's own module keeps only what differs."""

import inspect

import pytest
from django.urls import resolve, reverse

from workspaces.pai_resources.views import dsw, kind_details, model_registry
from workspaces.pai_resources.views.kinds import KINDS, resource_detail, resource_list, resource_status

# kind -> (its list route, its detail route, its status route or None), written out by hand.
ROUTES = {
    "model": ("model-list", "model-detail", None),
    "eas": ("eas-service-list", "eas-service-detail", "eas-service-status"),
    "dlc": ("dlc-job-list", "dlc-job-detail", "dlc-job-status"),
    "dsw": ("dsw-list", "dsw-detail", "dsw-status"),
    "flow": ("flow-task-list", "flow-task-detail", "flow-task-status"),
}


def test_the_table_holds_the_five_kinds():
    assert set(KINDS) == set(ROUTES)


@pytest.mark.parametrize("kind", ROUTES)
def test_a_kind_list_detail_and_status_are_the_generic_views_with_the_kind_named(kind):
    list_route, detail_route, status_route = ROUTES[kind]
    match = resolve(reverse(list_route, kwargs={"workspace_id": 1}))
    assert match.func is resource_list and match.kwargs["kind"] == kind
    one = {"workspace_id": 1, KINDS[kind].id_kwarg: 2}
    match = resolve(reverse(detail_route, kwargs=one))
    assert match.func is resource_detail and match.kwargs == {**one, "kind": kind}
    assert KINDS[kind].detail == detail_route
    assert (KINDS[kind].lifecycle is None) == (status_route is None)
    if status_route:
        assert KINDS[kind].lifecycle.route == status_route
        match = resolve(reverse(status_route, kwargs=one))
        assert match.func is resource_status and match.kwargs == {**one, "kind": kind}


def test_no_kind_module_has_a_list_detail_or_status_view_of_its_own():
    own = [f"{module.__name__}.{name}" for module in (dsw, kind_details, model_registry)
           for name, function in inspect.getmembers(module, inspect.isfunction)
           if name.endswith(("_list", "_detail", "_status")) and function.__module__ == module.__name__
           and name != "model_version_status"]
    assert own == []
