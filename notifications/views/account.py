"""Account settings for the account's administrators: the default message language of targets.
(The console's own language is each user's choice, in the user menu.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from notifications.channels.default_templates import LANGUAGE_LABELS
from notifications.forms.account import AccountSettingsForm
from notifications.services.messages import account_message_language, account_settings_update


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    if request.user.account_id is None:
        raise Http404("No account")
    account = request.user.account
    account_settings_update.authorize(request.user, account=account)  # the page is for who may change it
    current = account_message_language(account)
    form = AccountSettingsForm(request.POST or None, initial={"language": current})
    if request.method == "POST" and form.is_valid():
        saved = account_settings_update(actor=request.user, account=account, language=form.cleaned_data["language"])
        messages.success(request, _("Default message language saved: %(language)s.")
                         % {"language": LANGUAGE_LABELS[saved.language]})
        return redirect("account-settings")
    return render(request, "notifications/account/settings.html", {"form": form, "current": current},
                  status=400 if form.errors else 200)
