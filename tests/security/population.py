"""One of every resource a workspace can hold, so that walks and fuzzers meet real rows."""

from __future__ import annotations


def populate_resources(*, workspace, owner) -> dict:
    """Models and versions, an EAS service, a DLC job, a DSW instance, a flow task, a contact and a
    policy. Returns their ids under the URL parameter names the routes use."""
    from notifications.models import Contact
    from workspaces.models import DlcJob, DswInstance, EasService, FlowTask, Model, ModelVersion, Policy

    account = workspace.account
    model = Model.objects.create(workspace=workspace, name="resource-model", created_by=owner)
    pending = ModelVersion.objects.create(model=model, version_name="0.1.0", created_by=owner)
    approved = ModelVersion.objects.create(model=model, version_name="0.0.9", created_by=owner,
                                           approval_status=ModelVersion.ApprovalStatus.APPROVED)
    service = EasService.objects.create(workspace=workspace, name="resource-svc", created_by=owner,
                                        model_version=approved)
    job = DlcJob.objects.create(workspace=workspace, name="train-1", created_by=owner, timeout_minutes=60)
    dsw = DswInstance.objects.create(workspace=workspace, name="notebook-1", created_by=owner)
    flow = FlowTask.objects.create(workspace=workspace, name="pipeline-1", created_by=owner)
    contact = Contact.objects.create(account=account, name="Alice", mobile="13800000000", email="alice@example.com")
    policy = Policy.objects.create(account=account, name="ReadOnly", document={
        "Version": "1", "Statement": [{"Effect": "Allow", "Action": "eventbridge:List*", "Resource": "*"}]})
    return {
        "workspace_id": workspace.pk, "model_id": model.pk, "version_id": pending.pk,
        "version_name": pending.version_name, "service_id": service.pk, "job_id": job.pk, "instance_id": dsw.pk,
        "dsw_id": dsw.pk, "task_id": flow.pk, "flow_task_id": flow.pk, "contact_id": contact.pk,
        "policy_id": policy.pk, "user_id": owner.pk,
    }
