"""The console's layout data: the left navigation (grouped as PAI groups it), the workspace switcher
and the account menu. Links whose route does not exist are left out rather than breaking a page."""

from django.urls import NoReverseMatch, reverse

from workspaces.iam.permissions import arn, is_allowed
from workspaces.tenancy.selectors import workspaces_for_user

WORKSPACE_NAV = (
    ("Model Development and Training", (
        ("Interactive Modeling (DSW)", "dsw-list"),
        ("Visualized Modeling (Designer)", "flow-task-list"),
        ("Deep Learning Containers (DLC)", "dlc-job-list"),
    )),
    ("Model Deployment", (
        ("Elastic Algorithm Service (EAS)", "eas-service-list"),
    )),
    ("AI Asset Management", (
        ("Models", "model-list"),
    )),
    ("Workspace", (
        ("Workspace Details", "workspace-detail"),
        ("Event Notification Configuration", "workspace-event-notifications"),
        ("Event Log", "event-log"),
    )),
)

ACCOUNT_NAV = (
    ("Message Receiving Settings", "contact-list"),
    ("Quotas", "quota-page"),
    ("Usage and Billing", "usage-page"),
    ("Users and Policies", "user-list"),
    ("Audit Log", "audit-log"),
    ("API Tokens", "token-page"),
)


SWITCHER_LIMIT = 30


def _url(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current_name = match.url_name if match else ""
    workspace_id = match.kwargs.get("workspace_id") if match else None
    groups = []
    if workspace_id is not None:
        for title, items in WORKSPACE_NAV:
            links = []
            for label, name in items:
                url = _url(name, workspace_id=workspace_id)
                if url:
                    links.append({"label": label, "url": url, "active": name == current_name})
            if links:
                groups.append({"title": title, "links": links})
    account_links = [
        {"label": label, "url": url, "active": name == current_name}
        for label, name in ACCOUNT_NAV
        if (url := _url(name))
    ]
    workspaces = []
    if user.account_id and is_allowed(user, "pai:ListWorkspaces", arn("pai", user.account, "workspace/*")):
        # The switcher shows the first few; the workspace list (always linked) has them all.
        workspaces = list(workspaces_for_user(user).order_by("name").values("id", "name")[:SWITCHER_LIMIT])
    return {
        "nav_groups": groups,
        "nav_account_links": account_links,
        "nav_workspaces": workspaces,
        "nav_workspace_id": int(workspace_id) if workspace_id is not None else None,
    }
