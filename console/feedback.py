"""How the console tells a user what happened after an action, and asks before a final one.

- `toast(response, message)`: an HX-Trigger event (`console:toast`) that `static/console/console.js`
  shows as a short notice naming the object ("Notice rule dlc-failures created."). The text is worded
  here, on the server, so it can be translated with the rest of the console.
- `close_dialog(response)`: closes the open modal dialog once the answer has been swapped in.
- `Confirmation` and `confirm_render`: the one confirmation pattern (a small modal dialog; a page of
  its own without htmx) used for every destructive or final action: rule and contact delete, token
  rotate and revoke, policy delete and detach, model version approval.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.shortcuts import render
from django_htmx.http import trigger_client_event

TOAST_EVENT = "console:toast"
CLOSE_DIALOG_EVENT = "console:close-dialog"


def toast(response, message: str, *, level: str = "success"):
    """Add a toast to an htmx answer (levels: success, info, warning, error)."""
    return trigger_client_event(response, TOAST_EVENT, {"message": str(message), "level": level})


def close_dialog(response):
    """Close the open modal dialog after the answer is swapped in (the confirmation whose form
    posted, whose answer refreshed a region outside it)."""
    return trigger_client_event(response, CLOSE_DIALOG_EVENT, {}, after="settle")


@dataclass
class Confirmation:
    """What a confirmation dialog says and where its OK posts.

    `target`: the element the POST's answer replaces (htmx); empty for a plain form post answered
    with a redirect (the page reloads, its message shown as a toast)."""

    title: str
    message: str
    action_url: str
    ok_label: str
    busy_label: str
    cancel_url: str
    consequences: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    danger: bool = True
    target: str = ""
    swap: str = "outerHTML"
    testid: str = "confirm"
    error: str = ""
    blocked: bool = False  # the action cannot be done now (the message says why): no OK button


def confirm_render(request, confirmation: Confirmation, *, status: int = 200):
    """The dialog alone for htmx (into #drawer-host), else a page with the same content."""
    context = {"confirm": confirmation}
    if request.htmx:
        return render(request, "console/confirm.html#dialog", context, status=200)
    return render(request, "console/confirm.html", context, status=status)
