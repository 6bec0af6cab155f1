"""Secrets at rest: encrypted in the database, rotated by a command, masked when printed, and never
rendered back by the admin form. (The checks refusing half-configured keys: test_secrets_checks.py;
the walk looking for secrets in clear everywhere: test_secrets.py.)"""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, models

from console.crypto import SecretDict, secrets_unreadable

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
    from notifications.services.routing_keys import rule_routing_keys_sync

    rule = Rule.objects.create(bus=bus, name="secrets", source="model")
    RuleEventType.objects.create(rule=rule, event_type="pai:ModelManagement:ModelVersionApproved")
    rule_routing_keys_sync(rule)
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


def test_without_rotation_removing_the_old_key_makes_secrets_unreadable_but_not_lost(settings, bus):
    """(Issue 13, F6: the row still loads, so a page or a routing task does not fail on it; the
    delivery records the failure.) Saving the row keeps the stored token: the key can come back."""
    from notifications.models import Target

    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    [target] = make_targets(bus, 1)
    token = stored_token(target)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    target.refresh_from_db()
    assert secrets_unreadable(target.secrets) and target.secrets == {}
    target.save()
    assert stored_token(target) == token
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert Target.objects.get(pk=target.pk).secrets["signing_key"] == SIGNING_KEY


def test_a_dry_run_counts_but_changes_nothing(settings, bus):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    targets = make_targets(bus, 2)
    before = [stored_token(target) for target in targets]

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    output = rotate("--dry-run")

    assert "Dry run: would re-encrypt 2 of 2 stored secrets" in output
    assert [stored_token(target) for target in targets] == before


def test_secrets_saved_by_versions_that_derived_the_key_from_secret_key_are_read_and_rotated(settings, bus):
    """Before issue 13 a deployment without FIELD_ENCRYPTION_KEYS encrypted with a key derived from
    SECRET_KEY. Such secrets stay readable (never written with that key again) until rotated."""
    import base64
    import hashlib
    import json

    from notifications.models import Target

    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    [target] = make_targets(bus, 1)
    legacy = base64.urlsafe_b64encode(hashlib.sha256(("field-encryption:" + settings.SECRET_KEY).encode()).digest())
    old_token = Fernet(legacy).encrypt(json.dumps({"signing_key": SIGNING_KEY}).encode()).decode()
    Target.objects.filter(pk=target.pk).update(secrets=models.Value(old_token, output_field=models.TextField()))

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
