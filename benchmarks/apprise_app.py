"""(a3) What a team would build with the field's standard library: a Celery task that sends one
message with Apprise, no database, on the project's own Celery app and settings (same broker,
acks_late, prefetch 1, prefork concurrency 2). The worker runs `celery -A benchmarks.apprise_app
worker -Q bench-apprise`.

Apprise's DingTalk plugin posts to oapi.dingtalk.com only (its host is fixed in the plugin), so the
task uses Apprise's `json://` plugin, pointed at the bench's fake receiver
(`json://bench:<secret>@127.0.0.1:<port>/apprise/<token>`, HTTP Basic auth checked there), and builds
its Apprise object per message, as the library's documentation shows (`Apprise()`, `add(url)`,
`notify(...)`)."""

from __future__ import annotations

import apprise

from console.celery import app

APPRISE_TASK = "benchmarks.apprise_deliver"
APPRISE_QUEUE = "bench-apprise"


def apprise_url(base: str, secret: str, token: str) -> str:
    """`base` is the fake's http://127.0.0.1:<port>."""
    return f"json://bench:{secret}@{base.removeprefix('http://')}/apprise/{token}"


@app.task(name=APPRISE_TASK, acks_late=True)
def apprise_deliver(url: str, title: str, text: str) -> None:
    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise ValueError("Apprise did not accept the notification URL")
    if not notifier.notify(title=title, body=text, body_format=apprise.NotifyFormat.MARKDOWN):
        raise RuntimeError("Apprise reports the notification as not sent")
