from django.contrib.auth.models import AbstractUser
from django.db import models

from workspaces.tenancy.models import Account


class User(AbstractUser):
    """A console user: the account's owner, or a sub-user (RAM user) acting only as policies allow.
    Operators (staff without an account) use Django admin."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, null=True, blank=True, related_name="users")
    is_account_owner = models.BooleanField(default=False)
    policies = models.ManyToManyField("Policy", blank=True, related_name="users")

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username


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
