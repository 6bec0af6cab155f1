import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The shared fixtures create users with passwords; the default hasher costs ~0.5 s a user here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_client_for_subuser(subuser):
    from tests.conftest import api_client_for

    return api_client_for(subuser)
