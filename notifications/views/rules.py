"""The Create Notice Rule drawer, its HTMX refreshes, Test Connectivity, and the rule row actions.

Thin faces over `notifications.services.rules`: each view finds the workspace through the signed-in
user's account (404 otherwise), calls the service, and re-renders server-side partials of
`notifications/rules/drawer.html`. Full-page fallbacks keep every link and form usable without htmx.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from console.feedback import Confirmation, confirm_render, toast
from notifications.catalog import SOURCES, SOURCES_BY_KEY
from notifications.channels.composer import templates_check
from notifications.forms.rules import RuleEditor, TargetForm
from notifications.selectors.rules import rule_get, rules_for_workspace
from notifications.services import rules as rule_services
from notifications.services.connectivity import connectivity_draft_clean, connectivity_test
from notifications.services.messages import message_preview
from notifications.services.rule_checks import event_bus_for
from notifications.templatetags.notice_rules import rules_section_context
from workspaces.iam.permissions import AccessDenied
from workspaces.tenancy.selectors import event_notifications_tab, workspace_get_for_user

DRAWER = "notifications/rules/drawer.html"
PAGE = "notifications/rules/page.html"  # the Configuration tab with a drawer open


def _render(request, partial: str, context: dict, *, status: int = 200):
    """An HTMX request gets the drawer partial; a plain one the Configuration tab (the one rules
    page) with the drawer open."""
    if request.htmx:
        return render(request, f"{DRAWER}#{partial}", context)
    page = event_notifications_tab(user=request.user, workspace=context["workspace"])
    return render(request, PAGE, {**page, **context, "drawer_partial": f"{DRAWER}#{partial}"}, status=status)


def _done(request, response, message: str):
    """Tell the user what happened: a toast after an htmx action, a message after a redirect."""
    if request.htmx:
        return toast(response, message)
    messages.success(request, message)
    return response


def tab_url(workspace) -> str:
    """Where the rules table lives: the workspace's Event Notification Configuration tab."""
    try:
        return reverse("workspace-event-notifications", kwargs={"workspace_id": workspace.pk})
    except NoReverseMatch:
        return reverse("rule-list", kwargs={"workspace_id": workspace.pk})


def _urls(workspace, rule=None) -> dict:
    ws = {"workspace_id": workspace.pk}
    action = reverse("rule-update", kwargs={**ws, "rule_id": rule.pk}) if rule else reverse("rule-create", kwargs=ws)
    return {
        "action_url": action,
        "refresh_url": reverse("rule-form-refresh", kwargs=ws),
        "test_url": reverse("rule-test-connectivity", kwargs=ws),
        "preview_url": reverse("rule-preview", kwargs=ws),
        "close_url": reverse("rule-drawer-close"),
        "cancel_url": tab_url(workspace),
    }


def _drawer(request, editor: RuleEditor, *, status: int = 200):
    workspace, rule = editor.workspace, editor.rule
    context = {
        "editor": editor,
        "workspace": workspace,
        "rule": rule,
        "title": _("Edit Notice Rule %(name)s") % {"name": rule.name} if rule else _("Create Notice Rule"),
        "sources": SOURCES,
        **_urls(workspace, rule),
    }
    return _render(request, "drawer", context, status=status)


def _section(request, workspace, *, oob: bool = False) -> dict:
    return rules_section_context(user=request.user, workspace=workspace, csrf_token=get_token(request), oob=oob)


def _saved(request, workspace, rule, *, created: bool):
    """After a save: close the drawer (or show the secrets made now, once), refresh the table, and
    say so in a toast."""
    message = f"Notice rule {rule.name} {'created' if created else 'saved'}."
    revealed = [
        {"target": target, "secrets": rule.revealed_secrets[target.pk]}
        for target in rule.targets.all() if target.pk in getattr(rule, "revealed_secrets", {})
    ]
    if not request.htmx and not revealed:
        return _done(request, redirect(tab_url(workspace)), message)
    context = {"workspace": workspace, "rule": rule, "revealed": revealed,
               "close_url": reverse("rule-drawer-close"), "cancel_url": tab_url(workspace)}
    if request.htmx:
        context.update(_section(request, workspace, oob=True))
    return _done(request, _render(request, "saved", context), message)


def _invalid(request, editor: RuleEditor, *, status: int):
    """The drawer again with its errors. For htmx only the form's body is swapped (HX-Retarget), so
    the dialog stays open with the user's focus; console.js then focuses the first error."""
    if not request.htmx:
        return _drawer(request, editor, status=status)
    context = {"editor": editor, "workspace": editor.workspace, "rule": editor.rule, "sources": SOURCES,
               **_urls(editor.workspace, editor.rule)}
    response = render(request, f"{DRAWER}#form_body", context)
    return reswap(retarget(response, "#rule-form-body"), "innerHTML")


def _submit(request, editor: RuleEditor, save, *, created: bool):
    if editor.is_valid():
        try:
            rule = save(**editor.service_kwargs())
        except ValidationError as exc:
            editor.add_service_errors(exc)
        except AccessDenied as exc:
            editor.show_errors = True
            editor.non_field_errors.append(str(exc))
            return _invalid(request, editor, status=403)
        else:
            return _saved(request, editor.workspace, rule, created=created)
    return _invalid(request, editor, status=400)


@login_required
@require_http_methods(["GET"])
def rule_list(request, workspace_id):
    """The rules live on one page, the Configuration tab: this address leads there."""
    workspace = workspace_get_for_user(request.user, workspace_id)
    return redirect(tab_url(workspace))


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request, workspace_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    if request.method == "GET":
        rule_services.rule_create.authorize(request.user, "eventbridge:CreateRule", workspace=workspace)
        editor = RuleEditor.blank(workspace=workspace, actor=request.user)
        try:
            event_bus_for(workspace)  # ServiceNotEnable before a form that could not be saved
        except ValidationError as exc:
            editor.non_field_errors.extend(exc.messages)
        return _drawer(request, editor)
    editor = RuleEditor(request.POST, workspace=workspace, actor=request.user)

    def save(**kwargs):
        return rule_services.rule_create(actor=request.user, workspace=workspace, **kwargs)

    return _submit(request, editor, save, created=True)


@login_required
@require_http_methods(["GET", "POST"])
def rule_update(request, workspace_id, rule_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    rule = rule_get(actor=request.user, workspace=workspace, rule_id=rule_id)
    if request.method == "GET":
        rule_services.rule_update.authorize(request.user, "eventbridge:UpdateRule", rule=rule)
        rule_get.authorize(request.user, "eventbridge:ListTargets", workspace=workspace, rule=rule)  # it shows them
        return _drawer(request, RuleEditor.from_rule(rule, workspace=workspace, actor=request.user))
    editor = RuleEditor(request.POST, workspace=workspace, rule=rule, actor=request.user)

    def save(**kwargs):
        return rule_services.rule_update(actor=request.user, rule=rule, **kwargs)

    return _submit(request, editor, save, created=False)


@login_required
@require_POST
def rule_form_refresh(request, workspace_id):
    """Re-render the drawer's body after a change (source, method, targets, contacts, scope)."""
    workspace = workspace_get_for_user(request.user, workspace_id)
    rules_for_workspace.authorize(request.user, workspace=workspace)
    editor = RuleEditor.refreshed(request.POST, workspace=workspace, actor=request.user)
    context = {"editor": editor, "workspace": workspace, "sources": SOURCES, **_urls(workspace)}
    return render(request, f"{DRAWER}#form_body", context)


def rule_drawer_close(request):
    """Cancel: an empty drawer host."""
    return HttpResponse("")


@login_required
@require_POST
def rule_test_connectivity(request, workspace_id):
    """Send a test message with one target's current values (saved or not) and show the bot's answer."""
    workspace = workspace_get_for_user(request.user, workspace_id)
    key = request.POST.get("_key", "")
    source = SOURCES_BY_KEY.get(request.POST.get("source") or "") or SOURCES[0]
    context = {"key": key if key.isdigit() else "x"}
    try:
        connectivity_test.authorize(request.user, workspace=workspace)
    except AccessDenied as exc:
        return render(request, f"{DRAWER}#connectivity_result", {**context, "errors": [str(exc)]}, status=403)
    if not key.isdigit():
        return render(request, f"{DRAWER}#connectivity_result", {**context, "errors": ["No target to test."]})
    form = TargetForm(request.POST, key=key, source_key=source.key, workspace=workspace)
    method = form.delivery_method
    if not method.supports_test:
        return render(request, f"{DRAWER}#connectivity_result", {**context, "errors": [method.test_disabled_reason]})
    stored = dict(form.saved.secrets) if form.saved is not None else {}
    try:
        cleaned = connectivity_draft_clean(workspace=workspace, method=method, values=form.raw_values(),
                                           stored_secrets=stored)
    except ValidationError as exc:
        labels = {f.name: f.label for f in method.schema.fields}
        errors = [f"{labels.get(name, name)}: {text}" for name, texts in exc.message_dict.items() for text in texts]
        return render(request, f"{DRAWER}#connectivity_result", {**context, "errors": errors})
    event_type, problems = _preview_choice(request.POST, form, source)
    if problems:
        return render(request, f"{DRAWER}#connectivity_result", {**context, "errors": problems})
    result = connectivity_test(actor=request.user, workspace=workspace, method=method.key, config=cleaned.config,
                               secrets=cleaned.secrets, event_type=event_type, settings_=form.message_settings(),
                               use_last_event=not form.preview_example)
    return render(request, f"{DRAWER}#connectivity_result", {**context, "result": result})


def _preview_choice(data, form: TargetForm, source) -> tuple[str, list[str]]:
    """The event type Preview and Test Connectivity render (the one picked, else the rule's first
    chosen, else the source's first), and the problems of the target's templates, by field."""
    chosen = [t for t in data.getlist("event_types") if source.has_type(t)]
    event_type = form.preview_event_type if source.has_type(form.preview_event_type) else (
        chosen[0] if chosen else source.event_types[0].key)
    if not form.delivery_method.templated:
        return event_type, []
    labels = {name: form.fields[name].label for name in ("title_template", "body_template")}
    errors = templates_check(form.message_settings(), chosen or [et.key for et in source.event_types])
    return event_type, [f"{labels[name]}: {text}" for name, texts in errors.items() for text in texts]


@login_required
@require_POST
def rule_preview(request, workspace_id):
    """Render one target's message (saved or not) as its channel will carry it."""
    workspace = workspace_get_for_user(request.user, workspace_id)
    key = request.POST.get("_key", "")
    source = SOURCES_BY_KEY.get(request.POST.get("source") or "") or SOURCES[0]
    if not key.isdigit():
        return render(request, f"{DRAWER}#preview_result", {"errors": ["No target to preview."]})
    form = TargetForm(request.POST, key=key, source_key=source.key, workspace=workspace)
    event_type, problems = _preview_choice(request.POST, form, source)
    if problems:
        return render(request, f"{DRAWER}#preview_result", {"errors": problems})
    try:
        preview = message_preview(actor=request.user, workspace=workspace, method=form.delivery_method.key,
                                  event_type=event_type, settings_=form.message_settings(),
                                  channel=form.preview_channel, use_last_event=not form.preview_example,
                                  message_format=form.data.get(form.add_prefix("format"), ""))
    except AccessDenied as exc:
        return render(request, f"{DRAWER}#preview_result", {"errors": [str(exc)]}, status=403)
    except ValueError as exc:
        return render(request, f"{DRAWER}#preview_result", {"errors": [str(exc)]})
    payload = json.dumps(preview.payload, ensure_ascii=False, indent=2) if preview.payload else ""
    return render(request, f"{DRAWER}#preview_result", {"preview": preview, "payload_json": payload})


def _after_row_action(request, workspace, message: str):
    if request.htmx:
        response = render(request, "notifications/rules/_section.html", _section(request, workspace))
    else:
        response = redirect(tab_url(workspace))
    return _done(request, response, message)


@login_required
@require_POST
def rule_enable(request, workspace_id, rule_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    rule = rule_get(actor=request.user, workspace=workspace, rule_id=rule_id)
    rule_services.rule_enable(actor=request.user, rule=rule)
    return _after_row_action(request, workspace, f"Notice rule {rule.name} enabled.")


@login_required
@require_POST
def rule_disable(request, workspace_id, rule_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    rule = rule_get(actor=request.user, workspace=workspace, rule_id=rule_id)
    rule_services.rule_disable(actor=request.user, rule=rule)
    return _after_row_action(request, workspace, f"Notice rule {rule.name} disabled: its targets get no events "
                                                 "until it is enabled again.")


@login_required
@require_http_methods(["GET", "POST"])
def rule_delete(request, workspace_id, rule_id):
    """GET asks for confirmation (the console's confirmation dialog); POST deletes."""
    workspace = workspace_get_for_user(request.user, workspace_id)
    rule = rule_get(actor=request.user, workspace=workspace, rule_id=rule_id)
    if request.method == "GET":
        count = rule.targets.count()
        url = reverse("rule-delete", kwargs={"workspace_id": workspace.pk, "rule_id": rule.pk})
        return confirm_render(request, Confirmation(
            title="Delete notice rule",
            message=f"Delete the notice rule {rule.name} and its {count} event target{'s' if count != 1 else ''}? "
                    "Events will no longer be sent to them. This cannot be undone.",
            action_url=url, ok_label="Delete", busy_label="Deleting…", cancel_url=tab_url(workspace),
            target="#drawer-host", swap="innerHTML", testid="confirm-delete",
        ))
    name = rule.name
    rule_services.rule_delete(actor=request.user, rule=rule)
    if request.htmx:
        response = render(request, f"{DRAWER}#closed", _section(request, workspace, oob=True))
    else:
        response = redirect(tab_url(workspace))
    return _done(request, response, f"Notice rule {name} deleted.")
