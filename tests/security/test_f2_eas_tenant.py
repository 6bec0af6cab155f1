"""F2 (high): the EAS service update looked the event's model version up by id alone. Another tenant's
model names leaked through attempt errors, and with an EAS API configured UpdateService was called
with another tenant's model path. Now the version is looked up in the service's own workspace (and
in the model the event names), everything is checked before any remote call, and one neutral error
answers "absent" and "not yours" alike."""

import pytest

from tests.conftest import api_client_for
from tests.security.eas_tenants import activated, deliver_eas, eas_rule, model_with, put_approval, serving
from workspaces.models import EasService

NEUTRAL = "the event names no model version of this workspace"


@pytest.fixture
def demo(activated_workspace, owner):
    """The victim: a confidential Pending version and an Approved one, in demo's workspace."""
    _, (secret, released) = model_with(
        activated_workspace, owner, "secret_project_x",
        ("2.0.0-confidential", "Pending", "oss://demo-bucket/models/secret/2.0.0/"),
        ("1.0.0", "Approved", "oss://demo-bucket/models/resnet50/1.0.0/"),
    )
    return {"pending": secret, "approved": released}


@pytest.fixture
def mallory(outsider):
    """The attacker's own tenant: an approved version, a running service on it, a switching rule."""
    workspace = activated(outsider.account, outsider, "mal_ws")
    model, (own,) = model_with(workspace, outsider, "mal_model", ("1.0.0", "Approved", "oss://mal/1.0.0/"))
    service = EasService.objects.create(workspace=workspace, name="mal_svc", model_version=own, created_by=outsider)
    eas_rule(api_client_for(outsider), workspace, service)
    return {"user": outsider, "workspace": workspace, "model": model, "version": own, "service": service}


def test_f2_another_tenants_version_is_answered_like_one_that_does_not_exist(demo, mallory, settings):
    settings.EAS_API_URL = ""
    user, workspace = mallory["user"], mallory["workspace"]
    foreign = deliver_eas(put_approval(user, workspace, versionId=demo["pending"].pk))
    absent = deliver_eas(put_approval(user, workspace, versionId=10**9))
    assert foreign.status == absent.status == "dead"
    assert foreign.last_error == absent.last_error == NEUTRAL
    assert "secret_project_x" not in foreign.last_error and "confidential" not in foreign.last_error
    assert serving(mallory["service"]) == "mal_model:1.0.0"


def test_f2_another_tenants_approved_version_never_reaches_the_eas_api(demo, mallory, fake_eas_api, settings):
    fake_eas_api.add_service(settings.EAS_REGION, "mal_svc")
    delivery = deliver_eas(put_approval(mallory["user"], mallory["workspace"], versionId=demo["approved"].pk,
                                        modelId=demo["approved"].model_id))
    assert fake_eas_api.requests == []  # no UpdateService call at all, so no foreign model path sent
    assert delivery.status == "dead" and delivery.last_error == NEUTRAL
    assert serving(mallory["service"]) == "mal_model:1.0.0"


def test_f2_the_version_must_belong_to_the_model_the_event_names(mallory, settings):
    settings.EAS_API_URL = ""
    user, workspace, service = mallory["user"], mallory["workspace"], mallory["service"]
    _, (other,) = model_with(workspace, user, "other_model", ("9.0.0", "Approved", "oss://mal/other/9.0.0/"))
    mismatched = deliver_eas(put_approval(user, workspace, versionId=other.pk, modelId=mallory["model"].pk))
    assert mismatched.status == "dead" and mismatched.last_error == NEUTRAL
    assert serving(service) == "mal_model:1.0.0"
    matching = deliver_eas(put_approval(user, workspace, versionId=other.pk, modelId=other.model_id))
    assert matching.status == "succeeded" and serving(service) == "other_model:9.0.0"
