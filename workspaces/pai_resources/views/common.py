"""What the resource pages share: running a state change and telling the user how it went."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext

from workspaces.pai_resources.services.transitions import StateConflict


def action_perform(request, change: Callable[[], object], *, success: str) -> bool:
    """Run a service call for a console button. A refused state change or bad input becomes an error
    message naming why (nothing was written); AccessDenied goes on to the 403 page."""
    try:
        change()
    except StateConflict as refusal:
        messages.error(request, str(refusal))
        return False
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True


def state_label(state: str) -> str:
    """A state as the console words it (the status tags' words: workspaces.templatetags.resource_tags)."""
    return pgettext("resource status", state) if state else state


def lifecycle_actions(actions: dict, allowed: list[str]) -> list[dict]:
    """Buttons for the moves the current state allows: [{"status": ..., "label": ...}]."""
    labels = {status: action[0] if isinstance(action, tuple) else action for status, action in actions.items()}
    return [{"status": status, "label": gettext(labels[status])} for status in allowed if status in actions]
