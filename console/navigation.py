"""The console's layout data: the left navigation (grouped as PAI groups it), the workspace switcher
and the account menu.

A link is shown only when its page would open for the user: each entry names the action (and the
resource, as an ARN built from the workspace or the account) that the page's view authorizes first.
A developer without `cms:DescribeContactList` does not see Message Receiving Settings; an operator,
who belongs to no account, sees only what needs none. Links whose route does not exist are left out
rather than breaking a page."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from workspaces.iam import permissions
from workspaces.tenancy.bus import bus_arn
from workspaces.tenancy.selectors import workspaces_for_user

# (label, url name, action, resource path inside the workspace: ARN of `<service>:...:workspace/<ws>/<path>`)
WORKSPACE_NAV = (
    (_("Model Development and Training"), (
        (_("Interactive Modeling (DSW)"), "dsw-list", "paidsw:ListInstances", "instance/*"),
        (_("Visualized Modeling (Designer)"), "flow-task-list", "paiflow:ListRuns", "pipelinerun/*"),
        (_("Deep Learning Containers (DLC)"), "dlc-job-list", "paidlc:ListJobs", "job/*"),
    )),
    (_("Model Deployment"), (
        (_("Elastic Algorithm Service (EAS)"), "eas-service-list", "eas:ListServices", "service/*"),
    )),
    (_("AI Asset Management"), (
        (_("Models"), "model-list", "paimodel:ListModels", "model/*"),
    )),
    (_("Workspace"), (
        (_("Workspace Details"), "workspace-detail", "pai:GetWorkspace", None),
        (_("Event Notification Configuration"), "workspace-event-notifications", None, None),
        (_("Event Log"), "event-log", "eventbridge:QueryEvent", "bus"),
    )),
)


def _account_arns() -> dict[str, Callable]:
    """Each account page's (action, resource) as its view authorizes it."""
    arn = permissions.account_arn
    return {
        "contact-list": lambda a: ("cms:DescribeContactList", arn("cms", a, "contact/*")),
        "quota-page": lambda a: ("quotas:ListProductQuotas", arn("quotas", a, "quota/eventbridge/targets-per-rule")),
        "usage-page": lambda a: ("bss:QueryBill", arn("bss", a)),
        "user-list": lambda a: ("ram:ListUsers", permissions.user_arn(a)),
        "audit-log": lambda a: ("actiontrail:LookupEvents", permissions.audit_arn(a)),
        "account-settings": lambda a: ("pai:UpdateAccountSettings", arn("pai", a, "settings/account")),
    }


ACCOUNT_NAV = (
    (_("Message Receiving Settings"), "contact-list"),
    (_("Quotas"), "quota-page"),
    (_("Usage and Billing"), "usage-page"),
    (_("Users and Policies"), "user-list"),
    (_("Audit Log"), "audit-log"),
    (_("Account Settings"), "account-settings"),
    (_("API Tokens"), "token-page"),  # every signed-in user's own token: nothing to authorize
)


SWITCHER_LIMIT = 30


def back_url(request) -> str:
    """Where "Back" goes: the page the user came from when it is one of ours, else nothing."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        parts = urlsplit(referer)
        if parts.path != request.path or request.method != "GET":  # a refused POST: back to its form
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return ""


def _url(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _workspace_link_allowed(user, workspace, action: str | None, path: str | None) -> bool:
    if action is None:
        return True
    if path == "bus":
        resource = bus_arn(workspace)
    elif path is None:
        resource = permissions.arn("pai", workspace.account, f"workspace/{workspace.name}")
    else:
        resource = permissions.workspace_arn(action.split(":", 1)[0], workspace, path)
    return permissions.is_allowed(user, action, resource)


def workspace_groups(user, workspace, current_name: str) -> list[dict]:
    groups = []
    for title, items in WORKSPACE_NAV:
        links = []
        for label, name, action, path in items:
            url = _url(name, workspace_id=workspace.pk)
            if url and _workspace_link_allowed(user, workspace, action, path):
                links.append({"label": label, "url": url, "active": name == current_name, "name": name})
        if links:
            groups.append({"title": title, "links": links})
    return groups


def account_links(user, current_name: str) -> list[dict]:
    account = user.account if user.account_id else None
    checks = _account_arns()
    links = []
    for label, name in ACCOUNT_NAV:
        url = _url(name)
        if not url:
            continue
        if name in checks:
            if account is None:
                continue  # pages of an account: an operator has none (they answer 404)
            action, resource = checks[name](account)
            if not permissions.is_allowed(user, action, resource):
                continue
        links.append({"label": label, "url": url, "active": name == current_name, "name": name})
    return links


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current_name = match.url_name if match else ""
    workspace_id = match.kwargs.get("workspace_id") if match else None
    groups = []
    if workspace_id is not None:
        workspace = workspaces_for_user(user).select_related("account").filter(pk=workspace_id).first()
        if workspace is not None:
            groups = workspace_groups(user, workspace, current_name)
    workspaces = []
    listed = permissions.arn("pai", user.account, "workspace/*") if user.account_id else ""
    if user.account_id and permissions.is_allowed(user, "pai:ListWorkspaces", listed):
        # The switcher shows the first few; the workspace list (always linked) has them all.
        workspaces = list(workspaces_for_user(user).order_by("name").values("id", "name")[:SWITCHER_LIMIT])
    return {
        "nav_groups": groups,
        "nav_account_links": account_links(user, current_name),
        "nav_workspaces": workspaces,
        "nav_workspace_id": int(workspace_id) if workspace_id is not None else None,
    }
