"""First run without the demo: `manage.py create_account` makes an account (alias, generated uid)
and its owner; `manage.py deploy` checks, migrates and collects the static files."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from workspaces.models import Account, User


def test_create_account_generates_the_uid_and_prints_a_generated_password_once(db, monkeypatch):
    monkeypatch.delenv("ACCOUNT_OWNER_PASSWORD", raising=False)
    out = StringIO()
    call_command("create_account", "--alias", "acme", "--owner", "alice", "--email", "alice@acme.example",
                 "--noinput", stdout=out)
    account = Account.objects.get(name="acme")
    assert re.fullmatch(r"[1-9]\d{15}", account.uid) and account.alias == "acme"
    owner = User.objects.get(username="alice")
    assert owner.account == account and owner.is_account_owner and not owner.is_staff
    password = re.search(r"Owner password \(shown once, change it after signing in\): (\S+)", out.getvalue())[1]
    assert len(password) >= 16 and owner.check_password(password)
    assert f"Account acme (alias acme, uid {account.uid}) created with owner alice." in out.getvalue()


def test_create_account_takes_the_password_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("ACCOUNT_OWNER_PASSWORD", "chosen-by-the-operator-1")
    out = StringIO()
    call_command("create_account", "--alias", "globex-eu", "--name", "Globex Europe", "--owner", "hank", "--noinput",
                 stdout=out)
    assert User.objects.get(username="hank").check_password("chosen-by-the-operator-1")
    assert Account.objects.filter(name="Globex Europe", alias="globex-eu").exists()
    assert "Owner password" not in out.getvalue()


def test_create_account_refuses_a_taken_alias_or_a_short_password_and_creates_nothing(db, monkeypatch):
    monkeypatch.setenv("ACCOUNT_OWNER_PASSWORD", "chosen-by-the-operator-1")
    call_command("create_account", "--alias", "acme", "--owner", "alice", stdout=StringIO())
    with pytest.raises(CommandError, match="name: An account named acme already exists"):
        call_command("create_account", "--alias", "acme", "--owner", "bob", stdout=StringIO())
    with pytest.raises(CommandError, match="alias: The alias must be"):
        call_command("create_account", "--alias", "No Spaces", "--owner", "bob", stdout=StringIO())
    monkeypatch.setenv("ACCOUNT_OWNER_PASSWORD", "short")
    with pytest.raises(CommandError, match="password: .*at least 8 characters"):
        call_command("create_account", "--alias", "initech", "--owner", "peter", stdout=StringIO())
    assert list(Account.objects.values_list("name", flat=True)) == ["acme"]
    assert not User.objects.filter(username__in=["bob", "peter"]).exists()


def test_deploy_migrates_and_collects_hashed_compressed_static_files(db, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    out = StringIO()
    call_command("deploy", "--skip-checks-deploy", verbosity=0, stdout=out)
    assert "== migrate" in out.getvalue() and "== collectstatic" in out.getvalue()
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    hashed = re.search(r'"console/console.css": "(console/console\.[0-9a-f]{12}\.css)"', manifest)[1]
    assert (tmp_path / "static" / hashed).exists() and (tmp_path / "static" / f"{hashed}.gz").exists()
