"""API Tokens: create, rotate or revoke the signed-in user's REST API token. A new key is shown once,
in the answer to the POST that made it; afterwards only masked. Rotate and revoke break the programs
using the current token, so they ask first (the console's confirmation dialog)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from console.crypto import mask
from console.feedback import Confirmation, close_dialog, confirm_render, toast
from workspaces.iam.services.users import api_token_get, api_token_issue, api_token_revoke

TEMPLATE = "workspaces/tokens.html"

CONFIRMATIONS = {
    "rotate": {
        "title": gettext_lazy("Rotate the API token?"),
        "message": gettext_lazy("A new token replaces the current one, which stops working at once: programs using "
                                "it get 401 until they use the new token. The new token is shown only once."),
        "ok_label": gettext_lazy("Rotate token"), "busy_label": gettext_lazy("Rotating…"),
    },
    "revoke": {
        "title": gettext_lazy("Revoke the API token?"),
        "message": gettext_lazy("The token stops working at once: programs using it get 401. You can create a new "
                                "token later."),
        "ok_label": gettext_lazy("Revoke"), "busy_label": gettext_lazy("Revoking…"),
    },
}


def _confirmation(action: str) -> Confirmation:
    url = reverse("token-page")
    return Confirmation(**CONFIRMATIONS[action], action_url=url, cancel_url=url, fields={"action": action},
                        target="#token-panel", testid=f"confirm-{action}")


@login_required
@require_http_methods(["GET", "POST"])
def token_page(request):
    if request.method == "GET" and request.GET.get("confirm") in CONFIRMATIONS:
        return confirm_render(request, _confirmation(request.GET["confirm"]))
    new_key, notice, status, done = "", "", 200, ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("create", "rotate"):
            new_key = api_token_issue(user=request.user).key
            notice = _("Copy the token now: it is shown only once.")
            done = (_("API token created.") if action == "create"
                    else _("API token rotated: the previous token no longer works."))
        elif action == "revoke":
            revoked = api_token_revoke(user=request.user)
            notice = _("The token was revoked: requests using it now get 401.") if revoked else _("There was no token.")
            done = _("API token revoked.") if revoked else ""
        else:
            notice, status = _("Unknown action: choose create, rotate or revoke."), 400
    token = api_token_get(user=request.user)
    context = {
        "token": token,
        "token_masked": mask(token.key) if token else "",
        "new_key": new_key,
        "notice": notice,
        "status_error": status != 200,
    }
    template = f"{TEMPLATE}#token-panel" if request.htmx else TEMPLATE
    response = render(request, template, context, status=200 if request.htmx else status)
    if request.htmx and request.method == "POST":
        close_dialog(response)
        if done:
            toast(response, done)
    response["Cache-Control"] = "no-store"  # the page may hold a fresh key
    return response
