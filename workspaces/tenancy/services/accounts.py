"""Accounts: the tenants. An account is created with its owner, who may do everything in it."""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction

from workspaces.iam.audit import audit_record
from workspaces.iam.services.users import user_validate
from workspaces.models import Account, User
from workspaces.tenancy.models import ALIAS_PATTERN, ALIAS_RULE

UID_DIGITS = 16


def account_uid_generate() -> str:
    """A random 16-digit account id (no leading zero), unused so far. It appears in every ARN."""
    while True:
        uid = str(secrets.randbelow(9 * 10 ** (UID_DIGITS - 1)) + 10 ** (UID_DIGITS - 1))
        if not Account.objects.filter(uid=uid).exists():
            return uid


@transaction.atomic
def account_create(*, name: str, owner_username: str, owner_password: str, owner_email: str = "",
                   alias: str = "") -> Account:
    """A new account and its owner, who may do everything in it. Its sub-users sign in as
    `name@<alias>` (the account's uid when no alias is given)."""
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise ValidationError({"name": ["The account name must be 1 to 64 characters."]})
    if Account.objects.filter(name=name).exists():
        raise ValidationError({"name": [f"An account named {name} already exists."]})
    if alias and not re.match(ALIAS_PATTERN, alias):
        raise ValidationError({"alias": [f"The alias must be {ALIAS_RULE}."]})
    if alias and Account.objects.filter(alias=alias).exists():
        raise ValidationError({"alias": [f"The alias {alias} is taken."]})
    user_validate(account=None, username=owner_username, password=owner_password, email=owner_email)
    account = Account.objects.create(name=name, uid=account_uid_generate(), alias=alias)
    owner = User.objects.create_user(
        username=owner_username, password=owner_password, email=owner_email, account=account, is_account_owner=True
    )
    audit_record(actor=owner, account=account, action="account.create", obj=account,
                 changes={"name": [None, name], "owner": [None, owner.username]})
    return account
