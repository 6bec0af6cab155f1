"""The workspaces app's models, defined in its sub-packages (one Django app, one app label): identity
and access (`iam`), tenancy (`tenancy`) and the PAI resources (`pai_resources`)."""

from workspaces.iam.models import AuditLogEntry, Policy, User
from workspaces.pai_resources.models import (
    DlcJob,
    DswInstance,
    EasService,
    EasServiceRevision,
    FlowTask,
    Model,
    ModelVersion,
)
from workspaces.tenancy.models import Account, EventBus, ServiceLinkedRole, Workspace

__all__ = [
    "Account",
    "AuditLogEntry",
    "DlcJob",
    "DswInstance",
    "EasService",
    "EasServiceRevision",
    "EventBus",
    "FlowTask",
    "Model",
    "ModelVersion",
    "Policy",
    "ServiceLinkedRole",
    "User",
    "Workspace",
]
