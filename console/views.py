"""Error pages: the API answers in its JSON envelope even for errors raised outside DRF (a path that
matches no route, an unexpected exception); the console keeps Django's HTML pages."""

from django.http import JsonResponse
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"error": {"code": "not_found", "message": "Not found."}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            {"error": {"code": "server_error", "message": "The server failed to answer; the error is logged."}},
            status=500,
        )
    return defaults.server_error(request)
