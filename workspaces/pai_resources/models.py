"""The PAI resources that raise events. Their state changes go through the services in
`workspaces.pai_resources.services`, which publish the matching events in the same transaction."""

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy

from workspaces.tenancy.models import Workspace


class WorkspaceResource(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=128)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Model(WorkspaceResource):
    """A registered model in AI Asset Management."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="models")
    description = models.CharField(max_length=512, blank=True)

    class Meta(WorkspaceResource.Meta):
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="model_name_unique_in_workspace")]


class ModelVersion(models.Model):
    class ApprovalStatus(models.TextChoices):
        PENDING = "Pending"
        APPROVED = "Approved"
        REJECTED = "Rejected"

    class SourceType(models.TextChoices):
        CUSTOM = "Custom", pgettext_lazy("model source type", "Custom")
        PAIFLOW = "PAIFlow", pgettext_lazy("model source type", "Paiflow")
        TRAINING_SERVICE = "TrainingService", pgettext_lazy("model source type", "Training Service")

    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="versions")
    version_name = models.CharField(max_length=64)
    approval_status = models.CharField(max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    source_type = models.CharField(max_length=32, choices=SourceType.choices, default=SourceType.CUSTOM)
    uri = models.CharField(max_length=512, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["model", "version_name"], name="version_name_unique_in_model")
        ]

    def __str__(self) -> str:
        return f"{self.model.name}:{self.version_name}"


class EasService(WorkspaceResource):
    """A running EAS inference service, bound to a model version."""

    class Status(models.TextChoices):
        RUNNING = "Running"
        STOPPED = "Stopped"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="eas_services")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    model_version = models.ForeignKey(
        ModelVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="eas_services"
    )

    class Meta(WorkspaceResource.Meta):
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="eas_name_unique_in_workspace")]


class EasServiceRevision(models.Model):
    """One switch of an EAS service to a model version (by hand, or by an EAS update target)."""

    service = models.ForeignKey(EasService, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    model_version = models.ForeignKey(ModelVersion, on_delete=models.SET_NULL, null=True, related_name="+")
    previous_version = models.ForeignKey(
        ModelVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=256, blank=True)
    # The delivery that caused it, so that delivering twice switches once.
    delivery_id = models.BigIntegerField(null=True, blank=True)
    remote_response = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="eas_revision_number_unique"),
            models.UniqueConstraint(fields=["service", "delivery_id"], name="eas_revision_once_per_delivery"),
        ]

    def __str__(self) -> str:
        return f"{self.service} revision {self.number}"


class DlcJob(WorkspaceResource):
    class Status(models.TextChoices):
        CREATED = "Created"
        QUEUING = "Queuing"
        BIDDING = "Bidding"
        ENV_PREPARING = "EnvPreparing"
        RUNNING = "Running"
        RESTARTING = "Restarting"
        SUCCEEDED = "Succeeded"
        FAILED = "Failed"
        PREEMPTED = "Preempted"
        STOPPED = "Stopped"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="dlc_jobs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CREATED)
    # Scheduling settings: a job running longer than this raises Job Timeout once.
    timeout_minutes = models.PositiveIntegerField(null=True, blank=True)
    running_since = models.DateTimeField(null=True, blank=True)
    timeout_raised_at = models.DateTimeField(null=True, blank=True)

    class Meta(WorkspaceResource.Meta):
        indexes = [models.Index(fields=["status", "timeout_raised_at"], name="dlc_job_timeout_scan")]


class DswInstance(WorkspaceResource):
    class Status(models.TextChoices):
        CREATING = "Creating"
        RUNNING = "Running"
        STOPPING = "Stopping"
        STOPPED = "Stopped"
        FAILED = "Failed"

    class ImageStatus(models.TextChoices):
        NONE = ""
        SAVING = "Saving"
        SAVED = "Saved"
        SAVE_FAILED = "SaveFailed"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="dsw_instances")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CREATING)
    image_status = models.CharField(max_length=16, choices=ImageStatus.choices, default=ImageStatus.NONE, blank=True)


class FlowTask(WorkspaceResource):
    """A Designer (PAIFlow) pipeline run."""

    class Status(models.TextChoices):
        CREATED = "Created"
        RUNNING = "Running"
        SUCCEEDED = "Succeeded"
        FAILED = "Failed"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="flow_tasks")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CREATED)
