"""Demo resources for a workspace, so that every event type can be driven by hand right away."""

from __future__ import annotations

from django.db import transaction

from workspaces.models import DlcJob, DswInstance, Model

from .dlc import dlc_job_create, dlc_job_set_status
from .dsw import dsw_instance_create, dsw_instance_set_status
from .eas import eas_service_create
from .flow import flow_task_create
from .model_registry import model_create, model_version_create

DEMO_MODEL = "resnet50_classifier"


def demo_resources_create(workspace, *, actor=None) -> dict:
    """A model with an Approved version 1.0.0 and a Pending 1.1.0, a running EAS service on 1.0.0, a
    running DLC job with a 60-minute timeout, a running DSW instance and a running flow task.
    Idempotent: a workspace that already has the demo model is left as it is. Events raised on the
    way (DLC and DSW lifecycle) go through the normal outbox."""
    existing = Model.objects.filter(workspace=workspace, name=DEMO_MODEL).first()
    if existing is not None:
        return {"model": existing, "created": False}
    with transaction.atomic():
        model = model_create(workspace=workspace, name=DEMO_MODEL, description="Image classifier (demo)",
                             actor=actor)
        released = model_version_create(model=model, version_name="1.0.0", approval_status="Approved",
                                         uri="oss://demo-bucket/models/resnet50/1.0.0/", actor=actor)
        pending = model_version_create(model=model, version_name="1.1.0", approval_status="Pending",
                                       uri="oss://demo-bucket/models/resnet50/1.1.0/", actor=actor)
        service = eas_service_create(workspace=workspace, name="resnet50_online", model_version=released,
                                     actor=actor)
        job = dlc_job_create(workspace=workspace, name="resnet50_finetune", timeout_minutes=60, actor=actor)
        for status in (DlcJob.Status.QUEUING, DlcJob.Status.ENV_PREPARING, DlcJob.Status.RUNNING):
            dlc_job_set_status(job=job, status=status, actor=actor)
        instance = dsw_instance_create(workspace=workspace, name="notebook_dev", actor=actor)
        dsw_instance_set_status(instance=instance, status=DswInstance.Status.RUNNING, actor=actor)
        task = flow_task_create(workspace=workspace, name="daily_feature_pipeline", run=True, actor=actor)
    return {"model": model, "pending_version": pending, "eas_service": service, "dlc_job": job,
            "dsw_instance": instance, "flow_task": task, "created": True}
