from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ContactForm(forms.Form):
    """Name, mobile, email; the contact services validate (the form only carries the input)."""

    name = forms.CharField(label=pgettext_lazy("contact", "Name"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"aria-required": "true", "autocomplete": "name"}))
    # Mobile and email: at least one (the service says so); the input types bring the phone's keyboard.
    mobile = forms.CharField(label=_("Mobile"), max_length=64, required=False,
                             # The service's MOBILE_HELP (the API's words), as a sentence (tests compare them).
                             help_text=_("Enter an international number in E.164 form (+8613812345678) or an 11-digit "
                                         "Chinese mobile number."),
                             widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
    email = forms.CharField(label=_("Email"), max_length=300, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
