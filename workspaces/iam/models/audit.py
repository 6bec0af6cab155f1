from django.conf import settings
from django.db import models

from workspaces.tenancy.models import Account


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
