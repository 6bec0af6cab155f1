"""State machines of the simulated PAI resources: an explicit table of allowed moves, and one error
for a move the current state does not allow."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone


class StateConflict(Exception):
    """The object's current state forbids the change (the API answers 409, the console shows the
    message). Nothing was written. `current` and `allowed` (the states it may move to) are set when a
    state table refused the move; the API's 409 carries them."""

    def __init__(self, message: str, *, current: str | None = None, allowed: list[str] | None = None):
        super().__init__(message)
        self.current = current
        self.allowed = allowed


def transition_check(*, kind: str, table: Mapping[str, frozenset[str] | set[str]], current: str, target: str,
                     labels: Mapping[str, str] | None = None) -> None:
    """Raise StateConflict unless `table[current]` allows `target`, naming both states and the moves
    that are allowed: "cannot move DLC job from Created to Running; from Created it may move to:
    Queuing, Stopped" (or "...: Succeeded is final, it allows no move")."""
    if target in table.get(current, ()):
        return
    labels = labels or {}
    allowed = allowed_targets(table, current, list(table))
    here = labels.get(current, current) or "none"
    moves = (f"from {here} it may move to: {', '.join(labels.get(s, s) for s in allowed)}" if allowed
             else f"{here} is final, it allows no move")
    raise StateConflict(f"cannot move {kind} from {here} to {labels.get(target, target)}; {moves}",
                        current=current, allowed=allowed)


def allowed_targets(table: Mapping[str, frozenset[str] | set[str]], current: str, order) -> list[str]:
    """The states `current` may move to, in the order of `order` (the model's choices)."""
    allowed = table.get(current, ())
    return [state for state in order if state in allowed]


def transition_apply(*, obj, kind: str, table: Mapping[str, frozenset[str] | set[str]], target: str,
                     field: str = "status", updates: Mapping | None = None) -> str:
    """Move `obj.<field>` to `target` if the table allows it from the *stored* value, with a
    conditional UPDATE (of two concurrent moves from the same state exactly one wins). Call inside
    the transaction that also publishes the move's events. Returns the previous state; raises
    StateConflict (nothing written) otherwise. `updates` are more columns to set (expressions ok)."""
    manager = type(obj)._default_manager
    current = manager.filter(pk=obj.pk).values_list(field, flat=True).first()
    transition_check(kind=kind, table=table, current=current, target=target)
    values = {field: target, **(updates or {})}
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    if not manager.filter(pk=obj.pk, **{field: current}).update(**values):
        latest = manager.filter(pk=obj.pk).values_list(field, flat=True).first()
        transition_check(kind=kind, table=table, current=latest, target=target)
        raise StateConflict(f"{kind} changed while moving it to {target}; try again")
    obj.refresh_from_db()
    return current
