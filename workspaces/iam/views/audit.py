"""Audit Log: who changed what and when in the account, filtered by user, object and time range.
The filter form re-renders the table with HTMX (and keeps the filters in the address bar)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from console.accounts import account_of
from workspaces.iam.selectors import (
    AuditFilters,
    audit_entries,
    audit_entries_filter,
    audit_object_types,
)
from workspaces.models import User

TEMPLATE = "workspaces/policies/audit.html"
ISO_INPUTS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]
PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    user = forms.CharField(required=False, max_length=150)
    object_type = forms.CharField(required=False, max_length=64)
    object_id = forms.CharField(required=False, max_length=64)
    # ISO dates as every date on the page shows them ("2026-11-30 14:05"), typed as text: a
    # datetime-local picker would show the browser's locale format instead.
    since = forms.DateTimeField(required=False, input_formats=ISO_INPUTS)
    until = forms.DateTimeField(required=False, input_formats=ISO_INPUTS)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("must not be before From"))
        return data


@login_required
@require_GET
def audit_log_view(request):
    entries = audit_entries(actor=request.user)  # authorized before anything else is read
    account = account_of(request.user)
    form = AuditFilterForm(request.GET)
    if form.is_valid():
        entries = audit_entries_filter(entries, AuditFilters(**{k: v for k, v in form.cleaned_data.items() if v}))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "users": User.objects.filter(account=account).order_by("username").values_list("username", flat=True),
        "object_types": audit_object_types(account=account),
    }
    if request.htmx and request.htmx.target == "audit-table":
        return render(request, f"{TEMPLATE}#audit-table", context)
    return render(request, TEMPLATE, context)
