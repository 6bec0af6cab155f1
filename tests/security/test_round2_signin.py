"""Issue 13, F7, F13 and F15: sign-in.

F7: password guessing is locked out per user name and per client address on the console, admin
and the token endpoint, the client address cannot be chosen with X-Forwarded-For, the throttles
count in a shared cache, weak passwords are refused. F13: user names are unique per account (no
cross-tenant "already exists"), sub-users sign in as name@alias, and names are limited to a
documented set (no look-alikes, spaces, controls). F15: a new password revokes the API token.
Each test fails on 457c939."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, api_client_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def lockout(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return settings


def sign_in(client, name, password, *, path="/login/", address="10.0.0.1", **headers):
    return client.post(path, {"username": name, "password": password}, REMOTE_ADDR=address, **headers)


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_f7_password_guessing_is_locked_out_per_user_name(lockout, owner, path):
    from workspaces.models import User

    user = owner if path == "/login/" else User.objects.create_superuser(username="root", password=PASSWORD)
    client = Client()
    for attempt in range(2):  # from different addresses: the name is what is counted
        assert sign_in(client, user.username, "wrong", path=path, address=f"10.0.0.{attempt}").status_code == 200
    third = sign_in(client, user.username, "wrong", path=path, address="10.0.0.3")
    assert third.status_code == 429 and third["Retry-After"] == "900"  # the limit reached: locked out
    locked = sign_in(client, user.username, PASSWORD, path=path, address="10.0.0.9")
    assert locked.status_code == 429 and b"Too many failed sign-ins" in locked.content
    assert "_auth_user_id" not in client.session


def test_f7_password_guessing_is_locked_out_per_client_address(lockout, owner, subuser):
    client = Client()
    for name in ("alice", "carol", "dave"):  # three names, one address
        sign_in(client, name, "wrong", address="10.0.0.7")
    assert sign_in(client, "alice", PASSWORD, address="10.0.0.7").status_code == 429
    assert sign_in(Client(), "alice", PASSWORD, address="10.0.0.8").status_code == 302  # another address


def test_f7_the_token_endpoint_is_locked_out_and_x_forwarded_for_does_not_change_the_address(lockout, owner):
    client = APIClient()
    for attempt in range(3):  # a new X-Forwarded-For each time, as the red team sent
        answer = client.post("/api/v1/auth/token/", {"username": f"nobody{attempt}", "password": "wrong"},
                             format="json", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
        assert answer.status_code == (401 if attempt < 2 else 429)
    answer = client.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}, format="json",
                         REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert answer.status_code == 429 and answer["Retry-After"] == "900"
    assert answer.json()["error"]["code"] == "too_many_sign_in_failures"


def test_behind_num_proxies_the_address_the_proxy_appended_is_the_client(settings):
    from django.test import RequestFactory
    from rest_framework.throttling import AnonRateThrottle

    from console.signin import client_address

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    settings.NUM_PROXIES = 0
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    assert client_address(request) == "10.0.0.2" == AnonRateThrottle().get_ident(request)
    settings.NUM_PROXIES = 1  # one proxy: what it appended, not what the client sent before it
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert client_address(request) == "198.51.100.7" == AnonRateThrottle().get_ident(request)


def test_f7_the_throttles_count_in_a_cache_shared_by_every_web_process(db, settings, tmp_path):
    """Outside the tests (which keep a memory cache), the default cache is the database's table;
    CACHE_URL may name Redis. Never a per-process memory cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "DATABASE_URL")}
    env.update(DEBUG="true", VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="console.settings")
    probe = ("import django; django.setup(); from django.conf import settings as s; "
             "print(s.CACHES['default']['BACKEND'])")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "django.core.cache.backends.db.DatabaseCache", done.stderr
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    with pytest.raises(SystemCheckError, match="console.W005"):  # check --deploy warns about a memory cache
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "caches")
    # `migrate` makes its table (the tests' memory cache needs none, so the migration is run here
    # with the database cache configured).
    import importlib
    from types import SimpleNamespace

    from django.db import connection

    migration = importlib.import_module("console.migrations.0001_cache_table")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "console_cache"}}
    migration.create_cache_tables(None, SimpleNamespace(connection=connection))
    assert "console_cache" in connection.introspection.table_names()


@pytest.mark.parametrize("password", ["12345678", "password", "aaaaaaaa", "newuser-x"])
def test_f7_weak_passwords_are_refused(owner_api, password):
    answer = owner_api.post("/api/v1/users/", {"username": "newuser-x", "password": password}, format="json")
    assert answer.status_code == 400 and "password" in answer.json()["error"]["fields"], answer.content


# --- F13


def test_f13_user_names_are_unique_per_account_without_a_cross_tenant_oracle(owner_api, outsider_api, subuser,
                                                                               outsider):
    from workspaces.models import User

    # `bob` is a sub-user of acme; globex's owner may have a `bob` too, and learns nothing.
    created = outsider_api.post("/api/v1/users/", {"username": "bob", "password": "globex-bob-pass-7"},
                                format="json")
    assert created.status_code == 201, created.content
    globex_bob = User.objects.get(account=outsider.account, username="bob")
    # Within one account the name is taken, whatever its case.
    taken = owner_api.post("/api/v1/users/", {"username": "BOB", "password": "acme-bob-pass-7"}, format="json")
    assert taken.status_code == 400
    assert taken.json()["error"]["fields"]["username"] == ["A user named BOB already exists in this account."]

    # Each bob signs in as name@alias; the bare name is nobody's.
    assert subuser.sign_in_name == f"bob@{subuser.account.alias}" and globex_bob.sign_in_name == "bob@6543210987654321"
    for user, password in ((subuser, PASSWORD), (globex_bob, "globex-bob-pass-7")):
        client = Client()
        assert sign_in(client, user.sign_in_name, password).status_code == 302
        assert int(client.session["_auth_user_id"]) == user.pk
    assert sign_in(Client(), "bob", PASSWORD).status_code == 200  # refused: a sub-user needs the alias


def test_f13_operators_create_a_same_named_user_in_another_account_in_admin(subuser, outsider):
    from workspaces.models import User

    admin = Client()
    admin.force_login(User.objects.create_superuser(username="root", password=PASSWORD))
    form = {"username": "bob", "password1": "globex-bob-pass-7", "password2": "globex-bob-pass-7",
            "usable_password": "true", "is_account_owner": ""}
    created = admin.post("/admin/workspaces/user/add/", {**form, "account": outsider.account_id})
    assert created.status_code == 302, created.content[:2000]
    assert User.objects.filter(username="bob").count() == 2
    again = admin.post("/admin/workspaces/user/add/", {**form, "username": "Bob", "account": outsider.account_id})
    assert again.status_code == 200 and b"A user with this name already exists in the account." in again.content
    # The API answers each user's sign-in name.
    listed = api_client_for(outsider).get("/api/v1/users/").json()["results"]
    assert sorted(row["sign_in_name"] for row in listed) == ["bob@6543210987654321", "mallory"]


@pytest.mark.parametrize("name", ["оwner", "owner ", " owner", "admin\u202egnp.exe", "a@b", "tab\tname", "x" * 65,
                                  "-leading", "ünïcode", "<img>"])
def test_f13_user_names_outside_the_documented_characters_are_refused(owner_api, name):
    answer = owner_api.post("/api/v1/users/", {"username": name, "password": "a-strong-pass-9"}, format="json")
    assert answer.status_code == 400, (name, answer.content)
    assert answer.json()["error"]["fields"]["username"] == [
        "A user name is 1 to 64 letters (a-z, A-Z), digits, dots, hyphens or underscores, starting with a letter or "
        "digit."]


def test_f13_the_demo_sub_user_signs_in_as_developer_at_demo(db, capsys):
    from django.core.management import call_command

    call_command("load_demo")
    assert "developer@demo" in capsys.readouterr().out
    assert sign_in(Client(), "developer@demo", "pai-demo-2025").status_code == 302
    assert sign_in(Client(), "owner", "pai-demo-2025").status_code == 302


# --- F15


@pytest.mark.parametrize("how", ["admin", "set_password"])
def test_f15_a_new_password_revokes_the_api_token(how, subuser):
    from workspaces.models import User

    api = api_client_for(subuser)
    assert api.get("/api/v1/workspaces/").status_code == 403  # signed in (no policy to list them)
    if how == "admin":
        admin = Client()
        admin.force_login(User.objects.create_superuser(username="root", password=PASSWORD))
        answer = admin.post(f"/admin/workspaces/user/{subuser.pk}/password/",
                            {"password1": "another-pass-42", "password2": "another-pass-42", "usable_password": "true"})
        assert answer.status_code == 302, answer.content[:500]
    else:
        subuser.set_password("another-pass-42")
        subuser.save()
    assert not Token.objects.filter(user=subuser).exists()
    assert api.get("/api/v1/workspaces/").status_code == 401


class QuickPBKDF2(PBKDF2PasswordHasher):
    iterations = 1000


def test_a_password_hash_upgraded_at_sign_in_revokes_no_token(settings, subuser):
    settings.PASSWORD_HASHERS = [f"{__name__}.QuickPBKDF2",  # a stronger hasher first
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    token = Token.objects.create(user=subuser)
    assert subuser.check_password(PASSWORD)  # rehashes with the first hasher and saves
    subuser.refresh_from_db()
    assert subuser.password.startswith("pbkdf2_sha256$") and Token.objects.filter(key=token.key).exists()
