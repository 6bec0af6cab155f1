import pytest

from notifications.channels.base import DeliveryError, SendContext
from notifications.channels.eas_update.adapter import EasUpdateAdapter
from notifications.channels.message import message_from_event
from tests.notifications.delivery.builders import raise_event
from workspaces.models import EasService, EasServiceRevision, Model, ModelVersion


def target_config(service):
    return {"eas_service_id": service.pk}


def platform(delivery_id):
    """The send of a delivery of an event the platform raised (a real approval)."""
    return SendContext(delivery_id=delivery_id, event_origin="platform")


@pytest.fixture
def approved(activated_workspace, owner):
    model = Model.objects.create(workspace=activated_workspace, name="fraud", created_by=owner)
    old = ModelVersion.objects.create(model=model, version_name="0.1.0", approval_status="Approved")
    new = ModelVersion.objects.create(model=model, version_name="0.2.0", approval_status="Approved",
                                      uri="oss://models/fraud/0.2.0/")
    service = EasService.objects.create(workspace=activated_workspace, name="fraud-svc", model_version=old)
    event = raise_event(activated_workspace, source="model", type_name="ModelVersionApproved", model=model,
                        resource_id=new.pk, name=str(new), extra={"versionId": str(new.pk)})
    return service, new, message_from_event(event)


def test_an_approval_switches_the_running_service_and_records_a_revision(approved, settings):
    settings.EAS_API_URL = ""
    service, version, message = approved
    result = EasUpdateAdapter().send(message, target_config(service), {}, platform(41))
    service.refresh_from_db()
    assert service.model_version == version
    revision = EasServiceRevision.objects.get(service=service, delivery_id=41)
    assert revision.model_version == version and "revision" in result.detail


def test_delivering_twice_switches_once(approved, settings):
    settings.EAS_API_URL = ""
    service, _, message = approved
    for _ in range(2):
        EasUpdateAdapter().send(message, target_config(service), {}, platform(42))
    assert EasServiceRevision.objects.filter(service=service, delivery_id=42).count() == 1


def test_with_an_eas_api_the_service_is_updated_there_too(approved, fake_eas_api, settings):
    service, version, message = approved
    fake_eas_api.add_service(settings.EAS_REGION, service.name)
    result = EasUpdateAdapter().send(message, target_config(service), {}, platform(43))
    [update] = fake_eas_api.updates()
    assert update.path == f"/api/v2/services/{settings.EAS_REGION}/fraud-svc"
    assert update.json["model_path"] == "oss://models/fraud/0.2.0/"
    assert result.http_status == 200
    assert "Succeed to update service" in EasServiceRevision.objects.get(delivery_id=43).remote_response


def test_an_eas_api_error_is_judged_and_nothing_is_switched(approved, fake_eas_api, settings):
    service, _, message = approved  # the API does not know the service: 404, permanent
    with pytest.raises(DeliveryError) as caught:
        EasUpdateAdapter().send(message, target_config(service), {}, platform(44))
    assert (caught.value.http_status, caught.value.permanent) == (404, True)
    fake_eas_api.add_service(settings.EAS_REGION, service.name)
    fake_eas_api.fail_next(1, status=503)
    with pytest.raises(DeliveryError) as caught:
        EasUpdateAdapter().send(message, target_config(service), {}, platform(44))
    assert caught.value.permanent is False
    assert not EasServiceRevision.objects.filter(delivery_id=44).exists()


def test_a_stopped_service_is_a_permanent_failure(approved, settings):
    settings.EAS_API_URL = ""
    service, _, message = approved
    EasService.objects.filter(pk=service.pk).update(status="Stopped")
    with pytest.raises(DeliveryError) as caught:
        EasUpdateAdapter().send(message, target_config(service), {}, platform(45))
    assert caught.value.permanent and "Stopped" in caught.value.message
