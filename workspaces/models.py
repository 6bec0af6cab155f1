from .accounts import Account, Policy, User
from .audit import AuditLogEntry
from .resources import (
    DlcJob,
    DswInstance,
    EasService,
    EasServiceRevision,
    FlowTask,
    Model,
    ModelVersion,
)
from .workspaces import EventBus, ServiceLinkedRole, Workspace

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
