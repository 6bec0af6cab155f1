"""The API and console faces of target health and recover (the services run for real; no worker)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Delivery, Recovery, Target
from notifications.services.routing import event_route
from tests.notifications.delivery.builders import add_target, make_rule, raise_event


@pytest.fixture
def disabled_target(activated_workspace, fake_dingtalk, settings):
    settings.DELIVERY_INLINE_MAX = 4
    bot = fake_dingtalk.add_bot()
    target = add_target(make_rule(activated_workspace, name="nightly"), "dingtalk", secrets={"webhook": bot.webhook})
    fake_dingtalk.revoke(bot)
    for n in (1, 2):
        event_route(event_id=raise_event(activated_workspace, resource_id=n).pk)
    target.refresh_from_db()
    target.bot = bot
    assert target.health == "disabled"
    return target


def test_the_api_shows_health_and_re_enables_only_after_a_successful_test(owner_api, activated_workspace,
                                                                          disabled_target, fake_dingtalk):
    base = f"/api/v1/workspaces/{activated_workspace.pk}"
    [rule] = owner_api.get(f"{base}/rules/").json()["results"]
    [shown] = rule["targets"]
    assert shown["health"] == "disabled" and "robot was disabled" in shown["disabled_reason"]
    refused = owner_api.post(f"{base}/targets/{disabled_target.pk}/enable/")
    assert refused.status_code == 409 and "Test Connectivity" in str(refused.json())
    assert owner_api.post(f"{base}/targets/{disabled_target.pk}/test-connectivity/").json()["ok"] is False
    fake_dingtalk.restore(disabled_target.bot)
    assert owner_api.post(f"{base}/targets/{disabled_target.pk}/test-connectivity/").json()["ok"] is True
    enabled = owner_api.post(f"{base}/targets/{disabled_target.pk}/enable/")
    assert enabled.status_code == 200 and enabled.json()["health"] == "healthy"


def test_the_api_recovers_once_per_scope_while_running(owner_api, activated_workspace, disabled_target,
                                                       fake_dingtalk, django_capture_on_commit_callbacks):
    base = f"/api/v1/workspaces/{activated_workspace.pk}"
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    refused = owner_api.post(f"{base}/recoveries/", {"since": since, "target_id": disabled_target.pk}, format="json")
    assert refused.status_code == 400 and "re-enable it first" in str(refused.json())
    Target.objects.filter(pk=disabled_target.pk).update(health="healthy")
    fake_dingtalk.restore(disabled_target.bot)
    first = owner_api.post(f"{base}/recoveries/", {"since": since, "target_id": disabled_target.pk}, format="json")
    second = owner_api.post(f"{base}/recoveries/", {"since": since, "target_id": disabled_target.pk}, format="json")
    assert first.status_code == second.status_code == 202 and first.json()["id"] == second.json()["id"]
    assert Recovery.objects.count() == 1
    future = owner_api.post(f"{base}/recoveries/", {"since": (timezone.now() + timedelta(hours=1)).isoformat()},
                            format="json")
    assert future.status_code == 400 and "future" in str(future.json())
    assert owner_api.post(f"{base}/recoveries/", {}, format="json").status_code == 400
    detail = owner_api.get(f"{base}/recoveries/{first.json()['id']}/").json()
    assert detail["status"] == "running"


def test_an_outsider_cannot_see_or_recover(outsider_api, activated_workspace, disabled_target):
    base = f"/api/v1/workspaces/{activated_workspace.pk}"
    assert outsider_api.post(f"{base}/targets/{disabled_target.pk}/enable/").status_code == 404
    assert outsider_api.post(f"{base}/recoveries/", {"since": timezone.now().isoformat()},
                             format="json").status_code == 404
    assert Delivery.objects.filter(status="skipped").count() == 1


def test_the_console_banner_names_the_reason(owner_client, activated_workspace, disabled_target):
    page = owner_client.get(f"/workspaces/{activated_workspace.pk}/configuration/event-notifications/")
    html = page.content.decode()
    assert 'data-testid="target-disabled-banner"' in html and "robot was disabled" in html
    assert 'data-health="disabled"' in html


def test_an_attempt_shows_its_class_and_the_decoded_reason(owner_api, activated_workspace, disabled_target):
    dead = Delivery.objects.get(status="dead")
    shown = owner_api.get(f"/api/v1/workspaces/{activated_workspace.pk}/deliveries/{dead.pk}/").json()
    [attempt] = shown["attempts"]
    assert attempt["outcome_class"] == "gone" and "robot was disabled" in attempt["reason"]
