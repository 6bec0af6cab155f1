"""API Tokens: create, rotate or revoke the signed-in user's REST API token. A new key is shown once,
in the answer to the POST that made it; afterwards only masked."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from console.crypto import mask
from workspaces.iam.services.users import api_token_get, api_token_issue, api_token_revoke

TEMPLATE = "workspaces/tokens.html"


@login_required
@require_http_methods(["GET", "POST"])
def token_page(request):
    new_key, notice, status = "", "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("create", "rotate"):
            new_key = api_token_issue(user=request.user).key
            notice = "Copy the token now: it is shown only once."
        elif action == "revoke":
            revoked = api_token_revoke(user=request.user)
            notice = "The token was revoked: requests using it now get 401." if revoked else "There was no token."
        else:
            notice, status = "Unknown action: choose create, rotate or revoke.", 400
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
    response["Cache-Control"] = "no-store"  # the page may hold a fresh key
    return response
