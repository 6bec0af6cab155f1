"""Tenancy reads: workspaces scoped to the signed-in user's account (another account's do not exist for a
user: 404, never 403). Where the account stands with EventBridge: `services.eventbridge`, beside the
activation it reports on."""

from django.http import Http404

from workspaces.iam.permissions import arn, authorize
from workspaces.models import Workspace


def workspaces_for_user(user):
    if user is None or not user.is_authenticated or user.account_id is None:
        return Workspace.objects.none()
    return Workspace.objects.filter(account_id=user.account_id).select_related("account")


def workspace_get_for_user(user, pk) -> Workspace:
    try:
        return workspaces_for_user(user).get(pk=int(pk))
    except (Workspace.DoesNotExist, ValueError, TypeError):
        raise Http404("No such workspace") from None


def workspaces_list_authorized(user):
    """The account's workspaces, for a caller allowed `pai:ListWorkspaces`."""
    if user is not None and user.is_authenticated and user.account_id is not None:
        authorize(user, "pai:ListWorkspaces", arn("pai", user.account, "workspace/*"))
    return workspaces_for_user(user)


def workspace_get_authorized(user, pk) -> Workspace:
    """One workspace of the caller's account (404 otherwise), for a caller allowed `pai:GetWorkspace`.
    Pages under a workspace (rules, events, resources) check their own actions instead."""
    workspace = workspace_get_for_user(user, pk)
    authorize(user, "pai:GetWorkspace", arn("pai", workspace.account, f"workspace/{workspace.name}"))
    return workspace
