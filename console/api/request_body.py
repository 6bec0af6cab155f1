"""What an API view does with a request's body before its service: the caller's permission first,
then the body validated, with every error as `{field: [message]}` (nested fields as a path)."""

from __future__ import annotations

from rest_framework import serializers

from workspaces.tenancy.selectors import workspace_get_for_user


def flat_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors as the service writes them: {"targets[0].method": ["..."]}, so that
    every error answer has the documented shape {field: [message]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "non_field_errors" and prefix:
                name = prefix
            elif isinstance(key, int) or str(key).isdigit():
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for sub_key, messages in flat_errors(value, name).items():
                flat.setdefault(sub_key, []).extend(messages)
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, item in enumerate(detail):
            if item:
                for sub_key, messages in flat_errors(item, f"{prefix}[{index}]" if prefix else str(index)).items():
                    flat.setdefault(sub_key, []).extend(messages)
    else:
        items = detail if isinstance(detail, list) else [detail]
        flat[prefix or "non_field_errors"] = [str(item) for item in items]
    return flat


def validated(serializer_class, data) -> dict:
    """The serializer's validated data; invalid input is a 400 naming each field by its path."""
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise serializers.ValidationError(flat_errors(serializer.errors))
    return serializer.validated_data


def authorized_input(request, workspace_id, operation, serializer_class):
    """(the URL's workspace, the validated body) for a service `operation` declared with
    `@operation(Check(...))`: another account's workspace is 404, and the caller's permission is
    checked before the body is read, so a caller who may not perform it learns nothing from validation."""
    workspace = workspace_get_for_user(request.user, workspace_id)
    operation.authorize(request.user, workspace=workspace)
    return workspace, validated(serializer_class, request.data)
