from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from workspaces.tenancy.models import Account

# RAM's rules, as documented in the README (Configuration > Sign-in): a user name is 1 to 64 ASCII
# letters, digits, dots, hyphens or underscores, starting with a letter or digit (no look-alike
# letters, spaces, control or direction characters, no "@", which separates the account alias; the
# alias's rule is beside the account, in workspaces.tenancy.models).
USER_NAME_RULE = "1 to 64 letters (a-z, A-Z), digits, dots, hyphens or underscores, starting with a letter or digit"
USER_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z"


def sign_in_lookup(sign_in: str) -> Q:
    """Who a sign-in name stands for: `name@alias` is the sub-user `name` of the account with that
    alias; a plain name is an account owner or an operator (their names are unique among them). Case
    does not matter, as in RAM."""
    name, at, alias = (sign_in or "").rpartition("@")
    if at:
        return Q(username__iexact=name, account__alias__iexact=alias, is_account_owner=False)
    return Q(username__iexact=sign_in) & (Q(account__isnull=True) | Q(is_account_owner=True))


class ConsoleUserManager(UserManager):
    def get_by_natural_key(self, username):
        """Django's sign-in (ModelBackend, the token endpoint, `createsuperuser`, `changepassword`,
        `drf_create_token`) looks users up here: by sign-in name, not by the per-account user name."""
        return self.get(sign_in_lookup(username))


class User(AbstractUser):
    """A console user: the account's owner, or a sub-user (RAM user) acting only as policies allow.
    Operators (staff without an account) use Django admin.

    A user name is unique in its account, not across accounts (another tenant's names are none of a
    tenant's business). Sub-users sign in as `name@<account alias>`, owners and operators by name."""

    username = models.CharField(
        "user name", max_length=150,
        validators=[RegexValidator(USER_NAME_PATTERN, f"A user name is {USER_NAME_RULE}.")],
        help_text=f"{USER_NAME_RULE[0].upper()}{USER_NAME_RULE[1:]}. Unique in its account.",
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, null=True, blank=True, related_name="users")
    is_account_owner = models.BooleanField(default=False)
    policies = models.ManyToManyField("Policy", blank=True, related_name="users")

    objects = ConsoleUserManager()

    class Meta:
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(Lower("username"), "account", name="user_name_unique_in_account",
                                    violation_error_message="A user with this name already exists in the account."),
            # Owners and operators sign in by their name alone.
            models.UniqueConstraint(Lower("username"), condition=Q(account__isnull=True) | Q(is_account_owner=True),
                                    name="user_sign_in_name_unique",
                                    violation_error_message="An account owner or operator already signs in with "
                                                            "this name."),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def sign_in_name(self) -> str:
        """What this user types to sign in: `name@alias` for a sub-user, the name otherwise."""
        if self.account_id is not None and not self.is_account_owner:
            return f"{self.username}@{self.account.alias}"
        return self.username

    def natural_key(self):
        return (self.sign_in_name,)

    def save(self, *args, **kwargs):
        """A new password revokes the user's API token too (as Django's session hash already ends
        the other sessions): whoever set it, in the console, admin, the API or `set_password()`.
        (`_password` is Django's mark of a password set since the last save; a hash upgraded at
        sign-in clears it first, so an upgrade revokes nothing.)"""
        changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if changed:
            from rest_framework.authtoken.models import Token

            Token.objects.filter(user_id=self.pk).delete()


class Policy(models.Model):
    """A RAM policy document ({"Version": "1", "Statement": [...]}) attached to sub-users."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="policies")
    name = models.CharField(max_length=128)
    description = models.CharField(max_length=1024, blank=True)
    document = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="policy_name_unique_in_account")]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.name
