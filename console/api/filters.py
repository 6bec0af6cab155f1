"""Query filters over the API: a filter given with an empty value is refused, naming it.

The console's filter forms send every field, empty ones included, and "empty" there means "any". The
API documents each filter's allowed values (an enum, an integer, a date and time), and an empty string
is none of them: it is answered 400 with the way to ask for "any" instead, never read as "any"."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError


def refuse_empty_filters(params, names) -> None:
    """Raise a 400 naming every filter in `names` that is present in `params` with an empty value."""
    empty = [name for name in names if name in params and not (params.get(name) or "").strip()]
    if empty:
        raise ValidationError({name: [f"{name} is empty: leave the parameter out to match any {name}, "
                                      "or give one of the values the API documents for it."] for name in empty})
