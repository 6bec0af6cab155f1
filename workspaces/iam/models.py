"""Identity and access: console users (account owners and sub-users), RAM policies, the audit log."""

from django.conf import settings
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


class AuditLogEntry(models.Model):
    """Who changed what and when; old and new values with secrets masked."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="audit_log")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    # e.g. "rule.create", "rule.disable", "eventbridge.activate", "access.denied"
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=256, blank=True)
    # The ARN the action concerned (set for refusals: "access.denied" names the missing action on it).
    resource = models.CharField(max_length=512, blank=True)
    changes = models.JSONField(default=dict, blank=True)  # {"field": [old, new]} with secrets masked
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "object_type", "object_id"], name="audit_object"),
            models.Index(fields=["account", "-created_at"], name="audit_recent"),
        ]
        verbose_name_plural = "audit log entries"

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.object_repr}"
