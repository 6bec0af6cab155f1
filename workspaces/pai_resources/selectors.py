"""Reads of the simulated PAI resources, scoped to one workspace (itself looked up through the user's
account) and checked against the reader's policies. Another workspace's object is a 404."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import Http404

from workspaces.iam.operations import DLC_JOBS, DSW_INSTANCES, EAS_SERVICES, FLOW_RUNS, MODELS, Check, operation
from workspaces.models import DlcJob, DswInstance, EasService, EasServiceRevision, FlowTask, Model, ModelVersion


def _in_workspace(workspace=None, model=None, **_) -> dict:
    workspace = workspace if workspace is not None else model.workspace
    return {"account": workspace.account, "workspace": workspace.name}


def _get(queryset, pk, what: str):
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No such {what}") from None


@operation(Check("paimodel:ListModels", MODELS), values=_in_workspace)
def models_list(*, workspace, actor):
    return (Model.objects.filter(workspace=workspace).select_related("created_by")
            .annotate(version_count=Count("versions")).order_by("-created_at", "-id"))


@operation(Check("paimodel:ListModels", MODELS), values=_in_workspace)
def model_get(*, workspace, actor, model_id) -> Model:
    versions = ModelVersion.objects.select_related("created_by").order_by("-created_at", "-id")
    queryset = Model.objects.filter(workspace=workspace).prefetch_related(Prefetch("versions", queryset=versions))
    return _get(queryset, model_id, "model")


@operation(Check("paimodel:ListModels", MODELS), values=_in_workspace)
def model_version_get(*, model: Model, actor, version_id=None, version_name: str | None = None) -> ModelVersion:
    versions = ModelVersion.objects.filter(model=model).select_related("model", "model__workspace", "created_by")
    if version_name is not None:
        version = versions.filter(version_name=version_name).first()
        if version is None:
            raise Http404("No such model version")
        return version
    return _get(versions, version_id, "model version")


def model_versions_in_workspace(*, workspace):
    """Every version of the workspace's models (choices for an EAS service)."""
    return (ModelVersion.objects.filter(model__workspace=workspace).select_related("model")
            .order_by("model__name", "-created_at"))


@operation(Check("eas:ListServices", EAS_SERVICES), values=_in_workspace)
def eas_services_list(*, workspace, actor):
    return (EasService.objects.filter(workspace=workspace)
            .select_related("model_version", "model_version__model", "created_by").order_by("-created_at", "-id"))


@operation(Check("eas:ListServices", EAS_SERVICES), values=_in_workspace)
def eas_service_get(*, workspace, actor, service_id) -> EasService:
    revisions = EasServiceRevision.objects.select_related(
        "model_version", "model_version__model", "previous_version", "previous_version__model"
    )
    queryset = (EasService.objects.filter(workspace=workspace)
                .select_related("model_version", "model_version__model", "workspace", "workspace__account")
                .prefetch_related(Prefetch("revisions", queryset=revisions)))
    return _get(queryset, service_id, "EAS service")


@operation(Check("paidlc:ListJobs", DLC_JOBS), values=_in_workspace)
def dlc_jobs_list(*, workspace, actor):
    return DlcJob.objects.filter(workspace=workspace).select_related("created_by").order_by("-created_at", "-id")


@operation(Check("paidlc:ListJobs", DLC_JOBS), values=_in_workspace)
def dlc_job_get(*, workspace, actor, job_id) -> DlcJob:
    return _get(DlcJob.objects.filter(workspace=workspace).select_related("workspace", "workspace__account"),
                job_id, "DLC job")


@operation(Check("paidsw:ListInstances", DSW_INSTANCES), values=_in_workspace)
def dsw_instances_list(*, workspace, actor):
    return DswInstance.objects.filter(workspace=workspace).select_related("created_by").order_by("-created_at", "-id")


@operation(Check("paidsw:ListInstances", DSW_INSTANCES), values=_in_workspace)
def dsw_instance_get(*, workspace, actor, instance_id) -> DswInstance:
    return _get(DswInstance.objects.filter(workspace=workspace).select_related("workspace", "workspace__account"),
                instance_id, "DSW instance")


@operation(Check("paiflow:ListRuns", FLOW_RUNS), values=_in_workspace)
def flow_tasks_list(*, workspace, actor):
    return FlowTask.objects.filter(workspace=workspace).select_related("created_by").order_by("-created_at", "-id")


@operation(Check("paiflow:ListRuns", FLOW_RUNS), values=_in_workspace)
def flow_task_get(*, workspace, actor, task_id) -> FlowTask:
    return _get(FlowTask.objects.filter(workspace=workspace).select_related("workspace", "workspace__account"),
                task_id, "flow task")
