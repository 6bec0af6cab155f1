"""`manage.py create_account --alias acme --owner alice --email alice@example.com`: the first real
account (the tenant) and its owner, who may do everything in it. The alias is the account's RAM
alias (sub-users sign in as `name@acme`) and, unless --name says otherwise, its name in the
console; the account's 16-digit uid is generated. The password is asked twice on a terminal;
without one it is read from ACCOUNT_OWNER_PASSWORD, or generated and printed once."""

import getpass
import os
import secrets
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from workspaces.tenancy.services.accounts import account_create

PASSWORD_ENV = "ACCOUNT_OWNER_PASSWORD"


class Command(BaseCommand):
    help = "Create an account (alias, generated uid) and its owner."

    def add_arguments(self, parser):
        parser.add_argument("--alias", required=True,
                            help="The account's alias: sub-users sign in as name@alias (3-32 lowercase letters, "
                                 "digits or hyphens).")
        parser.add_argument("--name", default="", help="The account's name in the console (default: the alias).")
        parser.add_argument("--owner", required=True, help="The owner's username (signs in to the console).")
        parser.add_argument("--email", default="", help="The owner's email address.")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help=f"Never prompt: take the password from ${PASSWORD_ENV} or generate one.")

    def _password(self, interactive: bool) -> tuple[str, bool]:
        """(password, generated)."""
        from_env = os.environ.get(PASSWORD_ENV, "")
        if from_env:
            return from_env, False
        if interactive and sys.stdin.isatty():
            first = getpass.getpass("Password for the owner: ")
            if first != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was created.")
            return first, False
        return secrets.token_urlsafe(15), True

    def handle(self, *args, alias: str, name: str, owner: str, email: str, interactive: bool, **options):
        password, generated = self._password(interactive)
        try:
            account = account_create(name=name or alias, alias=alias, owner_username=owner, owner_password=password,
                                     owner_email=email)
        except ValidationError as exc:
            problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
            raise CommandError(f"Nothing was created. {problems}") from None
        self.stdout.write(self.style.SUCCESS(
            f"Account {account.name} (alias {account.alias}, uid {account.uid}) created with owner {owner}."))
        if generated:
            self.stdout.write(f"Owner password (shown once, change it after signing in): {password}")
        self.stdout.write("Sign in to the console, create a workspace, then activate EventBridge in its "
                          "Configuration > Event Notification Configuration.")
