"""AI Asset Management > Models: approve or reject Pending versions (asked first: the change is final
and raises events). Registering models and adding versions are the generic pages of `views/kinds.py`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from workspaces.models import ModelVersion
from workspaces.pai_resources.selectors import model_get, model_version_get
from workspaces.pai_resources.services.model_registry import model_version_set_status
from workspaces.tenancy.selectors import workspace_get_for_user

from .common import action_perform, state_label
from .kind_details import APPROVAL_ACTIONS


def _approval_confirmation(request, workspace, model, version, target: str):
    """Approve and Reject are final and raise events: say so, with the rules and EAS services that
    the events will trigger, before the user commits."""
    from console.feedback import Confirmation
    from notifications.catalog import type_key
    from notifications.selectors.rules import rules_triggered_by

    approving = target == ModelVersion.ApprovalStatus.APPROVED
    names = ["ModelVersionApproved", "ModelVersionStatusChanged"] if approving else ["ModelVersionStatusChanged"]
    triggered = rules_triggered_by(workspace=workspace, event_types=[type_key("model", n) for n in names],
                                   owner_id=version.created_by_id or model.created_by_id, model_id=model.pk)
    words = {"version": version.version_name, "model": model.name}
    lines = [_("Approved is final: the version cannot go back to Pending or change its approval status again.")
             if approving else
             _("Rejected is final: the version cannot go back to Pending or change its approval status again.")]
    if not triggered.bus_ready:
        lines.append(_("EventBridge is not activated for this account, so no notice rule is triggered."))
    elif triggered.rules:
        rules = ", ".join(rule.name for rule in triggered.rules)
        lines.append(_("Notice rules triggered: %(rules)s.") % {"rules": rules})
    else:
        lines.append(_("No enabled notice rule matches these events: nobody is notified."))
    if triggered.eas_services:
        lines.append(_("EAS services switched to this version: %(services)s.") % {
            "services": ", ".join(triggered.eas_services)})
    url = reverse("model-version-status", kwargs={"workspace_id": workspace.pk, "model_id": model.pk,
                                                   "version_id": version.pk})
    return Confirmation(
        title=(_("Approve version %(version)s?") if approving else _("Reject version %(version)s?")) % words,
        message=(_("Approve version %(version)s of model %(model)s. This raises Model Version Approved for Publishing "
                   "and Model Version Status Changed.") if approving else
                 _("Reject version %(version)s of model %(model)s. This raises Model Version Status Changed.")) % words,
        consequences=lines, action_url=url, fields={"approval_status": target},
        ok_label=_("Approve") if approving else _("Reject"),
        busy_label=_("Approving…") if approving else _("Rejecting…"),
        danger=not approving,
        cancel_url=reverse("model-detail", kwargs={"workspace_id": workspace.pk, "model_id": model.pk}),
        testid="confirm-approval",
    )


@login_required
@require_http_methods(["GET", "POST"])
def model_version_status(request, workspace_id, model_id, version_id):
    """GET asks first (the change is final and raises events); POST applies it."""
    workspace = workspace_get_for_user(request.user, workspace_id)
    model = model_get(workspace=workspace, actor=request.user, model_id=model_id)
    version = model_version_get(model=model, actor=request.user, version_id=version_id)
    if request.method == "GET":
        from console.feedback import confirm_render

        target = request.GET.get("approval_status", "")
        if target not in APPROVAL_ACTIONS:
            return redirect("model-detail", workspace_id=workspace.pk, model_id=model.pk)
        return confirm_render(request, _approval_confirmation(request, workspace, model, version, target))
    target = request.POST.get("approval_status", "")
    action_perform(
        request,
        lambda: model_version_set_status(version=version, approval_status=target, actor=request.user),
        success=_("Version %(name)s is now %(status)s.") % {"name": version.version_name,
                                                             "status": state_label(target)},
    )
    return redirect("model-detail", workspace_id=workspace.pk, model_id=model.pk)
