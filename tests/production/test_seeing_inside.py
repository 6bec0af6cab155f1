"""/healthz, /readyz and /metrics (unauthenticated probes, token- or network-protected metrics), the
admin's System page, queues declared for a worker started without -Q, and Sentry from SENTRY_DSN."""

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from prometheus_client import REGISTRY

from console import queues
from notifications.models import Delivery, Event

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_without_a_session_a_known_host_or_the_database(client):
    # No `db` fixture: pytest-django refuses any database access here, so none happened.
    answer = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")  # a probe names the pod's address
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}
    assert "Set-Cookie" not in answer.headers
    assert client.post("/healthz").status_code == 405


def test_readyz_reports_each_check_and_fails_naming_what_is_wrong(client, db):
    answer = client.get("/readyz/")
    body = answer.json()
    assert body["checks"]["database"] == "ok" and body["checks"]["broker"] == "ok"
    assert set(body["checks"]["queue_depths"]) == set(settings.CELERY_QUEUE_NAMES)
    if queues.broker_can_broadcast():  # Redis, RabbitMQ: nobody answers in a unit test
        assert answer.status_code == 503 and body["status"] == "not ready"
        assert "no worker answered" in body["problems"]
    else:  # the embedded broker cannot ask the workers
        assert answer.status_code == 200 and body["checks"]["workers"].startswith("not checked")


def test_metrics_are_off_until_a_token_or_a_network_is_set(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "", []
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_token(client, settings, db):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    answer = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/plain")
    text = answer.content.decode()
    for name in ("pai_events_total", "pai_delivery_outcomes_total", "pai_delivery_attempt_seconds",
                 "pai_rate_limit_waits_total", "pai_sweeper_runs_total", "pai_deliveries_dead", "pai_queue_depth",
                 "pai_events_unrouted", "pai_broker_up 1.0"):
        assert name in text, name


def test_metrics_from_an_allowed_network(client, settings, db):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "", ["10.0.0.0/8"]
    assert client.get("/metrics").status_code == 401  # the test client is 127.0.0.1
    assert client.get("/metrics", REMOTE_ADDR="10.9.8.7").status_code == 200


def test_events_and_sweeper_runs_are_counted_where_they_happen(activated_workspace, settings):
    from celery.signals import task_postrun

    from console.metrics import sweeper_run_counted
    from tests.notifications.delivery.builders import raise_event

    def sample(name, **labels):
        return REGISTRY.get_sample_value(name, labels) or 0.0

    events = sample("pai_events_total", source="dlc_job", status="published")
    runs = sample("pai_sweeper_runs_total", sweeper="requeue_overdue_deliveries")
    items = sample("pai_sweeper_items_total", sweeper="requeue_overdue_deliveries")
    raise_event(activated_workspace)
    assert sample("pai_events_total", source="dlc_job", status="published") == events + 1
    # What the task_postrun receiver calls in the worker (its signal also closes the test's connection).
    assert any(key[0] == "console.metrics.sweepers" for key, _ in task_postrun.receivers)
    sweeper_run_counted(task_name="notifications.tasks.requeue_overdue_deliveries", result=3)
    sweeper_run_counted(task_name="notifications.tasks.route_event", result=1)  # not a sweeper: not counted
    assert sample("pai_sweeper_runs_total", sweeper="requeue_overdue_deliveries") == runs + 1
    assert sample("pai_sweeper_items_total", sweeper="requeue_overdue_deliveries") == items + 3


def test_the_system_page_shows_the_figures_to_staff_only(client, admin_user, activated_workspace, owner):
    from django.utils import timezone

    event = Event.objects.create(event_id="e1", account=activated_workspace.account, workspace=activated_workspace,
                                 source="dlc_job", type="pai:DLC:JobFailed", envelope={}, status="published",
                                 routed_at=timezone.now())
    for key, status in (("a", "dead"), ("b", "dead"), ("c", "retrying")):
        Delivery.objects.create(event=event, channel="http", status=status, recipient_key=key,
                                deadline_at=timezone.now())
    client.force_login(owner)
    assert client.get("/admin/system/").status_code == 302  # not staff: to the admin login
    client.force_login(admin_user)
    page = client.get("/admin/system/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="dead-total">2<' in html and "http: 2" in html
    assert 'data-testid="active">0 / 1<' in html
    assert "admin-system" not in html and "/admin/system/" in client.get("/admin/").content.decode()


def test_every_queue_is_declared_so_a_worker_without_q_consumes_them_all():
    from console.celery import app

    declared = {queue.name: queue for queue in app.conf.task_queues}
    assert list(declared) == list(settings.CELERY_QUEUE_NAMES)
    for name, queue in declared.items():  # as create_missing_queues would have made them (RabbitMQ agrees)
        assert (queue.exchange.name, queue.routing_key) == (name, name)
    for route in settings.CELERY_TASK_ROUTES.values():
        assert route["queue"] in declared


class _SentryReceiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            import gzip

            body = gzip.decompress(body)
        type(self).received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_sentry_reports_errors_to_the_dsn_when_set(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SentryReceiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dsn = f"http://publickey@127.0.0.1:{server.server_port}/42"
    script = ("import django, logging; django.setup(); import sentry_sdk; "
              "logging.getLogger('notifications.delivery').error('probe from the sentry test'); "
              "sentry_sdk.flush(5)")
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "console.settings", "SENTRY_DSN": dsn,
           "VAR_DIR": str(tmp_path), "SENTRY_ENVIRONMENT": "ci"}
    try:
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr
    finally:
        server.shutdown()
    paths = [path for path, _ in _SentryReceiver.received]
    assert paths and all(path == "/api/42/envelope/" for path in paths), paths
    items = [json.loads(line) for _, body in _SentryReceiver.received for line in body.splitlines() if line.strip()]
    events = [item for item in items if item.get("level") == "error"]
    assert events and events[0]["environment"] == "ci"
    assert "probe from the sentry test" in json.dumps(events[0])


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_are_not_redirected_or_refused_by_the_security_settings(client, settings, db, path):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(path).status_code in (200, 503)


def test_check_warns_when_retry_countdowns_reach_rabbitmqs_consumer_timeout(settings):
    from console.checks import check_rabbitmq_consumer_timeout

    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"
    settings.DELIVERY_RETRY_MAX_SECONDS, settings.CELERY_VISIBILITY_TIMEOUT = 512, 3600
    assert check_rabbitmq_consumer_timeout() == []
    settings.DELIVERY_RETRY_MAX_SECONDS, settings.CELERY_VISIBILITY_TIMEOUT = 2400, 7200
    [warning] = check_rabbitmq_consumer_timeout()
    assert warning.id == "console.W007" and "2400 s" in warning.msg and "1800 s" in warning.msg
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    assert check_rabbitmq_consumer_timeout() == []
