from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from notifications.models.rules import MAX_TARGETS_PER_RULE


class QuotaRequestForm(forms.Form):
    # A CharField so that the service words every refusal; the number input brings the number keyboard.
    requested_limit = forms.CharField(label=_("Target units per rule"), required=False,
                                      help_text=format_lazy(_("At most {limit}."), limit=MAX_TARGETS_PER_RULE),
                                      widget=forms.NumberInput(attrs={"min": 1, "max": MAX_TARGETS_PER_RULE,
                                                                      "aria-required": "true"}))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
