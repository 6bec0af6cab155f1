"""Quotas: the account's target units per rule, the largest rule's use, and increase requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from notifications.forms.quotas import QuotaRequestForm
from notifications.models.rules import DEFAULT_TARGETS_PER_RULE, MAX_TARGETS_PER_RULE
from notifications.selectors.rules import (
    largest_rule_units,
    quota_get,
    quota_limit,
    quota_request_pending,
    quota_requests_for_account,
)
from notifications.services.quotas import quota_request_create


@login_required
@require_http_methods(["GET", "POST"])
def quota_page(request):
    if request.user.account_id is None:
        raise Http404("No account")
    account = request.user.account
    quota_get(actor=request.user, account=account)
    form = QuotaRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = quota_request_create(actor=request.user, account=account, **form.cleaned_data)
        except ValidationError as exc:
            for key, texts in exc.message_dict.items():
                for message in texts:
                    form.add_error(key if key in form.fields else None, message)
        else:
            messages.success(request, _("Quota increase request for %(limit)s target units per rule submitted: an "
                                        "operator decides on it.") % {"limit": created.requested_limit})
            return redirect("quota-page")
    largest, largest_rule = largest_rule_units(account=account)
    return render(request, "notifications/quotas/page.html", {
        "form": form,
        "limit": quota_limit(account=account),
        "default_limit": DEFAULT_TARGETS_PER_RULE,
        "max_limit": MAX_TARGETS_PER_RULE,
        "largest": largest,
        "largest_rule": largest_rule,
        "pending": quota_request_pending(account=account),
        "requests": quota_requests_for_account(account=account)[:50],
    }, status=400 if form.errors else 200)
