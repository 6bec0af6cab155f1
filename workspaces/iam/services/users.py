"""Users: sub-users (RAM users) of an account and every user's API token. Accounts and their owners
are created by `workspaces.tenancy.services.accounts`."""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from rest_framework.authtoken.models import Token

from workspaces.iam.audit import audit_record
from workspaces.iam.models.users import USER_NAME_PATTERN, USER_NAME_RULE, sign_in_lookup
from workspaces.iam.operations import USER, Check, operation
from workspaces.models import Account, Policy, User


def user_name_checked(username) -> str:
    """The name when it follows the documented rule (USER_NAME_RULE: ASCII letters, digits, dots,
    hyphens, underscores; no look-alikes, spaces or control characters), else ValidationError. Checked
    before authorizing: the name goes into the ARN that policies are matched against."""
    if not isinstance(username, str) or not re.match(USER_NAME_PATTERN, username):
        raise ValidationError({"username": [f"A user name is {USER_NAME_RULE}."]})
    return username


def user_validate(*, account: Account | None, username: str, password: str, email: str) -> None:
    """`account` None: an account owner's name, which must be free among the names that sign in
    alone (owners and operators). A sub-user's name need only be free in its own account: nothing
    tells one tenant which names another uses."""
    errors: dict[str, list[str]] = {}
    try:
        user_name_checked(username)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        taken = (User.objects.filter(account=account, username__iexact=username) if account is not None
                 else User.objects.filter(sign_in_lookup(username)))
        if taken.exists():
            where = "in this account" if account is not None else "(owners and operators sign in by name)"
            errors["username"] = [f"A user named {username} already exists {where}."]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [f"{email} is not a valid email address."]
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)


def _new_user_values(account, username="", password="", email="", **_) -> dict:
    """The user a create produces. A name given is checked before authorizing: it goes into the ARN."""
    if username:
        try:
            user_name_checked(username)
        except ValidationError:
            # Say everything wrong with the input at once (nothing here depends on who asks).
            user_validate(account=account, username=username, password=password or "", email=email or "")
            raise
    return {"account": account, "user": username or "*"}


@operation(Check("ram:CreateUser", USER), values=_new_user_values)
@transaction.atomic
def subuser_create(*, actor: User | None, account: Account, username: str, password: str, email: str = "",
                   policies: list[Policy] | tuple = ()) -> User:
    """A sub-user (RAM user) of `account`; it acts only as the attached policies allow. It signs in
    as `username@<account alias>`."""
    user_validate(account=account, username=username, password=password, email=email)
    foreign = [policy.name for policy in policies if policy.account_id != account.pk]
    if foreign:
        raise ValidationError({"policies": [f"Policy {foreign[0]} belongs to another account."]})
    user = User.objects.create_user(
        username=username, password=password, email=email, account=account, is_account_owner=False
    )
    if policies:
        user.policies.add(*policies)
    audit_record(actor=actor, account=account, action="user.create", obj=user,
                 changes={"username": [None, username], "policies": [[], [p.name for p in policies]]})
    return user


def api_token_get(*, user: User) -> Token | None:
    return Token.objects.filter(user=user).first()


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """A new API token for `user`, replacing any earlier one (which stops working at once). The key
    is shown to the user once, right after this call."""
    replaced = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    if user.account_id:
        audit_record(actor=user, account=user.account, action="token.rotate" if replaced else "token.create",
                     object_type="token", object_id=user.pk, object_repr=f"API token of {user.username}")
    return token


@transaction.atomic
def api_token_revoke(*, user: User) -> bool:
    """Delete the user's API token; True when there was one."""
    revoked = Token.objects.filter(user=user).delete()[0] > 0
    if revoked and user.account_id:
        audit_record(actor=user, account=user.account, action="token.revoke",
                     object_type="token", object_id=user.pk, object_repr=f"API token of {user.username}")
    return revoked
