"""Error pages. The API answers in its JSON envelope even for errors raised outside DRF (a path that
matches no route, an unexpected exception); the console answers with pages in its own layout that
say what happened and offer a way back; an htmx request gets a worded toast instead of a page that
would land inside a drawer or a table."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django_htmx.http import HttpResponseClientRedirect, reswap

from console.feedback import toast
from console.middleware import login_url_for
from console.navigation import back_url


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _htmx_toast(message: str, status: int) -> HttpResponse:
    """An htmx request that failed: nothing swapped, the reason shown as a toast."""
    response = reswap(HttpResponse(status=status), "none")
    return toast(response, message, level="error")


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"error": {"code": "not_found", "message": "Not found."}}, status=404)
    if getattr(request, "htmx", False):
        return _htmx_toast("This object no longer exists (it may have been deleted). Reload the page to see the "
                           "current state.", 404)
    return render(request, "404.html", {"back_url": back_url(request)}, status=404)


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            {"error": {"code": "server_error", "message": "The server failed to answer; the error is logged."}},
            status=500,
        )
    if getattr(request, "htmx", False):
        return _htmx_toast("The console could not complete this request; the error is logged. Try again, or reload "
                           "the page.", 500)
    # Rendered without the request: no context processor (navigation, the user) may touch a database
    # that may be what failed.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def csrf_failure(request, reason=""):
    """A form whose security token no longer matches: mostly a page left open across a sign-out or
    a new sign-in in another tab."""
    signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
    if _is_api(request):
        return JsonResponse({"error": {"code": "csrf_failed", "message": (
            "CSRF verification failed: send the X-CSRFToken header with session authentication, "
            "or use token authentication.")}}, status=403)
    if getattr(request, "htmx", False):
        if not signed_in:
            return HttpResponseClientRedirect(login_url_for(request))
        return _htmx_toast("This page's security token has expired (you may have signed in again in another tab). "
                           "Reload the page, then repeat the action.", 403)
    return render(request, "403_csrf.html", {"back_url": back_url(request), "signed_in": signed_in,
                                             "login_url": login_url_for(request)}, status=403)
