from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.services.contacts import MOBILE_RULE


class ContactForm(forms.Form):
    """Name, mobile, email; the contact services validate (the form only carries the input)."""

    name = forms.CharField(label=pgettext_lazy("contact", "Name"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"aria-required": "true", "autocomplete": "name"}))
    # Mobile and email: at least one (the service says so); the input types bring the phone's keyboard.
    mobile = forms.CharField(label=_("Mobile"), max_length=64, required=False,
                             help_text=_(MOBILE_RULE),  # the service's rule, in the console's language
                             widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
    email = forms.CharField(label=_("Email"), max_length=300, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
