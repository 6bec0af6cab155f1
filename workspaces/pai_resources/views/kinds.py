"""The resource kinds' table, and the pages every kind has in the same shape: its list (with the
Create dialog), its detail page (properties, lifecycle buttons, the form that changes one) and its
status change (a lifecycle button). What truly differs by kind (a job's scheduling, a service's
version, an instance's image, a model's versions) is a field of its row, filled from
`views/kind_details.py` or `views/dsw.py`, and the blocks of its templates.

A new kind is a row here, its list template (columns and a row's cells), its detail template (its
properties and any section of its own) and its routes in `workspaces/pai_resources/urls.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from workspaces.models import DswInstance, FlowTask
from workspaces.pai_resources import selectors
from workspaces.pai_resources.services import dlc, dsw, eas, flow
from workspaces.pai_resources.services.model_registry import model_create
from workspaces.pai_resources.services.transitions import StateConflict, allowed_targets
from workspaces.tenancy.selectors import workspace_get_for_user

from . import kind_details
from .common import action_perform, lifecycle_actions, state_label
from .dsw import dsw_image_actions
from .forms import (
    DlcJobCreateForm,
    EasServiceCreateForm,
    FlowTaskCreateForm,
    ModelCreateForm,
    NamedResourceForm,
    form_add_service_errors,
)


@dataclass(frozen=True)
class ListPage:
    """The words of a kind's list page (templates/workspaces/resources/_list_page.html)."""

    title: str  # the browser tab's ("Deep Learning Containers")
    short: str  # the browser tab's on one's detail page ("DLC")
    section: str  # the heading and the breadcrumb's ("Deep Learning Containers (DLC)")
    route: str  # the list's URL name (the Create dialog posts there)
    dialog: str  # the Create dialog's id
    create_label: str  # the Create button's and the dialog's title
    submit_label: str
    first_label: str  # the button of the empty table
    empty: str  # the empty table's title
    table: str  # the table's data-testid
    columns: int


@dataclass(frozen=True)
class Lifecycle:
    """A kind's status buttons on its detail page, and the service they call (`resource_status`)."""

    route: str  # the URL name of the status change
    change: Callable  # service: (one, status, actor)
    actions: Mapping  # target state -> its button's label (or (label, ...))
    transitions: Mapping  # state -> the states it may move to
    order: Sequence | None = None  # the buttons' order (the model's states); None: the actions' order
    title: str = ""  # the buttons' card heading; "": they sit in the properties' card

    def buttons(self, current: str) -> list[dict]:
        order = list(self.actions) if self.order is None else self.order
        return lifecycle_actions(self.actions, allowed_targets(self.transitions, current, order))


@dataclass(frozen=True)
class DetailForm:
    """The form on a kind's detail page that changes one; it posts to the page itself."""

    build: Callable  # (data or None, workspace, one) -> the form
    save: Callable  # (one, actor, cleaned data) -> the success message; the service's refusals propagate
    title: str = ""  # its card's heading (shown to who may update one); "": the kind's template places it
    submit: str = ""


@dataclass(frozen=True)
class ResourceKind:
    noun: str  # how messages name one ("DLC job")
    detail: str  # the URL name of one's page
    id_kwarg: str  # the id's name in its URLs and its selector ("job_id")
    name: str  # its name in its detail template ("job")
    page: ListPage
    template: str  # the list page's template: its columns and a row's cells
    detail_template: str  # the detail page's template: its properties and sections of its own
    objects: Callable  # selector: (workspace=, actor=) -> the workspace's objects
    get: Callable  # selector: (workspace=, actor=, <id_kwarg>=) -> one
    create: Callable  # service: (workspace=, actor=, **the form's cleaned data) -> the new one
    form: Callable  # (data or None, workspace) -> the Create form
    created: Callable  # the new one -> the success message
    update_action: str = ""  # the RAM action changing one needs (named to a reader without it)
    # The service changing one, asked whether to show the buttons (`.allowed(user, <name>=one)`): the
    # same declaration, so the same ARN, as the change itself (issue 13).
    updates: Callable | None = None
    lifecycle: Lifecycle | None = None  # None: no lifecycle buttons
    detail_form: DetailForm | None = None
    more: Callable | None = None  # (one, the reader) -> more context of its detail template


KINDS: dict[str, ResourceKind] = {
    "model": ResourceKind(
        noun=_("Model"), detail="model-detail", id_kwarg="model_id", name="model",
        template="workspaces/resources/model_list.html", detail_template="workspaces/resources/model_detail.html",
        page=ListPage(_("Models"), _("Models"), _("Models"), "model-list", "create-model",
                      _("Register Model"), _("Register Model"), _("Register your first model"),
                      _("No models registered yet"), "models-table", 5),
        objects=selectors.models_list, get=selectors.model_get, create=model_create,
        form=lambda data, workspace: ModelCreateForm(data),
        created=lambda model: _("Model %(name)s registered.") % {"name": model.name},
        detail_form=DetailForm(kind_details.model_version_form, kind_details.model_version_save),
        more=kind_details.model_versions,
    ),
    "eas": ResourceKind(
        noun=_("EAS service"), detail="eas-service-detail", id_kwarg="service_id", name="service",
        template="workspaces/resources/eas_list.html", detail_template="workspaces/resources/eas_detail.html",
        page=ListPage(_("Elastic Algorithm Service"), _("EAS"), _("Elastic Algorithm Service (EAS)"),
                      "eas-service-list",
                      "deploy-service", _("Deploy Service"), _("Deploy"),
                      _("Deploy your first service"), _("No EAS services yet"), "eas-services-table", 5),
        objects=selectors.eas_services_list,
        get=selectors.eas_service_get, create=eas.eas_service_create,
        form=lambda data, workspace: EasServiceCreateForm(
            data, versions=selectors.model_versions_in_workspace(workspace=workspace)),
        created=lambda service: _("EAS service %(name)s is running.") % {"name": service.name},
        update_action="eas:UpdateService", updates=eas.eas_service_set_status,
        lifecycle=Lifecycle("eas-service-status", lambda service, status, actor: eas.eas_service_set_status(
            service=service, status=status, actor=actor), eas.ACTIONS, eas.TRANSITIONS),
        detail_form=DetailForm(kind_details.eas_switch_form, kind_details.eas_switch_save, _("Switch Version"),
                               _("Switch")),
    ),
    "dlc": ResourceKind(
        noun=_("DLC job"), detail="dlc-job-detail", id_kwarg="job_id", name="job",
        template="workspaces/resources/dlc_list.html", detail_template="workspaces/resources/dlc_detail.html",
        page=ListPage(_("Deep Learning Containers"), _("DLC"), _("Deep Learning Containers (DLC)"),
                      "dlc-job-list",
                      "create-job", _("Create Job"), _("Create Job"), _("Create your first job"),
                      _("No DLC jobs yet"), "dlc-jobs-table", 6),
        objects=selectors.dlc_jobs_list, get=selectors.dlc_job_get, create=dlc.dlc_job_create,
        form=lambda data, workspace: DlcJobCreateForm(data),
        created=lambda job: _("DLC job %(name)s created.") % {"name": job.name},
        update_action="paidlc:UpdateJob", updates=dlc.dlc_job_set_status,
        lifecycle=Lifecycle("dlc-job-status", lambda job, status, actor: dlc.dlc_job_set_status(
            job=job, status=status, actor=actor), dlc.ACTIONS, dlc.TRANSITIONS, title=_("Lifecycle")),
        detail_form=DetailForm(kind_details.dlc_scheduling_form, kind_details.dlc_scheduling_save,
                               _("Scheduling settings"), _("Save")),
    ),
    "dsw": ResourceKind(
        noun=_("DSW instance"), detail="dsw-detail", id_kwarg="instance_id", name="instance",
        template="workspaces/resources/dsw_list.html", detail_template="workspaces/resources/dsw_detail.html",
        page=ListPage(_("Interactive Modeling (DSW)"), _("DSW"), _("Interactive Modeling (DSW)"),
                      "dsw-list",
                      "create-instance", _("Create Instance"), _("Create Instance"),
                      _("Create your first instance"), _("No DSW instances yet"), "dsw-instances-table", 5),
        objects=selectors.dsw_instances_list, get=selectors.dsw_instance_get,
        create=dsw.dsw_instance_create, form=lambda data, workspace: NamedResourceForm(data),
        created=lambda instance: _("DSW instance %(name)s is being created.") % {"name": instance.name},
        update_action="paidsw:UpdateInstance", updates=dsw.dsw_instance_set_status,
        lifecycle=Lifecycle("dsw-status", lambda instance, status, actor: dsw.dsw_instance_set_status(
            instance=instance, status=status, actor=actor), dsw.ACTIONS, dsw.TRANSITIONS,
            DswInstance.Status.values, title=_("Instance status")),
        more=dsw_image_actions,
    ),
    "flow": ResourceKind(
        noun=_("Flow task"), detail="flow-task-detail", id_kwarg="task_id", name="task",
        template="workspaces/resources/flow_list.html", detail_template="workspaces/resources/flow_detail.html",
        page=ListPage(_("Visualized Modeling (Designer)"), _("Designer"),
                      _("Visualized Modeling (Designer)"), "flow-task-list",
                      "create-task", _("Create Task"), _("Create Task"),
                      _("Create your first task"), _("No flow tasks yet"), "flow-tasks-table", 4),
        objects=selectors.flow_tasks_list, get=selectors.flow_task_get, create=flow.flow_task_create,
        form=lambda data, workspace: FlowTaskCreateForm(data, initial={"run": True}),
        created=lambda task: _("Flow task %(name)s created (%(status)s).") % {"name": task.name,
                                                                                "status": state_label(task.status)},
        update_action="paiflow:UpdateRun", updates=flow.flow_task_set_status,
        lifecycle=Lifecycle("flow-task-status", lambda task, status, actor: flow.flow_task_set_status(
            task=task, status=status, actor=actor), flow.ACTIONS, flow.TRANSITIONS, FlowTask.Status.values),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def resource_list(request, workspace_id, kind):
    """A kind's list page; POST creates one (from the Create dialog) and opens its page."""
    kind = KINDS[kind]
    workspace = workspace_get_for_user(request.user, workspace_id)
    objects = kind.objects(workspace=workspace, actor=request.user)
    form = kind.form(request.POST or None, workspace)
    if request.method == "POST" and form.is_valid():
        try:
            created = kind.create(workspace=workspace, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, kind.created(created))
            return redirect(kind.detail, workspace_id=workspace.pk, **{kind.id_kwarg: created.pk})
    can_create = kind.create.allowed(request.user, workspace=workspace)  # the create service's own check
    return render(request, kind.template, {"workspace": workspace, "page": kind.page, "rows": objects, "form": form,
                                           "can_create": can_create})


@login_required
@require_http_methods(["GET", "POST"])
def resource_detail(request, workspace_id, kind, **ids):
    """One's page: its properties, its lifecycle buttons and the form that changes it (POST here)."""
    kind = KINDS[kind]
    workspace = workspace_get_for_user(request.user, workspace_id)
    found = kind.get(workspace=workspace, actor=request.user, **{kind.id_kwarg: ids[kind.id_kwarg]})
    url_kwargs = {"workspace_id": workspace.pk, kind.id_kwarg: found.pk}
    detail_url = reverse(kind.detail, kwargs=url_kwargs)
    form = kind.detail_form.build(request.POST or None, workspace, found) if kind.detail_form else None
    if request.method == "POST":
        if form is None:
            return HttpResponseNotAllowed(["GET"])
        if form.is_valid():
            try:
                message = kind.detail_form.save(found, request.user, form.cleaned_data)
            except ValidationError as error:
                form_add_service_errors(form, error)
            except StateConflict as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, message)
                return redirect(detail_url)
    lifecycle = kind.lifecycle
    return render(request, kind.detail_template, {
        "workspace": workspace, "kind": kind, "page": kind.page, "leaf": found.name, "object": found,
        kind.name: found, "form": form, "detail_url": detail_url,
        "actions": lifecycle.buttons(found.status) if lifecycle else None,
        "status_url": reverse(lifecycle.route, kwargs=url_kwargs) if lifecycle else "",
        "can_update": bool(kind.updates and kind.updates.allowed(request.user, **{kind.name: found})),
        **(kind.more(found, request.user) if kind.more else {}),
    })


@login_required
@require_POST
def resource_status(request, workspace_id, kind, **ids):
    """One lifecycle button: move the object to the POSTed `status`, then back to its page."""
    kind = KINDS[kind]
    workspace = workspace_get_for_user(request.user, workspace_id)
    found = kind.get(workspace=workspace, actor=request.user, **{kind.id_kwarg: ids[kind.id_kwarg]})
    target = request.POST.get("status", "")
    action_perform(request, lambda: kind.lifecycle.change(found, target, request.user),
                   success=_("%(noun)s %(name)s is now %(status)s.") % {"noun": kind.noun, "name": found.name,
                                                                             "status": state_label(target)})
    return redirect(kind.detail, workspace_id=workspace.pk, **{kind.id_kwarg: found.pk})
