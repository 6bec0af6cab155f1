"""Message receiving settings: the account's contacts (list, create, edit, delete)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from notifications.forms.contacts import ContactForm
from notifications.selectors.rules import contact_arn, contact_get, contact_rules, contacts_visible_to
from notifications.services import contacts as contact_services
from workspaces.iam.permissions import authorize


def _account(request):
    if request.user.account_id is None:
        raise Http404("No account")
    return request.user.account


def _apply(form: ContactForm, exc: ValidationError) -> None:
    for key, messages in exc.message_dict.items():
        for message in messages:
            form.add_error(key if key in form.fields else None, message)


@login_required
def contact_list(request):
    account = _account(request)
    contacts = contacts_visible_to(actor=request.user, account=account)
    rows = [{"contact": c, "units": len(c.target_links.all())} for c in contacts]
    return render(request, "notifications/contacts/list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request):
    account = _account(request)
    authorize(request.user, "cms:PutContact", contact_arn(account))
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact_services.contact_create(actor=request.user, account=account, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            return redirect("contact-list")
    return render(request, "notifications/contacts/form.html", {"form": form, "title": "Create Contact"},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def contact_update(request, contact_id):
    account = _account(request)
    contact = contact_get(account=account, contact_id=contact_id)
    authorize(request.user, "cms:PutContact", contact_arn(account, contact.name))
    initial = {"name": contact.name, "mobile": contact.mobile, "email": contact.email}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contact_services.contact_update(actor=request.user, contact=contact, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            return redirect("contact-list")
    return render(request, "notifications/contacts/form.html",
                  {"form": form, "contact": contact, "title": f"Edit Contact {contact.name}"},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request, contact_id):
    account = _account(request)
    contact = contact_get(account=account, contact_id=contact_id)
    authorize(request.user, "cms:DeleteContact", contact_arn(account, contact.name))
    error = ""
    if request.method == "POST":
        try:
            contact_services.contact_delete(actor=request.user, contact=contact)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("contact-list")
    return render(request, "notifications/contacts/confirm_delete.html",
                  {"contact": contact, "rules": contact_rules(contact=contact), "error": error},
                  status=409 if error else 200)
