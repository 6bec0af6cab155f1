"""/healthz, /readyz and /metrics, answered by the first middleware: no session, no user, no host
check (a probe names the pod's address), no HTTPS redirect.

- `/healthz`: the process answers (liveness). Touches nothing else.
- `/readyz`: the database answers `SELECT 1`, the broker accepts a connection and reports its queue
  depths, a worker answers, and every queue of settings.CELERY_QUEUE_NAMES has a consumer (503
  naming what is wrong otherwise). The workers are asked at most every READINESS_CACHE_SECONDS.
- `/metrics`: Prometheus text (console/metrics.py) for a request with `Authorization: Bearer
  <METRICS_TOKEN>` or from METRICS_ALLOWED_NETWORKS; off (404) when neither is set.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare

from console import queues

HEALTH_PATHS = ("/healthz", "/readyz", "/metrics")


def readiness() -> tuple[bool, dict]:
    """(ready, what was checked): each check's answer, and the list of problems."""
    problems: list[str] = []
    checks: dict = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unreachable ({exc.__class__.__name__})"
        problems.append("the database does not answer")
    try:
        checks["queue_depths"] = queues.queue_depths()
        checks["broker"] = "ok"
    except Exception as exc:
        checks["broker"] = f"unreachable ({exc.__class__.__name__})"
        problems.append("the broker does not answer")
    if checks.get("broker") == "ok":
        try:
            view = queues.workers_view_cached()
        except Exception as exc:
            view = None
            checks["workers"] = f"not asked ({exc.__class__.__name__})"
            problems.append("the workers could not be asked")
        if view is not None and not view.answered:
            checks["workers"] = "not checked: the embedded broker cannot ask workers"
        elif view is not None:
            checks["workers"] = sorted(view.workers)
            unconsumed = view.unconsumed()
            checks["unconsumed_queues"] = unconsumed
            if not view.workers:
                problems.append("no worker answered")
            elif unconsumed:
                problems.append(f"no worker consumes queue{'s' if len(unconsumed) > 1 else ''} "
                                f"{', '.join(unconsumed)}")
    return not problems, {"checks": checks, "problems": problems}


def metrics_access(request) -> str:
    """"allowed", "refused", or "off" (no token and no network configured)."""
    token, networks = settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS
    if not token and not networks:
        return "off"
    if token and constant_time_compare(request.META.get("HTTP_AUTHORIZATION", ""), f"Bearer {token}"):
        return "allowed"
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return "refused"
    if any(address in ipaddress.ip_network(network, strict=False) for network in networks):
        return "allowed"
    return "refused"


def metrics_response(request) -> HttpResponse:
    access = metrics_access(request)
    if access == "off":
        return HttpResponse("metrics are off: set METRICS_TOKEN or METRICS_ALLOWED_NETWORKS\n", status=404,
                            content_type="text/plain")
    if access == "refused":
        response = HttpResponse("send Authorization: Bearer <METRICS_TOKEN>\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    from prometheus_client import CONTENT_TYPE_LATEST

    from console.system import metrics_exposition

    return HttpResponse(metrics_exposition(), content_type=CONTENT_TYPE_LATEST)


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/")
        if path not in HEALTH_PATHS:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        if path == "/healthz":
            return JsonResponse({"status": "ok"})
        if path == "/readyz":
            ready, details = readiness()
            return JsonResponse({"status": "ready" if ready else "not ready", **details}, status=200 if ready else 503)
        return metrics_response(request)
