"""CI's second pass runs the console from the production recipe, as the README's Deploy section does:
DEBUG off, `manage.py deploy`, `manage.py create_account` (no demo), then `honcho start` on the
Procfile: gunicorn, a worker for default+events, a worker for the delivery queues, and beat. A
real browser then checks that the CSS and htmx load (hashed, compressed, served by whitenoise) and
creates a notice rule through the drawer. /healthz, /readyz and /metrics are read from outside."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.integration.conftest import database_url
from tests.production.recipe import Honcho, free_port, http_get, manage, recipe_env

pytestmark = [pytest.mark.production, pytest.mark.browser]

OWNER, PASSWORD = "first-owner", "a-long-owner-password-42"
CHROMIUM = Path("/usr/bin/chromium")
METRICS_TOKEN = "scrape-token-for-the-recipe-test"


def requirements_missing() -> str:
    if connection.vendor != "postgresql":
        return "the production recipe runs on PostgreSQL (CI's second pass; DATABASE_URL=postgres://...)"
    if settings.CELERY_BROKER_URL.startswith(("sqla+", "filesystem")):
        return "the production recipe needs a broker server (CELERY_BROKER_URL=redis://... or amqp://...)"
    return ""


@pytest.fixture
def recipe(transactional_db, tmp_path):
    missing = requirements_missing()
    if missing:
        pytest.skip(missing)
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    port = free_port()
    env = recipe_env(database_url=database_url(), broker_url=settings.CELERY_BROKER_URL, var_dir=tmp_path / "var",
                     port=port, METRICS_TOKEN=METRICS_TOKEN)
    honcho = Honcho(env)
    yield honcho, env, f"http://127.0.0.1:{port}"
    honcho.stop()


def test_the_procfile_recipe_serves_css_and_htmx_and_a_first_account_creates_a_rule(recipe, capsys):
    honcho, env, base = recipe
    deployed = manage("deploy", env=env)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert "== migrate" in deployed.stdout and "== collectstatic" in deployed.stdout
    created = manage("create_account", "--alias", "acme", "--owner", OWNER, "--email", "owner@acme.example",
                     "--noinput", env={**env, "ACCOUNT_OWNER_PASSWORD": PASSWORD})
    assert created.returncode == 0, created.stdout + created.stderr
    assert re.search(r"Account acme \(alias acme, uid [1-9]\d{15}\) created with owner first-owner", created.stdout)

    honcho.start()
    honcho.wait_for(lambda: http_get(f"{base}/healthz")[0] == 200, 60, "an answer from gunicorn on /healthz")
    assert "Booting worker" in honcho.text  # gunicorn, not runserver
    # Ready: the database, the broker, both workers answering and every queue consumed.
    ready = honcho.wait_for(lambda: (a := http_get(f"{base}/readyz"))[0] == 200 and json.loads(a[2]), 90, "/readyz 200")
    assert ready["checks"]["unconsumed_queues"] == [] and len(ready["checks"]["workers"]) == 2, ready

    # Chromium in a process of its own: the suite's session browser may be open in this one.
    screenshot = settings.BASE_DIR / "test-artifacts" / "production-recipe-rule.png"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    driven = subprocess.run([sys.executable, str(Path(__file__).with_name("recipe_browser.py")), base, OWNER,
                             PASSWORD, str(screenshot)], capture_output=True, text=True, timeout=180)
    assert driven.returncode == 0, driven.stdout[-3000:] + driven.stderr[-3000:] + honcho.text[-3000:]
    seen = json.loads(driven.stdout.strip().splitlines()[-1])
    css, htmx, responses = seen["css"], seen["htmx"], seen["responses"]
    assert css and htmx, f"hashed CSS and htmx not requested: {sorted(responses)}"
    assert responses[css[0]] == [200, "gzip"] and responses[htmx[0]][0] == 200, responses  # whitenoise's gzip copy
    assert seen["css_rules"] > 0 and seen["htmx_type"] == "object"
    assert "DingTalk notification" in seen["rule_row"]

    from notifications.models import Rule

    assert list(Rule.objects.values_list("name", "bus__account__name")) == [("job-failures", "acme")]
    status, _, body = http_get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert status == 200 and b"pai_queue_depth{queue=\"chat\"}" in body and b"pai_workers 2.0" in body, body[:2000]
    assert http_get(f"{base}/metrics")[0] == 401
    with capsys.disabled():
        print(f"\nproduction recipe: gunicorn + 2 workers + beat from the Procfile; CSS {css[0].rsplit('/', 1)[-1]} "
              f"and htmx {htmx[0].rsplit('/', 1)[-1]} served (200, gzip); rule created in the browser; /readyz "
              f"workers {ready['checks']['workers']}")
