"""Message receiving settings: the account's contacts (list, create, edit, delete)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from console.feedback import Confirmation, confirm_render
from notifications.forms.contacts import ContactForm
from notifications.selectors.rules import contact_get, contact_rules, contacts_visible_to
from notifications.services import contacts as contact_services


def _account(request):
    if request.user.account_id is None:
        raise Http404("No account")
    return request.user.account


def _apply(form: ContactForm, exc: ValidationError) -> None:
    for key, texts in exc.message_dict.items():
        for message in texts:
            form.add_error(key if key in form.fields else None, message)


@login_required
def contact_list(request):
    account = _account(request)
    contacts = contacts_visible_to(actor=request.user, account=account)
    rows = [{"contact": c, "units": len(c.target_links.all())} for c in contacts]
    can_put = contact_services.contact_create.allowed(request.user, account=account)
    return render(request, "notifications/contacts/list.html", {"rows": rows, "can_put": can_put})


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request):
    account = _account(request)
    contact_services.contact_create.authorize(request.user, account=account)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = contact_services.contact_create(actor=request.user, account=account, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Contact %(name)s created.") % {"name": contact.name})
            return redirect("contact-list")
    return render(request, "notifications/contacts/form.html", {"form": form, "title": _("Create Contact")},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def contact_update(request, contact_id):
    account = _account(request)
    contact = contact_get(account=account, contact_id=contact_id)
    contact_services.contact_update.authorize(request.user, contact=contact)
    initial = {"name": contact.name, "mobile": contact.mobile, "email": contact.email}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contact_services.contact_update(actor=request.user, contact=contact, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            name = form.cleaned_data.get("name") or contact.name
            messages.success(request, _("Contact %(name)s saved.") % {"name": name})
            return redirect("contact-list")
    return render(request, "notifications/contacts/form.html",
                  {"form": form, "contact": contact, "title": _("Edit Contact %(name)s") % {"name": contact.name}},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request, contact_id):
    account = _account(request)
    contact = contact_get(account=account, contact_id=contact_id)
    contact_services.contact_delete.authorize(request.user, contact=contact)
    error = ""
    if request.method == "POST":
        name = contact.name
        try:
            contact_services.contact_delete(actor=request.user, contact=contact)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Contact %(name)s deleted.") % {"name": name})
            return redirect("contact-list")
    rules = contact_rules(contact=contact)
    in_use = [_("%(rule)s (workspace %(workspace)s)") % {"rule": rule.name, "workspace": rule.bus.workspace.name}
              for rule in rules]
    confirmation = Confirmation(
        title=_("Delete contact"),
        message=(_("%(name)s is used by these notice rules; remove the contact from them before deleting it:")
                 if in_use else _("Delete the contact %(name)s? This cannot be undone.")) % {"name": contact.name},
        consequences=in_use, action_url=reverse("contact-delete", kwargs={"contact_id": contact.pk}),
        ok_label=_("Delete"), busy_label=_("Deleting…"), cancel_url=reverse("contact-list"),
        error=error, blocked=bool(in_use), testid="confirm-delete-contact",
    )
    return confirm_render(request, confirmation, status=409 if error else 200)
