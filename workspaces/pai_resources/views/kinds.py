"""The resource kinds' table, and the pages every kind has in the same shape: its list (with the
Create dialog) and its status change (a lifecycle button). A kind's detail page, which differs by
kind (a job's scheduling, a service's version, an instance's image, a model's versions), stays in
the kind's own module; its title, breadcrumb and heading come from here (`detail_context`).

A new kind is a row here, its list template (columns and a row's cells) and its routes in
`workspaces/pai_resources/urls.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from workspaces.pai_resources import selectors
from workspaces.pai_resources.services.dlc import dlc_job_create, dlc_job_set_status
from workspaces.pai_resources.services.dsw import dsw_instance_create, dsw_instance_set_status
from workspaces.pai_resources.services.eas import eas_service_create, eas_service_set_status
from workspaces.pai_resources.services.flow import flow_task_create, flow_task_set_status
from workspaces.pai_resources.services.model_registry import model_create
from workspaces.tenancy.selectors import workspace_get_for_user

from .common import action_perform
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
class ResourceKind:
    noun: str  # how messages name one ("DLC job")
    detail: str  # the URL name of one's page
    id_kwarg: str  # the id's name in its URLs and its selector ("job_id")
    page: ListPage
    template: str  # the list page's template: its columns and a row's cells
    objects: Callable  # selector: (workspace=, actor=) -> the workspace's objects
    get: Callable  # selector: (workspace=, actor=, <id_kwarg>=) -> one
    create: Callable  # service: (workspace=, actor=, **the form's cleaned data) -> the new one
    form: Callable  # (data or None, workspace) -> the Create form
    created: Callable  # the new one -> the success message
    set_status: Callable | None = None  # service: (one, status, actor); None: no lifecycle buttons


KINDS: dict[str, ResourceKind] = {
    "model": ResourceKind(
        noun="Model", detail="model-detail", id_kwarg="model_id", template="workspaces/resources/model_list.html",
        page=ListPage("Models", "Models", "Models", "model-list", "create-model",
                      "Register Model", "Register Model", "Register your first model", "No models registered yet",
                      "models-table", 5),
        objects=selectors.models_list, get=selectors.model_get, create=model_create,
        form=lambda data, workspace: ModelCreateForm(data),
        created=lambda model: f"Model {model.name} registered.",
    ),
    "eas": ResourceKind(
        noun="EAS service", detail="eas-service-detail", id_kwarg="service_id",
        template="workspaces/resources/eas_list.html",
        page=ListPage("Elastic Algorithm Service", "EAS", "Elastic Algorithm Service (EAS)", "eas-service-list",
                      "deploy-service", "Deploy Service", "Deploy",
                      "Deploy your first service", "No EAS services yet", "eas-services-table", 5),
        objects=selectors.eas_services_list,
        get=selectors.eas_service_get, create=eas_service_create,
        form=lambda data, workspace: EasServiceCreateForm(
            data, versions=selectors.model_versions_in_workspace(workspace=workspace)),
        created=lambda service: f"EAS service {service.name} is running.",
        set_status=lambda service, status, actor: eas_service_set_status(service=service, status=status, actor=actor),
    ),
    "dlc": ResourceKind(
        noun="DLC job", detail="dlc-job-detail", id_kwarg="job_id", template="workspaces/resources/dlc_list.html",
        page=ListPage("Deep Learning Containers", "DLC", "Deep Learning Containers (DLC)", "dlc-job-list",
                      "create-job", "Create Job", "Create Job", "Create your first job",
                      "No DLC jobs yet", "dlc-jobs-table", 6),
        objects=selectors.dlc_jobs_list, get=selectors.dlc_job_get, create=dlc_job_create,
        form=lambda data, workspace: DlcJobCreateForm(data),
        created=lambda job: f"DLC job {job.name} created.",
        set_status=lambda job, status, actor: dlc_job_set_status(job=job, status=status, actor=actor),
    ),
    "dsw": ResourceKind(
        noun="DSW instance", detail="dsw-detail", id_kwarg="instance_id", template="workspaces/resources/dsw_list.html",
        page=ListPage("Interactive Modeling (DSW)", "DSW", "Interactive Modeling (DSW)", "dsw-list",
                      "create-instance", "Create Instance", "Create Instance",
                      "Create your first instance", "No DSW instances yet", "dsw-instances-table", 5),
        objects=selectors.dsw_instances_list, get=selectors.dsw_instance_get,
        create=dsw_instance_create, form=lambda data, workspace: NamedResourceForm(data),
        created=lambda instance: f"DSW instance {instance.name} is being created.",
        set_status=lambda instance, status, actor: dsw_instance_set_status(instance=instance, status=status,
                                                                           actor=actor),
    ),
    "flow": ResourceKind(
        noun="Flow task", detail="flow-task-detail", id_kwarg="task_id", template="workspaces/resources/flow_list.html",
        page=ListPage("Visualized Modeling (Designer)", "Designer", "Visualized Modeling (Designer)", "flow-task-list",
                      "create-task", "Create Task", "Create Task",
                      "Create your first task", "No flow tasks yet", "flow-tasks-table", 4),
        objects=selectors.flow_tasks_list, get=selectors.flow_task_get, create=flow_task_create,
        form=lambda data, workspace: FlowTaskCreateForm(data, initial={"run": True}),
        created=lambda task: f"Flow task {task.name} created ({task.status}).",
        set_status=lambda task, status, actor: flow_task_set_status(task=task, status=status, actor=actor),
    ),
}


# The service whose declaration the detail page's lifecycle buttons ask (issue 13: a button's check builds
# the same ARN as the service it leads to), and the name it takes the object by.
STATUS_OPERATIONS = {"eas": (eas_service_set_status, "service"), "dlc": (dlc_job_set_status, "job"),
                     "dsw": (dsw_instance_set_status, "instance"), "flow": (flow_task_set_status, "task")}


def detail_context(kind: str, found, context: dict, *, user=None) -> dict:
    """A kind's detail page's `context`, with what the shared page (_detail_page.html) needs, and
    `can_update`: whether `user` may change its status (the status service's own check)."""
    extra = {}
    if kind in STATUS_OPERATIONS:
        change, argument = STATUS_OPERATIONS[kind]
        extra["can_update"] = change.allowed(user, **{argument: found})
    return {"page": KINDS[kind].page, "leaf": found.name, **extra, **context}


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
@require_POST
def resource_status(request, workspace_id, kind, **ids):
    """One lifecycle button: move the object to the POSTed `status`, then back to its page."""
    kind = KINDS[kind]
    workspace = workspace_get_for_user(request.user, workspace_id)
    found = kind.get(workspace=workspace, actor=request.user, **{kind.id_kwarg: ids[kind.id_kwarg]})
    target = request.POST.get("status", "")
    action_perform(request, lambda: kind.set_status(found, target, request.user),
                   success=f"{kind.noun} {found.name} is now {target}.")
    return redirect(kind.detail, workspace_id=workspace.pk, **{kind.id_kwarg: found.pk})
