"""The console side of refusals.

An `AccessDenied` raised by a console view becomes a 403 page that names the missing action and
resource. Every refusal is recorded in the audit log once: the ones raised out of a view (here, or
by `console.api.exception_handler` for the API) and, for a change or a 403 answer, the ones a view
caught to show the message in place (collected while the request runs, recorded after it, outside
any transaction that the refusal rolled back)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render, resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from console.navigation import back_url
from workspaces.iam.audit import access_denied_record
from workspaces.iam.permissions import ACTIONS, AccessDenied, collect_refusals

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class AccessDeniedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with collect_refusals() as refusals:
            response = self.get_response(request)
        # A page that shows "you may not list rules" in place of a section is not an attempt worth
        # an entry on every view; a refused change, or an answer that is a refusal, is.
        if refusals and (request.method not in SAFE_METHODS or response.status_code == 403):
            self._record(request, refusals)
        return response

    @staticmethod
    def _record(request, refusals: list[AccessDenied]) -> None:
        """The first refusal is the one that stopped the operation; later ones come from drawing the
        answer (a section the user may not see either) and are not attempts of their own."""
        if not any(refusal.recorded for refusal in refusals):
            access_denied_record(actor=getattr(request, "user", None), error=refusals[0], request=request)

    def process_exception(self, request, exception):
        if not isinstance(exception, AccessDenied):
            return None
        access_denied_record(actor=getattr(request, "user", None), error=exception, request=request)
        context = {
            "back_url": back_url(request),
            "exception": str(exception),
            "action": exception.action,
            "action_label": gettext(ACTIONS[exception.action]) if exception.action in ACTIONS else "",
            "resource": exception.resource,
        }
        if getattr(request, "htmx", False):
            # An HTMX request gets the notice alone rather than a whole page, and an event naming
            # the refusal (htmx does not swap a 403 unless the page asks it to).
            response = render(request, "403.html#refusal", context, status=403)
            return trigger_client_event(response, "accessDenied", {"action": exception.action,
                                                                     "resource": exception.resource})
        return render(request, "403.html", context, status=403)


class ApiBodyLimitMiddleware:
    """An API request whose declared body is over DATA_UPLOAD_MAX_MEMORY_SIZE gets 413 in the API's
    error envelope before anything reads it (Django would answer its HTML "Bad Request" page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.path.startswith("/api/") and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return JsonResponse({"error": {
                    "code": "request_too_large",
                    "message": f"The request body is {length} bytes; the limit is {limit} bytes.",
                }}, status=413)
        return self.get_response(request)


def login_url_for(request) -> str:
    """The sign-in page with `next` set to the page the user was on. For an htmx request that is
    the page in the address bar (HX-Current-URL), not the partial that was asked for."""
    next_path = request.get_full_path()
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.current_url:
        parts = urlsplit(htmx.current_url)
        next_path = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_path})}"


class HtmxSessionMiddleware:
    """An htmx request made after the session ended would follow the redirect to the sign-in page
    and swap that whole page into a drawer or a table. Answer it with HX-Redirect instead: htmx
    then loads the sign-in page as a page, with `next` back to where the user was."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (getattr(request, "htmx", False) and response.status_code in (301, 302)
                and urlsplit(response.get("Location", "")).path == resolve_url(settings.LOGIN_URL)):
            return HttpResponseClientRedirect(login_url_for(request))
        return response
