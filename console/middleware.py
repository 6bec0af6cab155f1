"""The console side of refusals: an `AccessDenied` raised by a console view becomes a 403 page that
names the missing action and resource, and is recorded in the audit log. (The API answers its own
refusals in `console.api.exception_handler`, in the error envelope.)"""

from django.shortcuts import render
from django_htmx.http import trigger_client_event

from workspaces.permissions import ACTIONS, AccessDenied


class AccessDeniedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, AccessDenied):
            return None
        from workspaces.services.audit import access_denied_record

        access_denied_record(actor=getattr(request, "user", None), error=exception, request=request)
        context = {
            "exception": str(exception),
            "action": exception.action,
            "action_label": ACTIONS.get(exception.action, ""),
            "resource": exception.resource,
        }
        if getattr(request, "htmx", False):
            # An HTMX request gets the notice alone (the page asks to show it) rather than a whole page.
            response = render(request, "403.html#refusal", context, status=403)
            return trigger_client_event(response, "accessDenied", {"action": exception.action,
                                                                     "resource": exception.resource})
        return render(request, "403.html", context, status=403)
