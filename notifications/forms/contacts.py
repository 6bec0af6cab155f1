from django import forms

from notifications.services.contacts import MOBILE_HELP


class ContactForm(forms.Form):
    """Name, mobile, email; the contact services validate (the form only carries the input)."""

    name = forms.CharField(label="Name", max_length=200, required=False,
                           widget=forms.TextInput(attrs={"aria-required": "true", "autocomplete": "name"}))
    # Mobile and email: at least one (the service says so); the input types bring the phone's keyboard.
    mobile = forms.CharField(label="Mobile", max_length=64, required=False, help_text=f"Enter {MOBILE_HELP}.",
                             widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
    email = forms.CharField(label="Email", max_length=300, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
