"""Secrets at rest: encrypted in the database, rotated by a command, and never shown in clear text."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from console.crypto import SecretDict

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
SIGNING_KEY = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"
ACCESS_TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f9001122334455667788990aabbccddeeff"


def stored_token(target) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secrets FROM {target._meta.db_table} WHERE id = %s", [target.pk])
        return cursor.fetchone()[0]


def make_targets(bus, count: int):
    from notifications.models import Rule, RuleEventType, Target

    rule = Rule.objects.create(bus=bus, name="secrets", source="model")
    RuleEventType.objects.create(rule=rule, event_type="pai:ModelManagement:ModelVersionApproved")
    return [
        Target.objects.create(
            rule=rule, method="dingtalk", position=index,
            config={"webhook": "https://oapi.dingtalk.com/robot/send"},
            secrets={"access_token": f"{ACCESS_TOKEN}{index}", "signing_key": SIGNING_KEY},
        )
        for index in range(count)
    ]


def rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate_secrets", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def bus(activated_workspace):
    from workspaces.models import EventBus

    return EventBus.objects.get(workspace=activated_workspace)


def test_secrets_are_stored_as_fernet_tokens_not_clear_text(settings, bus):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    [target] = make_targets(bus, 1)
    token = stored_token(target)
    assert SIGNING_KEY not in token and ACCESS_TOKEN not in token
    assert Fernet(OLD_KEY.encode()).decrypt(token.encode())  # encrypted with the configured key


def test_rotation_with_a_new_key_first_lets_the_old_key_be_removed(settings, bus):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    targets = make_targets(bus, 3)

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    output = rotate()
    assert "re-encrypted 3 of 3 stored secrets" in output
    assert "notifications.Target.secrets: 3 stored, 3 re-encrypted" in output

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key is gone
    for index, target in enumerate(targets):
        target.refresh_from_db()
        assert target.secrets == {"access_token": f"{ACCESS_TOKEN}{index}", "signing_key": SIGNING_KEY}
        Fernet(NEW_KEY.encode()).decrypt(stored_token(target).encode())

    assert "re-encrypted 0 of 3 stored secrets (3 already on the newest key)" in rotate()


def test_without_rotation_removing_the_old_key_makes_secrets_unreadable(settings, bus):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    [target] = make_targets(bus, 1)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(ImproperlyConfigured, match="rotate_secrets"):
        target.refresh_from_db()


def test_a_dry_run_counts_but_changes_nothing(settings, bus):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    targets = make_targets(bus, 2)
    before = [stored_token(target) for target in targets]

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    output = rotate("--dry-run")

    assert "Dry run: would re-encrypt 2 of 2 stored secrets" in output
    assert [stored_token(target) for target in targets] == before


def test_secrets_saved_before_keys_were_configured_can_be_rotated_onto_the_first_key(settings, bus):
    settings.FIELD_ENCRYPTION_KEYS = []  # the demo: a key derived from SECRET_KEY
    [target] = make_targets(bus, 1)

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    assert "re-encrypted 1 of 1" in rotate()
    Fernet(NEW_KEY.encode()).decrypt(stored_token(target).encode())
    target.refresh_from_db()
    assert target.secrets["signing_key"] == SIGNING_KEY


def test_a_secret_no_key_can_read_stops_rotation_before_anything_is_written(settings, bus):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    readable, unreadable = make_targets(bus, 2)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    unreadable.save()  # now under a key that will be lost
    before = stored_token(readable)

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    with pytest.raises(ImproperlyConfigured, match=f"notifications.Target pk={unreadable.pk}"):
        rotate()
    assert stored_token(readable) == before


def test_secrets_print_masked_wherever_they_are_shown_by_accident(bus):
    from notifications.models import Target

    unsaved = Target(method="dingtalk", secrets={"signing_key": SIGNING_KEY})
    [saved] = make_targets(bus, 1)
    saved.refresh_from_db()
    for secrets in (unsaved.secrets, saved.secrets):
        assert isinstance(secrets, SecretDict)
        assert SIGNING_KEY not in repr(secrets) and SIGNING_KEY not in str(secrets)
        assert SIGNING_KEY not in f"{secrets}" and secrets["signing_key"] == SIGNING_KEY


def test_the_admin_form_field_never_renders_saved_secrets_and_blank_keeps_them(bus):
    from django.forms import modelform_factory

    from notifications.models import Target

    [target] = make_targets(bus, 1)
    form_class = modelform_factory(Target, fields=["method", "secrets"])
    assert SIGNING_KEY not in str(form_class(instance=target)["secrets"])

    form = form_class({"method": "dingtalk", "secrets": ""}, instance=target)
    assert form.is_valid(), form.errors
    assert "secrets" not in form.changed_data
    form.save()
    target.refresh_from_db()
    assert target.secrets["signing_key"] == SIGNING_KEY

    form = form_class({"method": "dingtalk", "secrets": '{"signing_key": "SECnew"}'}, instance=target)
    assert form.is_valid(), form.errors
    form.save()
    target.refresh_from_db()
    assert target.secrets == {"signing_key": "SECnew"}

    assert not form_class({"method": "dingtalk", "secrets": "[1, 2]"}, instance=target).is_valid()


# --- system checks: half-configured secrets and providers


def check_ids(settings_changes: dict, settings) -> set[str]:
    from console import checks

    for name, value in settings_changes.items():
        setattr(settings, name, value)
    found = set()
    for check in (checks.check_field_encryption_keys, checks.check_telephony_provider, checks.check_eas_api,
                  checks.check_outbound_allowed_networks, checks.check_celery_visibility_timeout):
        found |= {message.id for message in check()}
    return found


FULLY_CONFIGURED = {
    "DEBUG": False, "FIELD_ENCRYPTION_KEYS": [NEW_KEY], "TELEPHONY_PROVIDER": "logging", "EAS_API_URL": "",
    "OUTBOUND_ALLOWED_NETWORKS": [], "CELERY_BROKER_TRANSPORT_OPTIONS": {},
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, set()),
        ({"FIELD_ENCRYPTION_KEYS": []}, {"console.W001"}),
        ({"FIELD_ENCRYPTION_KEYS": [], "DEBUG": True}, set()),
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
    ids=["all-set", "no-keys", "no-keys-debug", "bad-key", "aliyun-no-keys", "aliyun-ok", "unknown-provider",
         "eas-no-token", "eas-ok", "bad-network", "short-visibility"],
)
def test_system_checks_warn_about_half_configured_secrets_and_providers(settings, changes, expected):
    assert check_ids({**FULLY_CONFIGURED, **changes}, settings) == expected


def test_the_checks_run_with_manage_py_check(settings):
    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_KEYS = []
    out = io.StringIO()
    call_command("check", "--tag", "security", stdout=out, stderr=out)
    assert "console.W001" in out.getvalue()
