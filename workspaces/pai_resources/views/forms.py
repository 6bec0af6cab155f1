"""Forms of the resource pages. They only shape input; the services validate and decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from workspaces.models import ModelVersion
from workspaces.pai_resources.services.dlc import MAX_TIMEOUT_MINUTES


def form_add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError under the field that caused it (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ModelCreateForm(forms.Form):
    name = forms.CharField(max_length=128, label=_("Name"),
                           help_text=_("Letters, digits, dots, hyphens and underscores."))
    description = forms.CharField(max_length=512, required=False, label=_("Description"))


class ModelVersionCreateForm(forms.Form):
    version_name = forms.CharField(max_length=64, label=_("Version"), help_text=_("For example 1.0.0"))
    approval_status = forms.ChoiceField(
        label=_("Version Approval Status"),
        choices=[(ModelVersion.ApprovalStatus.PENDING, _("Pending")),
                 (ModelVersion.ApprovalStatus.APPROVED, _("Approved"))],
        initial=ModelVersion.ApprovalStatus.PENDING,
    )
    # The model's choices (their English labels), translated.
    source_type = forms.ChoiceField(choices=ModelVersion.SourceType.choices, initial=ModelVersion.SourceType.CUSTOM,
                                    label=_("Source type"))
    uri = forms.CharField(max_length=512, required=False, label=_("Model URI"), help_text=_("e.g. oss://bucket/path/"))


class ModelVersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.model.name}:{obj.version_name} ({pgettext('resource status', obj.approval_status)})"


class EasServiceCreateForm(forms.Form):
    name = forms.CharField(max_length=128, label=_("Service name"))
    model_version = ModelVersionChoiceField(queryset=ModelVersion.objects.none(), label=_("Model version"))

    def __init__(self, *args, versions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model_version"].queryset = versions if versions is not None else ModelVersion.objects.none()


class EasSwitchVersionForm(forms.Form):
    model_version = ModelVersionChoiceField(queryset=ModelVersion.objects.none(), label=_("Model version"))
    reason = forms.CharField(max_length=256, required=False, initial="Switched by hand", label=_("Reason"))

    def __init__(self, *args, versions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model_version"].queryset = versions if versions is not None else ModelVersion.objects.none()


class TimeoutField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, max_value=MAX_TIMEOUT_MINUTES, label=_("Timeout (minutes)"),
                         help_text=_("Job Timeout is raised once when the job runs longer. Empty: no timeout."),
                         **kwargs)


class DlcJobCreateForm(forms.Form):
    name = forms.CharField(max_length=128, label=_("Job name"))
    timeout_minutes = TimeoutField()


class DlcSchedulingForm(forms.Form):
    timeout_minutes = TimeoutField()


class NamedResourceForm(forms.Form):
    name = forms.CharField(max_length=128, label=_("Name"))


class FlowTaskCreateForm(forms.Form):
    name = forms.CharField(max_length=128, label=_("Task name"))
    run = forms.BooleanField(required=False, initial=True, label=_("Run now"))
