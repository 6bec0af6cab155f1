import pytest

from notifications.models import Event


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The shared fixtures create users with passwords; PBKDF2 costs ~1 s per user on this machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def events_of():
    """The events raised for one resource, oldest first, as their catalog type names."""

    def of(resource, source: str | None = None) -> list[str]:
        events = Event.objects.filter(resource_id=str(resource.pk))
        if source:
            events = events.filter(source=source)
        return [event.type.rsplit(":", 1)[1] for event in events.order_by("id")]

    return of


@pytest.fixture
def model(activated_workspace, owner):
    from workspaces.pai_resources.services.model_registry import model_create

    return model_create(workspace=activated_workspace, name="resnet50", description="classifier", actor=owner)


@pytest.fixture
def pending_version(model, owner):
    from workspaces.pai_resources.services.model_registry import model_version_create

    return model_version_create(model=model, version_name="1.1.0", approval_status="Pending", actor=owner)


@pytest.fixture
def approved_version(model, owner):
    from workspaces.pai_resources.services.model_registry import model_version_create

    return model_version_create(model=model, version_name="1.0.0", approval_status="Approved", actor=owner)
