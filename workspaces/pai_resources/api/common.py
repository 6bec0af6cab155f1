"""What the resource endpoints share: the workspace from the URL (404 for another account's), and a
refused state change as 409 Conflict."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from rest_framework import serializers

from console.api import Conflict
from console.api import serializers as api_serializers
from workspaces.models import ModelVersion
from workspaces.pai_resources.services.transitions import StateConflict
from workspaces.tenancy.selectors import workspace_get_for_user

T = TypeVar("T")


class WorkspaceScoped:
    """A view mixin: `self.workspace` is the URL's workspace, looked up through the user's account."""

    @property
    def workspace(self):
        if not hasattr(self, "_workspace"):
            self._workspace = workspace_get_for_user(self.request.user, self.kwargs["workspace_id"])
        return self._workspace


def requested_name(request) -> str:
    """The `name` a create request asks for, before validation ("*" when absent or not a string)."""
    name = request.data.get("name") if hasattr(request.data, "get") else None
    return name if isinstance(name, str) and name else "*"


def state_change(change: Callable[[], T]) -> T:
    """Run a service state change; a refusal becomes 409 with the service's message."""
    try:
        return change()
    except StateConflict as refusal:
        raise Conflict(str(refusal), current=refusal.current, allowed=refusal.allowed) from None


def model_version_in_workspace(workspace, version_id, field: str = "model_version_id") -> ModelVersion:
    version = (ModelVersion.objects.filter(model__workspace=workspace, pk=version_id)
               .select_related("model", "model__workspace").first())
    if version is None:
        raise ValidationError({field: [f"No model version {version_id} in workspace {workspace.name}."]})
    return version


class UsernameField(serializers.CharField):
    """A user as their username (null for the system)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value.get_username() if value is not None else None

    def get_attribute(self, instance):
        return getattr(instance, self.source_attrs[0], None) if self.source_attrs else None



class ResourceSerializer(api_serializers.ModelSerializer):
    # A resource of a workspace: its workspace by id, its creator by username (a comment: the schema
    # shows docstrings, and each kind's serializer has its own).
    created_by = UsernameField()
    workspace_id = serializers.IntegerField(read_only=True)
