import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The shared fixtures create several users; the default PBKDF2 costs seconds on a busy machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
