"""Reads scoped to the signed-in user's account. Another account's objects do not exist for a user:
404, never 403."""

from django.http import Http404

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
