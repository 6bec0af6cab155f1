"""CI's second pass runs the console from the production recipe, as the README's Deploy section does:
DEBUG off, `manage.py deploy`, `manage.py create_account` (no demo), then `honcho start` on the
Procfile: gunicorn, a worker for default+events, a worker for the delivery queues, and beat. A
real browser then checks that the CSS and htmx load (hashed, compressed, served by whitenoise) and
creates a notice rule through the drawer. /healthz, /readyz and /metrics are read from outside."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from tests.integration.conftest import database_url
from tests.production.recipe import Honcho, free_port, http_get, manage, recipe_env

pytestmark = [pytest.mark.production, pytest.mark.browser]

OWNER, PASSWORD = "first-owner", "a-long-owner-password-42"
DINGTALK_WEBHOOK = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef"
SIGNING_KEY = "SEC0123456789abcdef0123456789abcdef0123456789abcdef"
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
    port = free_port()
    env = recipe_env(database_url=database_url(), broker_url=settings.CELERY_BROKER_URL, var_dir=tmp_path / "var",
                     port=port, METRICS_TOKEN=METRICS_TOKEN)
    honcho = Honcho(env)
    yield honcho, env, f"http://127.0.0.1:{port}"
    honcho.stop()


def test_the_procfile_recipe_serves_css_and_htmx_and_a_first_account_creates_a_rule(recipe, browser, capsys):
    honcho, env, base = recipe
    deployed = manage("deploy", env=env)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert "== migrate" in deployed.stdout and "== collectstatic" in deployed.stdout
    created = manage("create_account", "--alias", "acme", "--owner", OWNER, "--email", "owner@acme.example",
                     "--noinput", env={**env, "ACCOUNT_OWNER_PASSWORD": PASSWORD})
    assert created.returncode == 0, created.stdout + created.stderr
    assert re.search(r"Account acme \(uid [1-9]\d{15}\) created with owner first-owner", created.stdout)

    honcho.start()
    honcho.wait_for(lambda: http_get(f"{base}/healthz")[0] == 200, 60, "an answer from gunicorn on /healthz")
    assert "Booting worker" in honcho.text  # gunicorn, not runserver
    # Ready: the database, the broker, both workers answering and every queue consumed.
    ready = honcho.wait_for(lambda: (a := http_get(f"{base}/readyz"))[0] == 200 and json.loads(a[2]), 90, "/readyz 200")
    assert ready["checks"]["unconsumed_queues"] == [] and len(ready["checks"]["workers"]) == 2, ready

    responses: dict[str, tuple[int, str]] = {}
    context = browser.new_context(viewport={"width": 1366, "height": 860})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("response", lambda r: responses.__setitem__(r.url, (r.status, r.headers.get("content-encoding", ""))))
    try:
        page.goto(f"{base}/login/")
        css = [url for url in responses if re.search(r"/static/console/console\.[0-9a-f]{12}\.css$", url)]
        htmx = [url for url in responses if re.search(r"/static/django_htmx/.*htmx.*\.[0-9a-f]{12}\.js$", url)
                or re.search(r"/static/.*htmx[^/]*\.[0-9a-f]{12}\.js$", url)]
        assert css and htmx, f"hashed CSS and htmx not requested: {sorted(responses)}"
        assert responses[css[0]][0] == 200 and responses[htmx[0]][0] == 200, responses
        assert responses[css[0]][1] == "gzip"  # whitenoise's compressed copy
        assert page.evaluate("() => [...document.styleSheets].some(s => s.cssRules.length > 0)")
        assert page.evaluate("() => typeof window.htmx") == "object"

        page.fill("#id_username", OWNER)
        page.fill("#id_password", PASSWORD)
        page.click("[data-testid=sign-in]")
        page.wait_for_url(lambda url: "/login/" not in url)
        page.fill("#id_name", "first_workspace")
        page.get_by_test_id("create-workspace").click()
        page.get_by_role("link", name="first_workspace").first.click()
        page.get_by_test_id("tab-configuration").click()
        page.get_by_role("button", name="Activate for Free").click()
        page.get_by_role("button", name="Grant Access").click()
        page.get_by_test_id("create-notice-rule").click()
        drawer = page.get_by_test_id("rule-drawer")
        expect(drawer).to_be_visible()
        drawer.get_by_test_id("event-source").select_option(label="DLC job")
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
        drawer.get_by_test_id("rule-name").fill("job-failures")
        drawer.get_by_label("Job Failed").check()
        drawer.get_by_label("Webhook").fill(DINGTALK_WEBHOOK)
        drawer.get_by_label("Signing Key").fill(SIGNING_KEY)
        drawer.get_by_test_id("rule-ok").click()
        expect(page.get_by_test_id("rule-drawer")).to_have_count(0)
        expect(page.get_by_test_id("rule-row").filter(has_text="job-failures")).to_contain_text("DingTalk notification")
        page.screenshot(path=str(settings.BASE_DIR / "test-artifacts" / "production-recipe-rule.png"), full_page=True)
    finally:
        context.close()

    from notifications.models import Rule

    assert list(Rule.objects.values_list("name", "bus__account__name")) == [("job-failures", "acme")]
    status, _, body = http_get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert status == 200 and b"pai_queue_depth{queue=\"chat\"}" in body and b"pai_workers 2.0" in body, body[:2000]
    assert http_get(f"{base}/metrics")[0] == 401
    with capsys.disabled():
        print(f"\nproduction recipe: gunicorn + 2 workers + beat from the Procfile; CSS {css[0].rsplit('/', 1)[-1]} "
              f"and htmx {htmx[0].rsplit('/', 1)[-1]} served (200, gzip); rule created in the browser; /readyz "
              f"workers {ready['checks']['workers']}")
