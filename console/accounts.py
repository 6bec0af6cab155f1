"""Which account a signed-in user acts for: one answer for console pages, API views and selectors.

Operators (staff users with no account) act in Django admin only: anywhere else they are refused
with 403 (the API's envelope, or the console's 403 page), never shown another account's data."""

from django.core.exceptions import PermissionDenied


def account_of(user):
    """The user's account; PermissionDenied (403) for a user without one."""
    if user is None or not getattr(user, "is_authenticated", False) or user.account_id is None:
        raise PermissionDenied("Your user belongs to no account; operators use Django admin.")
    return user.account
