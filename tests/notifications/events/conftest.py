import pytest

from tests.factories import event_raised


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The shared fixtures create users with passwords; PBKDF2 costs ~1 s per user on this machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def raise_event(owner):
    """Raise one DLC event in `workspace` through the real publish service."""

    def raise_(workspace, type_name="JobFailed", resource_id=7, **kwargs):
        return event_raised(workspace, type_name=type_name, resource_id=resource_id, resource_name="train_7",
                            actor=owner, owner=owner, console_path="/workspaces/1/dlc-jobs/7/", **kwargs)

    return raise_


@pytest.fixture
def broker_messages():
    """Drain the configured broker's `events` queue: the routing tasks enqueued so far, as event ids.
    `broker_messages(expect=[id])` keeps reading (up to 10 s) until those ids have come."""
    import time

    from console.celery import app

    def drain(expect: list[int] | None = None) -> list[int]:
        found: list[int] = []
        deadline = time.monotonic() + 10
        with app.connection_for_read() as conn, conn.SimpleQueue("events") as queue:
            while True:
                waiting = expect is not None and not set(expect) <= set(found) and time.monotonic() < deadline
                try:
                    message = queue.get(timeout=1.0 if waiting else 0.3)
                except queue.Empty:
                    if waiting:
                        continue
                    return found
                if message.headers.get("task") == "notifications.tasks.route_event":
                    found.append(message.payload[0][0])
                message.ack()

    return drain


@pytest.fixture
def unreachable_broker(monkeypatch):
    """Point the Celery app at a broker nobody listens on (connection refused), then back. Celery
    prefers the CELERY_BROKER_URL environment variable to its configuration: both are switched."""
    import os

    from console.celery import app

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    dead = "redis://127.0.0.1:1/0"
    original_conf, original_env = app.conf.broker_url, os.environ.get("CELERY_BROKER_URL")
    app.conf.broker_url = dead
    if original_env is not None:
        monkeypatch.setenv("CELERY_BROKER_URL", dead)
    reset_pools()
    assert app.connection_for_write().port == 1
    restore = {"done": False}

    def bring_back():
        if not restore["done"]:
            app.conf.broker_url = original_conf
            if original_env is not None:
                monkeypatch.setenv("CELERY_BROKER_URL", original_env)
            reset_pools()
            restore["done"] = True

    yield bring_back
    bring_back()
