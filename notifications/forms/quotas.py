from django import forms

from notifications.models.rules import MAX_TARGETS_PER_RULE


class QuotaRequestForm(forms.Form):
    # A CharField so that the service words every refusal; the number input brings the number keyboard.
    requested_limit = forms.CharField(label="Target units per rule", required=False,
                                      help_text=f"At most {MAX_TARGETS_PER_RULE}.",
                                      widget=forms.NumberInput(attrs={"min": 1, "max": MAX_TARGETS_PER_RULE,
                                                                      "aria-required": "true"}))
    reason = forms.CharField(label="Reason", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
