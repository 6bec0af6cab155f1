"""What sign-in throttling (django-axes, settings AXES_*) needs from the project: the client's
address behind NUM_PROXIES proxies, the name a sign-in attempt was for, and the lockout answer (the
console's sign-in page, or the API's error envelope, both 429 with Retry-After)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import JsonResponse
from django.shortcuts import render


def client_address(request) -> str:
    """The client's address as DRF's throttles see it (the same rule, the same NUM_PROXIES): the TCP
    peer when no proxy is configured, else the address the outermost trusted proxy appended to
    X-Forwarded-For. A client cannot choose it by sending the header itself."""
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR", "") or ""
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    proxies = int(getattr(settings, "NUM_PROXIES", 0) or 0)
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote


def attempted_sign_in_name(request, credentials=None) -> str:
    """The sign-in name an attempt was for, as the lockout counts it: sign-in names ignore case."""
    name = (credentials or {}).get("username")
    if name is None and request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        name = data.get("username") if hasattr(data, "get") else None
    return name.strip().lower()[:255] if isinstance(name, str) else ""


def lockout_message() -> str:
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    return (f"Too many failed sign-ins for this user name or from this address: try again in {minutes} "
            f"minute{'s' if minutes != 1 else ''}.")


def lockout_response(request, original_response=None, credentials=None):
    retry_after = str(int(settings.LOGIN_LOCKOUT_MINUTES * 60))
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": {"code": "too_many_sign_in_failures", "message": lockout_message()}},
                                status=429)
    else:
        form = AuthenticationForm(request, initial={"username": attempted_sign_in_name(request, credentials)})
        response = render(request, "registration/login.html",
                          {"form": form, "lockout_message": lockout_message(), "next": request.GET.get("next", "")},
                          status=429)
    response["Retry-After"] = retry_after
    return response
