"""Users and Policies > Policies: the account's RAM policies and the policy editor (write the JSON,
Validate with HTMX, which shows each error at its place, then save). A new policy starts from the
seed's EventBridge policy."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from console.accounts import account_of
from workspaces.iam.selectors import policy_get, policy_get_for_change, policy_list
from workspaces.iam.services.policies import (
    SEED_POLICY_DOCUMENT,
    PolicyDocumentError,
    PolicyInUse,
    policy_create,
    policy_delete,
    policy_update,
    policy_validate,
    policy_validate_authorize,
)
from workspaces.iam.views.users import field_errors

LIST_TEMPLATE = "workspaces/policies/policies.html"
EDITOR_TEMPLATE = "workspaces/policies/editor.html"


def pretty(document) -> str:
    return json.dumps(document, indent=2)


def _excerpt(text: str, line: int | None, column: int | None) -> dict | None:
    """The offending line of the JSON text and a caret under the column, for a syntax error."""
    lines = text.splitlines()
    if not line or line > len(lines):
        return None
    prefix = f"{line} | "
    caret = " " * (len(prefix) + max((column or 1) - 1, 0)) + "^"
    return {"line": line, "text": prefix + lines[line - 1], "caret": caret}


def validation_context(text: str) -> dict:
    """What the Validate button shows: the document's statements, or each problem at its place."""
    try:
        document = policy_validate(text)
    except PolicyDocumentError as error:
        first = error.problems[0]
        return {"valid": False, "problems": error.problems, "excerpt": _excerpt(text, first.line, first.column)}
    statements = document["Statement"]
    return {"valid": True, "statement_count": len(statements),
            "effects": sorted({statement["Effect"] for statement in statements})}


@login_required
@require_GET
def policy_list_view(request):
    account = account_of(request.user)
    policies = list(policy_list(actor=request.user).prefetch_related("users"))
    for policy in policies:  # each row's buttons, asked of the services they lead to
        policy.can_update = policy_update.allowed(request.user, policy=policy)
        policy.can_delete = policy_delete.allowed(request.user, policy=policy)
    return render(request, LIST_TEMPLATE, {
        "policies": policies,
        "account": account,
        "can_create": policy_create.allowed(request.user, account=account),
        "active_tab": "policies",
    })


def _editor(request, *, policy=None, values: dict, errors: dict | None = None, status: int = 200,
            validation: dict | None = None):
    errors = errors or {}
    if validation is None and "document" in errors:
        validation = validation_context(values["document"])  # each problem at its place, as Validate shows
    can_save = (policy_update.allowed(request.user, policy=policy) if policy is not None
                else policy_create.allowed(request.user, account=account_of(request.user)))
    context = {
        "can_save": can_save,
        "validation": validation,
        "policy": policy,
        "values": values,
        "errors": errors,
        "document_problems": errors.get("document", []),
        "active_tab": "policies",
    }
    if request.htmx:
        return render(request, f"{EDITOR_TEMPLATE}#editor-form", context)
    return render(request, EDITOR_TEMPLATE, context, status=status)


def _saved(request, policy, created: bool):
    done = _("Policy %(name)s created.") if created else _("Policy %(name)s saved.")
    messages.success(request, done % {"name": policy.name})
    url = reverse("policy-edit", kwargs={"pk": policy.pk})
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def policy_create_view(request):
    account = account_of(request.user)
    if request.method == "GET":
        policy_create.authorize(request.user, account=account)
        return _editor(request, values={"name": "", "description": "", "document": pretty(SEED_POLICY_DOCUMENT)})
    values = {key: request.POST.get(key, "") for key in ("name", "description", "document")}
    values["name"] = values["name"].strip()
    try:
        policy = policy_create(actor=request.user, account=account, **values)
    except ValidationError as error:
        return _editor(request, values=values, errors=field_errors(error), status=400)
    return _saved(request, policy, created=True)


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit_view(request, pk: int):
    if request.method == "GET":
        policy = policy_get(actor=request.user, pk=pk)
        values = {"name": policy.name, "description": policy.description, "document": pretty(policy.document)}
        return _editor(request, policy=policy, values=values)
    policy = policy_get_for_change(actor=request.user, pk=pk)
    values = {"name": policy.name, "description": request.POST.get("description", ""),
              "document": request.POST.get("document", "")}
    try:
        policy_update(actor=request.user, policy=policy, document=values["document"],
                      description=values["description"])
    except ValidationError as error:
        return _editor(request, policy=policy, values=values, errors=field_errors(error), status=400)
    return _saved(request, policy, created=False)


@login_required
@require_POST
def policy_validate_view(request):
    """HTMX: the validation result under the editor (nothing is saved)."""
    policy_validate_authorize(actor=request.user, account=account_of(request.user))
    context = validation_context(request.POST.get("document", ""))
    if request.htmx:
        return render(request, f"{EDITOR_TEMPLATE}#validation", {"validation": context})
    # Without JavaScript the Validate button posts the whole form here: show the editor again.
    values = {key: request.POST.get(key, "") for key in ("name", "description", "document")}
    policy = None
    if request.POST.get("policy_id", "").isdigit():
        policy = policy_get_for_change(actor=request.user, pk=request.POST["policy_id"])
    return _editor(request, policy=policy, values=values, validation=context)


@login_required
@require_http_methods(["GET", "POST"])
def policy_delete_view(request, pk: int):
    """GET asks first (the console's confirmation dialog); POST deletes."""
    policy = policy_get_for_change(actor=request.user, pk=pk)
    if request.method == "GET":
        from console.feedback import Confirmation, confirm_render

        users = [user.username for user in policy.users.all()]
        return confirm_render(request, Confirmation(
            title=_("Delete policy"),
            message=(_("The policy %(name)s is attached to %(users)s: detach it from them first.")
                     if users else _("Delete the policy %(name)s? This cannot be undone.")) % {
                "name": policy.name, "users": ", ".join(users)},
            action_url=reverse("policy-delete", kwargs={"pk": policy.pk}), ok_label=_("Delete"),
            busy_label=_("Deleting…"), cancel_url=reverse("policy-list"), blocked=bool(users),
            testid="confirm-delete-policy",
        ))
    try:
        policy_delete(actor=request.user, policy=policy)
    except PolicyInUse as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Policy %(name)s deleted.") % {"name": policy.name})
    if request.htmx:
        return HttpResponseClientRedirect(reverse("policy-list"))
    return redirect("policy-list")
