"""The account settings page's form: the account's message language (the default of new targets)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.channels.default_templates import LANGUAGE_LABELS


class AccountSettingsForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Default message language"), choices=list(LANGUAGE_LABELS.items()),
        help_text=_("The language of the default templates of every target that chooses none, "
                    "new ones included. A target's own choice (in its Message settings) wins."))
