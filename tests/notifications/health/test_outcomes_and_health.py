"""Outcomes decoded per platform, target health and skipped deliveries (the services, no worker)."""

import base64
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.channels.base import DeliveryError
from notifications.channels.dingtalk.adapter import DingTalkAdapter
from notifications.channels.http.adapter import HttpAdapter
from notifications.channels.message import message_example
from notifications.models import Delivery, Target, UsageCounter
from notifications.services.connectivity import connectivity_test_saved
from notifications.services.delivery import delivery_send
from notifications.services.health import EnableRefused, target_enable
from notifications.services.ratelimit import rate_limit_acquire, rate_limit_pause
from notifications.services.routing import event_route
from tests.notifications.delivery.builders import add_target, make_rule, raise_event
from workspaces.models import AuditLogEntry


def route_and_send(workspace, **event):
    event_route(event_id=raise_event(workspace, **event).pk)
    outcomes = [delivery_send(delivery_id=pk) for pk in
                Delivery.objects.filter(status="pending").order_by("id").values_list("pk", flat=True)]
    return outcomes


@pytest.fixture
def bot_target(activated_workspace, fake_dingtalk):
    bot = fake_dingtalk.add_bot()
    target = add_target(make_rule(activated_workspace, name="failures"), "dingtalk", secrets={"webhook": bot.webhook})
    target.bot = bot
    return target


@pytest.mark.parametrize(("code", "klass", "words"), [
    (400102, "gone", "robot was disabled"),
    (300001, "gone", "access token is no longer valid"),
    (310000, "misconfigured", "security check failed"),
    (130101, "throttled", "paused 10 minutes"),
    (-1, "transient", "busy"),
    (999999, "misconfigured", "code this console does not know"),
])
def test_each_dingtalk_answer_has_one_class_and_words(fake_dingtalk, code, klass, words):
    bot = fake_dingtalk.add_bot()
    fake_dingtalk.revoke(bot, {"errcode": code, "errmsg": "x"})
    with pytest.raises(DeliveryError) as caught:
        DingTalkAdapter().send(message_example(), {}, {"webhook": bot.webhook})
    assert caught.value.klass == klass and words in caught.value.words
    assert caught.value.permanent is (klass in ("gone", "misconfigured"))


@pytest.mark.parametrize(("status", "klass"), [(410, "gone"), (429, "throttled"), (503, "transient"),
                                                (401, "misconfigured"), (404, "misconfigured")])
def test_each_http_status_has_one_class(fake_http_receiver, status, klass):
    endpoint = fake_http_receiver.add_endpoint(secret="")
    fake_http_receiver.fail_next(1, status=status)
    with pytest.raises(DeliveryError) as caught:
        HttpAdapter().send(message_example(), {}, {"url": endpoint.url})
    assert caught.value.klass == klass


def test_a_dns_failure_and_a_refused_connection_are_transient_not_permanent(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    for url in ("http://no-such-host.invalid/hook", "http://127.0.0.1:9/hook"):
        with pytest.raises(DeliveryError) as caught:
            HttpAdapter().send(message_example(), {}, {"url": url})
        assert (caught.value.klass, caught.value.permanent) == ("transient", False), url


def test_a_gone_answer_disables_the_target_tells_the_owner_and_skips_later_events(
        bot_target, activated_workspace, fake_dingtalk, owner, account, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner.email = "alice@example.com"
    owner.save()
    fake_dingtalk.revoke(bot_target.bot)
    with django_capture_on_commit_callbacks(execute=True):
        assert route_and_send(activated_workspace, name="first") == ["dead"]
    attempt = Delivery.objects.get().attempts.get()
    assert (attempt.outcome_class, attempt.provider_code) == ("gone", "400102")
    assert "robot was disabled" in attempt.reason
    target = Target.objects.get()
    assert target.health == "disabled" and "robot was disabled" in target.disabled_reason
    assert AuditLogEntry.objects.filter(action="target.disable", object_id=str(target.pk)).count() == 1
    assert len(mail.outbox) == 1 and "disabled" in mail.outbox[0].subject and mail.outbox[0].to == [owner.email]

    route_and_send(activated_workspace, name="second", resource_id=2)
    second = Delivery.objects.order_by("id").last()
    assert (second.status, second.attempt_count) == ("skipped", 0)
    assert len(fake_dingtalk.requests) == 1  # the second event never reached the bot
    assert not UsageCounter.objects.filter(account=account, count__gt=0).exists()


def test_dead_deliveries_disable_only_after_n_in_a_row_over_a_day(bot_target, activated_workspace, fake_dingtalk,
                                                                 settings):
    settings.TARGET_DISABLE_AFTER_DEAD = 3
    fake_dingtalk.revoke(bot_target.bot, {"errcode": 310000, "errmsg": "keywords not in content"})
    for n in range(3):
        route_and_send(activated_workspace, resource_id=n + 1)
    target = Target.objects.get()
    assert (target.health, target.consecutive_dead) == ("failing", 3)  # 3 in a row, but not over a day yet
    assert "security check failed" in target.last_error
    Target.objects.filter(pk=target.pk).update(failing_since=timezone.now() - timedelta(days=1, minutes=1))
    route_and_send(activated_workspace, resource_id=9)
    assert Target.objects.get().health == "disabled"


def test_a_success_makes_a_failing_target_healthy(bot_target, activated_workspace, fake_dingtalk):
    fake_dingtalk.revoke(bot_target.bot, {"errcode": 310000, "errmsg": "sign not match"})
    route_and_send(activated_workspace, resource_id=1)
    assert Target.objects.get().health == "failing"
    fake_dingtalk.restore(bot_target.bot)
    route_and_send(activated_workspace, resource_id=2)
    target = Target.objects.get()
    assert (target.health, target.consecutive_dead) == ("healthy", 0)


def test_re_enable_needs_a_successful_test_connectivity_after_the_disable(bot_target, activated_workspace,
                                                                          fake_dingtalk, owner):
    fake_dingtalk.revoke(bot_target.bot)
    route_and_send(activated_workspace)
    with pytest.raises(EnableRefused):
        target_enable(actor=owner, target_id=bot_target.pk)
    assert not connectivity_test_saved(actor=owner, target=Target.objects.get()).ok  # still revoked
    with pytest.raises(EnableRefused):
        target_enable(actor=owner, target_id=bot_target.pk)
    fake_dingtalk.restore(bot_target.bot)
    assert connectivity_test_saved(actor=owner, target=Target.objects.get()).ok
    assert target_enable(actor=owner, target_id=bot_target.pk).health == "healthy"
    assert AuditLogEntry.objects.filter(action="target.enable").count() == 1


def test_a_throttled_answer_pauses_the_bot_for_every_worker(db, settings):
    settings.RATE_LIMIT_REDIS_URL = ""
    limits = ((20, 60.0),)
    assert rate_limit_acquire(channel_key="dingtalk", identity="bot-a", limits=limits).taken
    rate_limit_pause(channel_key="dingtalk", identity="bot-a", seconds=30)
    slot = rate_limit_acquire(channel_key="dingtalk", identity="bot-a", limits=limits)
    assert not slot.taken and 29 < slot.wait <= 30 * 1.1
    assert rate_limit_acquire(channel_key="dingtalk", identity="bot-b", limits=limits).taken


def test_recover_since_t_after_a_receiver_outage_delivers_each_event_of_the_window_once(
        activated_workspace, fake_http_receiver, owner, settings, django_capture_on_commit_callbacks):
    from notifications.models import Event, Recovery
    from notifications.services.recovery import recovery_progress, recovery_run, recovery_start

    settings.DELIVERY_DEADLINE_SECONDS = 0  # a failure is final at once: the outage outlasts any retry
    account = activated_workspace.account
    account.outbound_allowed_networks = "127.0.0.1/32"
    account.save(update_fields=["outbound_allowed_networks"])
    whsec = "whsec_" + base64.b64encode(b"outage-test-signing-key-32-bytes").decode()
    endpoint = fake_http_receiver.add_endpoint(secret=whsec)
    add_target(make_rule(activated_workspace), "http", secrets={"url": endpoint.url, "signing_secret": whsec})
    fake_http_receiver.fail_next(6, status=503)  # the receiver is down: every attempt of the hour fails
    route_and_send(activated_workspace, resource_id=100)  # before the window
    Delivery.objects.update(created_at=timezone.now() - timedelta(hours=2))
    Event.objects.update(created_at=timezone.now() - timedelta(hours=2))
    since = timezone.now() - timedelta(hours=1)
    for n in range(1, 6):
        route_and_send(activated_workspace, resource_id=n)
    Delivery.objects.filter(created_at__gte=since).update(created_at=timezone.now() - timedelta(minutes=30))
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["dead"] * 6
    settings.DELIVERY_DEADLINE_SECONDS = 3600
    with django_capture_on_commit_callbacks():
        recovery = recovery_start(actor=owner, workspace=activated_workspace, since=since)
        assert recovery_run(recovery_id=recovery.pk) == 5
        assert recovery_run(recovery_id=recovery.pk) == 0  # the same request takes each delivery once
    for pk in Delivery.objects.filter(status="pending").values_list("pk", flat=True):
        assert delivery_send(delivery_id=pk) == "succeeded", Delivery.objects.get(pk=pk).last_error
    progress = recovery_progress(recovery=recovery)
    assert (progress.finished, progress.total, progress.succeeded) == (True, 5, 5)
    delivered = sorted(e["data"].get("resourceId") or e["id"] for e in fake_http_receiver.events())
    assert len(delivered) == 5 and len(set(delivered)) == 5
    assert Delivery.objects.get(event__resource_id="100").status == "dead"  # outside the window
    assert Recovery.objects.get().status == "finished"
