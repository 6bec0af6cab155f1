"""The system checks refuse half-configured secrets and providers: development keys, missing or bad
Fernet keys, a telephony provider or EAS API without credentials, bad allowed networks."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from console.settings import DEV_FIELD_ENCRYPTION_KEY, DEV_SECRET_KEY

NEW_KEY = Fernet.generate_key().decode()


def check_ids(settings_changes: dict, settings) -> set[str]:
    from console import checks

    for name, value in settings_changes.items():
        setattr(settings, name, value)
    found = set()
    for check in (checks.check_secret_key, checks.check_field_encryption_keys, checks.check_telephony_provider,
                  checks.check_eas_api,
                  checks.check_outbound_allowed_networks, checks.check_celery_visibility_timeout):
        found |= {message.id for message in check()}
    return found


REAL_SECRET_KEY = "kq8Zt2vP0xWmR7nYb4cLh1sJ9dFg6aUe3iOo5pTrQwEyXzCvBn"
FULLY_CONFIGURED = {
    "DEBUG": False, "SECRET_KEY": REAL_SECRET_KEY, "SECRET_KEY_FALLBACKS": [],
    "FIELD_ENCRYPTION_KEYS": [NEW_KEY], "TELEPHONY_PROVIDER": "logging", "EAS_API_URL": "",
    "OUTBOUND_ALLOWED_NETWORKS": [], "CELERY_BROKER_TRANSPORT_OPTIONS": {},
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, set()),
        ({"FIELD_ENCRYPTION_KEYS": []}, {"console.E006"}),
        ({"FIELD_ENCRYPTION_KEYS": [DEV_FIELD_ENCRYPTION_KEY]}, {"console.E006"}),
        ({"FIELD_ENCRYPTION_KEYS": [], "DEBUG": True}, set()),
        ({"SECRET_KEY": DEV_SECRET_KEY}, {"console.E005"}),
        ({"SECRET_KEY": "insecure-development-key-change-me-in-production-0123456789"[:40]}, {"console.E005"}),
        ({"SECRET_KEY_FALLBACKS": [DEV_SECRET_KEY]}, {"console.E005"}),
        ({"SECRET_KEY": DEV_SECRET_KEY, "FIELD_ENCRYPTION_KEYS": [DEV_FIELD_ENCRYPTION_KEY], "DEBUG": True}, set()),
        ({"FIELD_ENCRYPTION_KEYS": ["not-a-fernet-key"]}, {"console.E001"}),
        ({"TELEPHONY_PROVIDER": "aliyun", "TELEPHONY_ACCESS_KEY_ID": "", "TELEPHONY_ACCESS_KEY_SECRET": "",
          "TELEPHONY_SIGN_NAME": ""}, {"console.W002"}),
        ({"TELEPHONY_PROVIDER": "aliyun", "TELEPHONY_ACCESS_KEY_ID": "id", "TELEPHONY_ACCESS_KEY_SECRET": "s",
          "TELEPHONY_SIGN_NAME": "PAI"}, set()),
        ({"TELEPHONY_PROVIDER": "carrier-pigeon"}, {"console.E002"}),
        ({"EAS_API_URL": "https://pai-eas.cn-shanghai.aliyuncs.com", "EAS_API_TOKEN": ""}, {"console.W003"}),
        ({"EAS_API_URL": "https://pai-eas.cn-shanghai.aliyuncs.com", "EAS_API_TOKEN": "t"}, set()),
        ({"OUTBOUND_ALLOWED_NETWORKS": ["127.0.0.1/32", "localhost"]}, {"console.E003"}),
        ({"CELERY_BROKER_TRANSPORT_OPTIONS": {"visibility_timeout": 60}, "DELIVERY_RETRY_MAX_SECONDS": 512.0},
         {"console.W004"}),
    ],
    ids=["all-set", "no-keys", "dev-key", "no-keys-debug", "dev-secret-key", "short-secret-key", "dev-fallback",
         "dev-keys-debug", "bad-key", "aliyun-no-keys", "aliyun-ok", "unknown-provider",
         "eas-no-token", "eas-ok", "bad-network", "short-visibility"],
)
def test_system_checks_warn_about_half_configured_secrets_and_providers(settings, changes, expected):
    assert check_ids({**FULLY_CONFIGURED, **changes}, settings) == expected


def test_the_checks_run_with_manage_py_check(settings):
    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_KEYS = []
    out = io.StringIO()
    with pytest.raises(SystemCheckError, match="console.E006"):
        call_command("check", "--tag", "security", stdout=out, stderr=out)
