"""Issue 13, F5 and F6: keys a deployer cannot forget, and a SECRET_KEY that can be rotated.

F5: with DEBUG off, web, worker and beat refuse to start without a real SECRET_KEY and without
FIELD_ENCRYPTION_KEYS (457c939 started with a public default key and derived the secrets' key from
it); `check --deploy` under the README's production settings is clean. F6: rotating SECRET_KEY stops
no delivery (457c939's derived key changed with it), and a target whose secrets cannot be decrypted
gets a failed attempt instead of failing the routing of the whole event."""

import os
import re
import secrets
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
# What a test run sets that a deployment would not have.
NOT_INHERITED = ("SECRET_KEY", "SECRET_KEY_FALLBACKS", "FIELD_ENCRYPTION_KEYS", "DEBUG", "DATABASE_URL",
                 "CELERY_BROKER_URL", "RATE_LIMIT_REDIS_URL", "TEST_SQLITE_NAME", "TEST_DB_NAME", "CACHE_URL",
                 "REQUIRE_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")  # (the latter: Playwright beside live_server)


def bare_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED and not k.startswith("PYTEST")}
    env.update(VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="console.settings", PYTHONUNBUFFERED="1",
               **extra)
    return env


def run(argv, env, timeout=60) -> tuple[int | None, str]:
    """Run a process in its own group; (exit status, output). None: still running at the timeout
    (it started, which is what a refusal must prevent), then the whole group is killed."""
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
        return process.returncode, output.decode(errors="replace")
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return None, output.decode(errors="replace")


PROCESSES = {
    "worker": [sys.executable, "-m", "celery", "-A", "console", "worker", "-Q", "default", "--pool", "solo",
               "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "info"],
    "beat": [sys.executable, "-m", "celery", "-A", "console", "beat", "-l", "info"],
    "runserver": [sys.executable, "manage.py", "runserver", "127.0.0.1:0", "--noreload"],
    "wsgi": [sys.executable, "-c", "import console.wsgi"],
    "migrate": [sys.executable, "manage.py", "migrate", "--noinput"],
}


@pytest.mark.parametrize("process", list(PROCESSES))
def test_f5_without_real_keys_web_worker_beat_and_migrate_refuse_to_start(tmp_path, process):
    status, output = run(PROCESSES[process], bare_env(tmp_path), timeout=45)
    assert status not in (None, 0), f"{process} started without keys:\n{output[-2000:]}"
    assert "console.E005" in output and "console.E006" in output, output[-2000:]


def test_f5_the_development_keys_are_refused_too_and_real_keys_start(tmp_path):
    from console.settings import DEV_FIELD_ENCRYPTION_KEY, DEV_SECRET_KEY

    status, output = run(PROCESSES["wsgi"], bare_env(tmp_path, SECRET_KEY=DEV_SECRET_KEY,
                                                     FIELD_ENCRYPTION_KEYS=DEV_FIELD_ENCRYPTION_KEY))
    assert status not in (None, 0) and "console.E005" in output and "console.E006" in output, output[-2000:]
    status, output = run(PROCESSES["wsgi"], bare_env(tmp_path, DEBUG="true"))  # the development path
    assert status == 0, output[-2000:]
    real = {"SECRET_KEY": secrets.token_urlsafe(50), "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    status, output = run(PROCESSES["wsgi"], bare_env(tmp_path, **real))
    assert status == 0, output[-2000:]


def documented_production_settings() -> dict[str, str]:
    """The README's block of production settings (the first one under "## Configuration"), its
    placeholders filled with fresh keys."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Configuration"):]
    block = section[section.index("```") + 3:]
    block = block[block.index("\n") + 1:block.index("```")]
    found = {}
    for line in block.splitlines():
        line = line.split("  #", 1)[0].strip()
        if "=" in line:
            name, value = line.split("=", 1)
            found[name] = value
    assert {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "SECURE_HSTS_SECONDS"} <= set(found), found
    placeholders = {"SECRET_KEY": secrets.token_urlsafe(50), "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    return {name: placeholders[name] if re.fullmatch(r"<.*>", value) else value for name, value in found.items()}


def test_f5_check_deploy_under_the_documented_production_settings_is_clean(tmp_path):
    status, output = run([sys.executable, "manage.py", "check", "--deploy"],
                         bare_env(tmp_path, **documented_production_settings()))
    assert status == 0, output
    assert re.search(r"System check identified no issues \(\d+ silenced\)\.", output), output


def test_f5_https_settings_come_from_the_environment(tmp_path):
    probe = ("from django.conf import settings as s; "
             "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.NUM_PROXIES)")
    status, output = run([sys.executable, "-c", f"import django; django.setup(); {probe}"], bare_env(
        tmp_path, SECURE_HSTS_SECONDS="31536000", SECURE_SSL_REDIRECT="true",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https", NUM_PROXIES="1"))
    assert status == 0, output
    assert output.strip().splitlines()[-1] == "31536000 True ('HTTP_X_FORWARDED_PROTO', 'https') 1"


# --- F6


WHSEC = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # base64 of 24 bytes


@pytest.fixture
def two_target_rule(activated_workspace, owner, fake_http_receiver):
    """A rule with two HTTP targets on the fake receiver (endpoints `a` and `b`), saved through the
    rule service, then given the receiver's signing secret."""
    from notifications.services.rules import rule_create

    urls = [fake_http_receiver.add_endpoint(secret=WHSEC, endpoint_id=name).url + "?token=t" for name in "ab"]
    rule = rule_create(actor=owner, workspace=activated_workspace, name="two-targets", source="model",
                       event_types=["pai:ModelManagement:ModelVersionApproved"],
                       targets=[{"method": "http", "values": {"url": url}} for url in urls])
    for target in rule.targets.all():
        target.secrets = {**target.secrets, "signing_secret": WHSEC}
        target.save(update_fields=["secrets"])
    return rule


def _publish_and_route(workspace, owner):
    from django.db import transaction

    from notifications.services.events import publish
    from notifications.services.routing import event_route
    from workspaces.models import Model

    model = Model.objects.create(workspace=workspace, name="resnet", created_by=owner)
    with transaction.atomic():
        event = publish(workspace=workspace, source="model", type_name="ModelVersionApproved", resource_id="1",
                        resource_name="resnet 1.0", old_status="Pending", new_status="Approved", actor=owner,
                        resource_owner=owner, model=model)
    event_route(event_id=event.pk)
    return event


def test_f6_rotating_secret_key_keeps_every_secret_readable_and_deliveries_going(
        settings, activated_workspace, owner, two_target_rule, fake_http_receiver):
    from notifications.models import Delivery

    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = secrets.token_urlsafe(50), [old_key]
    event = _publish_and_route(activated_workspace, owner)
    assert sorted(Delivery.objects.filter(event=event).values_list("status", flat=True)) == ["succeeded"] * 2
    assert sorted(request.path for request in fake_http_receiver.accepted) == ["/hooks/a", "/hooks/b"]


def test_f6_an_undecryptable_target_gets_a_failed_attempt_and_the_others_are_delivered(
        settings, activated_workspace, owner, two_target_rule, fake_http_receiver):
    from notifications.models import Delivery, DeliveryAttempt, Target

    lost, kept = Target.objects.filter(rule=two_target_rule).order_by("position")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.FIELD_ENCRYPTION_KEYS]
    lost.save()  # now under a key that is about to be lost
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[1:]

    event = _publish_and_route(activated_workspace, owner)  # no exception: the routing completes

    failed = Delivery.objects.get(event=event, target=lost)
    attempt = DeliveryAttempt.objects.get(delivery=failed)
    assert attempt.outcome == "failed" and "cannot be decrypted" in attempt.error
    assert failed.status == Delivery.Status.RETRYING  # the key may come back
    assert Delivery.objects.get(event=event, target=kept).status == Delivery.Status.SUCCEEDED
    assert [request.path for request in fake_http_receiver.requests] == ["/hooks/b"]
