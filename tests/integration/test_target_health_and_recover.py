"""With a real Celery worker: a DingTalk robot disabled mid-run (the fake answers 400102) disables
its target after one delivery; later events are skipped; re-enable (after a successful Test
Connectivity) and Recover deliver every one of them, once. A receiver down for an hour, then Recover
since T: every event of the window delivered once. A DNS failure is retried, and the delivery
succeeds once the name resolves."""

import base64
import os
import shutil
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Delivery, DeliveryAttempt, Recovery, Target
from notifications.services.connectivity import connectivity_test_saved
from notifications.services.health import target_enable
from notifications.services.recovery import recovery_progress, recovery_start
from tests.fakes.http_receiver import FakeHttpReceiver
from tests.notifications.delivery.builders import add_target, make_rule, raise_event

pytestmark = pytest.mark.integration

WHSEC = "whsec_" + base64.b64encode(b"recovery-test-signing-key-32-byt").decode()

# Retries at most half a second apart: the dead delivery and the skipped ones come quickly.
RETRY_MAX = {"DELIVERY_RETRY_MAX_SECONDS": "0.5"}


def statuses():
    return sorted(Delivery.objects.values_list("status", flat=True))


def test_a_revoked_robot_disables_its_target_and_recover_delivers_the_skipped_events_once(
        start_delivery_worker, wait_until, dingtalk, activated_workspace, owner, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS, settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1/32"], ["127.0.0.1"]
    bot = dingtalk.add_bot()
    target = add_target(make_rule(activated_workspace), "dingtalk", secrets={"webhook": bot.webhook})
    start_delivery_worker(**RETRY_MAX)
    since = timezone.now() - timedelta(seconds=1)

    raise_event(activated_workspace, name="job-1", resource_id=1)
    assert wait_until(lambda: statuses() == ["succeeded"])
    dingtalk.revoke(bot)  # the robot is disabled in its group: 400102 from now on
    raise_event(activated_workspace, name="job-2", resource_id=2)
    assert wait_until(lambda: Target.objects.get().health == "disabled")
    for n in (3, 4, 5):
        raise_event(activated_workspace, name=f"job-{n}", resource_id=n)
    assert wait_until(lambda: statuses() == ["dead", "skipped", "skipped", "skipped", "succeeded"])
    assert len(dingtalk.requests) == 2  # job-1 delivered, job-2 refused; the skipped never sent
    assert "robot was disabled" in Target.objects.get().disabled_reason

    dingtalk.restore(bot)
    assert connectivity_test_saved(actor=owner, target=Target.objects.get()).ok
    target_enable(actor=owner, target_id=target.pk)
    recovery = recovery_start(actor=owner, workspace=activated_workspace, since=since)
    again = recovery_start(actor=owner, workspace=activated_workspace, since=since)  # a second click
    assert again.pk == recovery.pk and Recovery.objects.count() == 1

    assert wait_until(lambda: recovery_progress(recovery=recovery).finished)
    progress = recovery_progress(recovery=recovery)
    assert (progress.total, progress.done, progress.succeeded) == (4, 4, 4)
    assert statuses() == ["succeeded"] * 5
    texts = [m.json["markdown"]["text"] for m in dingtalk.messages_for(bot)]
    for n in range(1, 6):
        assert sum(f"job-{n}" in text for text in texts) == 1, n  # every event exactly once
    assert Target.objects.get().health == "healthy"


HOSTS_BASE = "127.0.0.1 localhost\n"


@pytest.fixture
def own_hosts_file(tmp_path):
    """A hosts file only the worker sees: the worker runs in its own mount namespace with this file
    bound over /etc/hosts, so that a name can start resolving mid-test (a DNS outage ending)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare(1) to give the worker its own /etc/hosts")
    hosts = tmp_path / "hosts"
    hosts.write_text(HOSTS_BASE)
    prefix = ("unshare", "--mount", "--propagation", "private", "sh", "-c",
              f'mount --bind "{hosts}" /etc/hosts && exec "$0" "$@"')
    return hosts, prefix


def test_a_dns_failure_is_retried_and_succeeds_once_the_name_resolves(start_delivery_worker, wait_until,
                                                                     activated_workspace, own_hosts_file):
    hosts, prefix = own_hosts_file
    receiver = FakeHttpReceiver().start()
    try:
        endpoint = receiver.add_endpoint(secret=WHSEC)
        url = endpoint.url.replace("127.0.0.1", "receiver.recovery-test")
        account = activated_workspace.account
        account.outbound_allowed_networks = "127.0.0.1/32"  # this tenant's receiver is on a private network
        account.save(update_fields=["outbound_allowed_networks"])
        target = add_target(make_rule(activated_workspace), "http", secrets={"url": url, "signing_secret": WHSEC})
        start_delivery_worker(prefix=prefix, **RETRY_MAX)
        raise_event(activated_workspace)
        assert wait_until(lambda: DeliveryAttempt.objects.filter(outcome="failed").count() >= 2)
        delivery = Delivery.objects.get()
        assert delivery.status in ("retrying", "pending")  # not dead
        attempt = delivery.attempts.order_by("number").first()
        assert attempt.outcome_class == "transient" and "did not resolve (DNS)" in attempt.reason
        assert Target.objects.get(pk=target.pk).health == "failing"

        hosts.write_text(HOSTS_BASE + "127.0.0.1 receiver.recovery-test\n")  # the name resolves again
        assert wait_until(lambda: Delivery.objects.get().status == "succeeded")
        assert receiver.wait_for_accepted(1) and len(receiver.accepted) == 1
        assert Target.objects.get(pk=target.pk).health == "healthy"
    finally:
        receiver.stop()


def test_a_receiver_down_for_an_hour_then_recover_since_t_delivers_each_event_of_the_window_once(
        start_delivery_worker, wait_until, activated_workspace, owner, settings):
    """The hour is simulated: the deliveries of the outage are dated back into it."""
    settings.OUTBOUND_ALLOWED_NETWORKS, settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1/32"], ["127.0.0.1"]
    account = activated_workspace.account
    account.outbound_allowed_networks = "127.0.0.1/32"
    account.save(update_fields=["outbound_allowed_networks"])
    receiver = FakeHttpReceiver().start()
    try:
        endpoint = receiver.add_endpoint(secret=WHSEC)
        add_target(make_rule(activated_workspace), "http", secrets={"url": endpoint.url, "signing_secret": WHSEC})
        receiver.fail_next(6, status=503)  # down: every send of the outage fails
        start_delivery_worker(DELIVERY_DEADLINE_SECONDS="0", **RETRY_MAX)  # a failure is final at once
        raise_event(activated_workspace, name="job-before", resource_id=100)
        assert wait_until(lambda: statuses() == ["dead"])
        Delivery.objects.update(created_at=timezone.now() - timedelta(hours=2))  # before the window
        for n in range(1, 6):
            raise_event(activated_workspace, name=f"job-{n}", resource_id=n)
        assert wait_until(lambda: statuses() == ["dead"] * 6)
        since = timezone.now() - timedelta(hours=1)
        Delivery.objects.filter(created_at__gte=since).update(created_at=timezone.now() - timedelta(minutes=30))

        settings.DELIVERY_DEADLINE_SECONDS = 3600  # the receiver is back: recovered sends get a full day
        recovery = recovery_start(actor=owner, workspace=activated_workspace, since=since)
        assert wait_until(lambda: recovery_progress(recovery=recovery).finished)
        progress = recovery_progress(recovery=recovery)
        assert (progress.total, progress.done, progress.succeeded) == (5, 5, 5)
        delivered = sorted(body["data"]["resourceName"] for body in receiver.events())
        assert delivered == ["job-1", "job-2", "job-3", "job-4", "job-5"]  # each once, none from before T
        assert Delivery.objects.get(event__resource_id="100").status == "dead"
    finally:
        receiver.stop()
