"""(a2) What a user would build instead: a bare Celery task that signs one DingTalk message and POSTs
it, with no database, on the project's own Celery app and settings (same broker, acks_late, prefetch
1, prefork concurrency 2). The worker runs `celery -A benchmarks.bare_app worker -Q bench`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

import requests

from console.celery import app

BARE_TASK = "benchmarks.bare_deliver"
BARE_QUEUE = "bench"

_session = requests.Session()  # one keep-alive connection per pool process


def signed_url(webhook: str, secret: str) -> str:
    timestamp = int(time.time() * 1000)
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return f"{webhook}&timestamp={timestamp}&sign={quote_plus(base64.b64encode(digest))}"


@app.task(name=BARE_TASK, acks_late=True)
def bare_deliver(webhook: str, secret: str, title: str, text: str) -> None:
    body = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    answer = _session.post(signed_url(webhook, secret), json=body, timeout=(3, 10))
    answer.raise_for_status()
    errcode = answer.json().get("errcode")
    if errcode != 0:
        raise RuntimeError(f"DingTalk refused the message: {errcode}")
