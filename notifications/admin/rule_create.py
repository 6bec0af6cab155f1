"""The operator's "Add notice rule" page in Django admin: the console drawer's forms (`RuleEditor`: the
rule's fields, "All event types of this source", one target built from its method's schema) for a
workspace the operator picks, saved by the same `rule_create` service (validation, quota, routing keys,
audit). Operators act as the system (they have no account of their own), as in the other admin actions.

"Refresh" redraws the page for the chosen workspace, source and delivery method without saving; a
refused save shows each error under its field and in a message naming the rule; nothing typed is lost."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse

from notifications.forms.rules import RuleEditor
from notifications.services.rules import rule_create
from workspaces.models import Workspace

TARGET_KEY = "0"  # one target: more are added in the console or the API


class WorkspacePickForm(forms.Form):
    workspace = forms.ModelChoiceField(
        label="Workspace", queryset=Workspace.objects.select_related("account").order_by("account__name", "name"),
        help_text="The rule goes on this workspace's event bus. Press Refresh after changing it.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workspace"].label_from_instance = lambda ws: f"{ws.account.name} / {ws.name}"


def _one_target(data: QueryDict) -> QueryDict:
    data = data.copy()
    data.setlist("target_keys", [TARGET_KEY])
    return data


def _editor(request, workspace) -> RuleEditor:
    if request.method != "POST" or request.POST.get("shown_workspace") != str(workspace.pk):
        return RuleEditor.blank(workspace=workspace)  # a workspace just picked: its own models, contacts
    data = _one_target(request.POST)
    if "_save" in request.POST:
        return RuleEditor(data, workspace=workspace)
    data["_op"] = "all_types" if data.get("all_event_types") and not data.getlist("event_types") else ""
    return RuleEditor.refreshed(data, workspace=workspace)


def _refused_message(editor: RuleEditor, name: str) -> str:
    problems = [f"{item['label']}: {item['message']}" if item["label"] else item["message"]
                for item in editor.error_summary()]
    return f"Rule {name or '(no name)'} was not created: " + " ".join(problems)


def rule_add_view(model_admin, request):
    """GET: pick a workspace. POST `_refresh`: redraw. POST `_save`: create through the rule service."""
    picked = request.POST.get("workspace") if request.method == "POST" else request.GET.get("workspace")
    pick = WorkspacePickForm({"workspace": picked} if picked else None)
    workspace = pick.cleaned_data["workspace"] if pick.is_bound and pick.is_valid() else None
    editor = _editor(request, workspace) if workspace is not None else None
    if editor is not None and "_save" in request.POST and editor.is_valid():
        kwargs = editor.service_kwargs()
        try:
            rule = rule_create(actor=None, workspace=workspace, **kwargs)
        except ValidationError as exc:
            editor.add_service_errors(exc)
        else:
            model_admin.message_user(request, f"Rule {rule.name} created on {workspace.name}'s event bus.",
                                     messages.SUCCESS)
            for secret in rule.revealed_secrets.values():
                shown = ", ".join(f"{key}: {value}" for key, value in secret.items())
                model_admin.message_user(request, f"Shown once, copy it now: {shown}", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:notifications_rule_change", args=[rule.pk]))
    if editor is not None and editor.show_errors and editor.error_summary():
        model_admin.message_user(request, _refused_message(editor, request.POST.get("name", "")), messages.ERROR)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Add notice rule",
        "pick": pick,
        "editor": editor,
        "target": editor.targets[0] if editor is not None and editor.targets else None,
    }
    return TemplateResponse(request, "admin/notifications/rule/add_through_service.html", context)
