"""Where a resource lives in the console: the path put into its events' `consoleUrl`."""

from django.urls import NoReverseMatch, reverse


def console_path(name: str, **kwargs) -> str:
    """The path of console page `name`, or "" if the route is not there (an event never fails for
    want of a link)."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""
