from django.conf import settings
from django.db import models


class Recovery(models.Model):
    """One "redeliver everything that failed since T" request, for a target, a rule or a workspace
    (notifications.services.recovery). Its deliveries point at it; its progress is theirs."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey("notifications.Rule", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    target = models.ForeignKey("notifications.Target", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+")
    since = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    total = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "recoveries"

    def __str__(self) -> str:
        return f"recovery {self.pk} since {self.since:%Y-%m-%d %H:%M}"

    @property
    def scope_label(self) -> str:
        if self.target_id:
            return f"target {self.target_id}"
        if self.rule_id:
            return f"rule {self.rule_id}"
        return "the workspace"
