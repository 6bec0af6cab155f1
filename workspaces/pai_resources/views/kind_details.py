"""What truly differs between the kinds' detail pages, used by their rows in `views/kinds.py`: the
form that changes one (a DLC job's scheduling, an EAS service's version, a model's new version),
and a model's version rows. Each `save` runs the service and returns the success message."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workspaces.models import ModelVersion
from workspaces.pai_resources.selectors import model_versions_in_workspace
from workspaces.pai_resources.services.dlc import dlc_job_set_timeout
from workspaces.pai_resources.services.eas import eas_service_switch_version
from workspaces.pai_resources.services.model_registry import (
    ANY_VERSION,
    APPROVAL_TRANSITIONS,
    model_version_create,
    model_version_set_status,
)

from .common import state_label
from .forms import DlcSchedulingForm, EasSwitchVersionForm, ModelVersionCreateForm

# The buttons of a version row: target state -> label.
APPROVAL_ACTIONS = {ModelVersion.ApprovalStatus.APPROVED: gettext_lazy("Approve"),
                    ModelVersion.ApprovalStatus.REJECTED: gettext_lazy("Reject")}


def dlc_scheduling_form(data, workspace, job):
    return DlcSchedulingForm(data, initial={"timeout_minutes": job.timeout_minutes})


def dlc_scheduling_save(job, actor, cleaned: dict) -> str:
    dlc_job_set_timeout(job=job, timeout_minutes=cleaned["timeout_minutes"], actor=actor)
    return _("Scheduling settings saved.")


def eas_switch_form(data, workspace, service):
    return EasSwitchVersionForm(data, versions=model_versions_in_workspace(workspace=workspace),
                                initial={"model_version": service.model_version_id})


def eas_switch_save(service, actor, cleaned: dict) -> str:
    revision = eas_service_switch_version(service=service, actor=actor, model_version=cleaned["model_version"],
                                          reason=cleaned["reason"] or "Switched by hand")
    return _("Revision %(number)s: %(service)s now serves %(version)s.") % {
        "number": revision.number, "service": service.name, "version": revision.model_version}


def model_version_form(data, workspace, model):
    return ModelVersionCreateForm(data)


def model_version_save(model, actor, cleaned: dict) -> str:
    version = model_version_create(model=model, actor=actor, **cleaned)
    return _("Version %(name)s added as %(status)s.") % {"name": version.version_name,
                                                         "status": state_label(version.approval_status)}


def model_versions(model, user) -> dict:
    """A model's version rows, each with the approval buttons its state allows. The buttons ask the
    services' own declarations: a version's Approve and Reject that version's ARN (not `version/*`),
    Add Version any version of the model."""
    return {"versions": [
        {"version": version, "can_decide": model_version_set_status.allowed(user, version=version), "actions": [
            {"status": status, "label": label} for status, label in APPROVAL_ACTIONS.items()
            if status in APPROVAL_TRANSITIONS.get(version.approval_status, ())
        ]}
        for version in model.versions.all()
    ], "can_add": model_version_create.allowed(user, model=model, version_name=ANY_VERSION)}
