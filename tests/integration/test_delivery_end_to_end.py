"""End to end with a real Celery worker: a change in the console's data raises an event, the worker
routes it and delivers it to the fake platforms, retrying and giving up as the real ones would make
it."""

import base64

import pytest

from notifications.models import Delivery
from tests.fakes.eas_api import FakeEasApi
from tests.fakes.http_receiver import FakeHttpReceiver
from tests.notifications.delivery.builders import add_target, make_rule, raise_event
from workspaces.models import EasService, EasServiceRevision, Model, ModelVersion

pytestmark = pytest.mark.integration

SECRET = "SEC" + "e2e0" * 16
WHSEC = "whsec_" + base64.b64encode(b"integration-signing-key-32-bytes").decode()


@pytest.fixture
def fakes(dingtalk):
    started = {"http": FakeHttpReceiver().start(), "eas": FakeEasApi(token="eas-token").start()}
    yield {"dingtalk": dingtalk, **started}
    for fake in started.values():
        fake.stop()


def test_approving_a_model_version_reaches_dingtalk_the_http_receiver_and_the_eas_service(
        start_delivery_worker, wait_until, fakes, activated_workspace, owner, settings):
    from workspaces.pai_resources.services.model_registry import model_version_set_status

    dingtalk, receiver, eas_api = fakes["dingtalk"], fakes["http"], fakes["eas"]
    bot = dingtalk.add_bot(secret=SECRET)
    endpoint = receiver.add_endpoint(secret=WHSEC)
    eas_api.add_service(settings.EAS_REGION, "fraud-svc")
    model = Model.objects.create(workspace=activated_workspace, name="fraud", created_by=owner)
    current = ModelVersion.objects.create(model=model, version_name="0.1.0", approval_status="Approved")
    candidate = ModelVersion.objects.create(model=model, version_name="0.2.0", created_by=owner,
                                            uri="oss://models/fraud/0.2.0/")
    service = EasService.objects.create(workspace=activated_workspace, name="fraud-svc", model_version=current)
    rule = make_rule(activated_workspace, source="model", types=("ModelVersionApproved",), created_by=owner)
    add_target(rule, "dingtalk", secrets={"webhook": bot.webhook, "signing_key": SECRET})
    add_target(rule, "http", config={"url": endpoint.url}, secrets={"signing_secret": WHSEC})
    add_target(rule, "eas_update", config={"eas_service": service.pk, "eas_service_name": service.name})
    start_delivery_worker(EAS_API_URL=eas_api.base_url, EAS_API_TOKEN="eas-token")

    model_version_set_status(version=candidate, approval_status="Approved", actor=owner)

    assert dingtalk.wait_for_accepted(1, timeout=20)
    assert receiver.wait_for_accepted(1, timeout=20)
    assert wait_until(lambda: Delivery.objects.filter(status="succeeded").count() == 3)
    [message] = dingtalk.messages_for(bot)
    assert "fraud:0.2.0" in message.json["markdown"]["text"]
    [event] = receiver.events()
    assert event["type"] == "pai:ModelManagement:ModelVersionApproved" and event["data"]["versionName"] == "0.2.0"
    [update] = eas_api.updates()
    assert update.json["model_path"] == "oss://models/fraud/0.2.0/"
    service.refresh_from_db()
    assert service.model_version == candidate
    assert EasServiceRevision.objects.filter(service=service, model_version=candidate).count() == 1


def test_retryable_failures_are_retried_until_success(start_delivery_worker, wait_until, fakes, activated_workspace):
    dingtalk = fakes["dingtalk"]
    bot = dingtalk.add_bot(secret=SECRET)
    add_target(make_rule(activated_workspace), "dingtalk", secrets={"webhook": bot.webhook, "signing_key": SECRET})
    dingtalk.fail_next(2, status=503)
    start_delivery_worker()

    raise_event(activated_workspace)

    assert dingtalk.wait_for_accepted(1, timeout=20)
    assert wait_until(lambda: Delivery.objects.filter(status="succeeded").exists())
    delivery = Delivery.objects.get()
    assert list(delivery.attempts.values_list("outcome", "http_status")) == [
        ("failed", 503), ("failed", 503), ("succeeded", 200)]
    assert len(dingtalk.requests) == 3


def test_a_permanent_failure_is_dead_then_redelivered_with_success(start_delivery_worker, wait_until, fakes,
                                                                   activated_workspace, owner_api):
    dingtalk = fakes["dingtalk"]
    bot = dingtalk.add_bot(secret=SECRET)
    target = add_target(make_rule(activated_workspace), "dingtalk",
                        secrets={"webhook": bot.webhook, "signing_key": "SECnotthekey"})
    start_delivery_worker()

    raise_event(activated_workspace)

    assert wait_until(lambda: Delivery.objects.filter(status="dead").exists())
    delivery = Delivery.objects.get()
    assert delivery.attempts.get().provider_code == "310000"
    target.secrets = {"webhook": bot.webhook, "signing_key": SECRET}  # the admin fixes the key
    target.save()
    url = f"/api/v1/workspaces/{activated_workspace.pk}/deliveries/{delivery.pk}/redeliver/"
    assert owner_api.post(url).status_code == 202
    assert wait_until(lambda: Delivery.objects.filter(pk=delivery.pk, status="succeeded").exists())
    assert len(dingtalk.messages_for(bot)) == 1
    assert list(delivery.attempts.values_list("outcome", flat=True)) == ["failed", "succeeded"]
