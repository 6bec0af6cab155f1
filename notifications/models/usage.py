from django.db import models


class UsageCounter(models.Model):
    """Notifications sent by an account on one day (in BILLING_TIME_ZONE), incremented atomically
    with an F() update, so a month's bill reads at most 31 rows."""

    account = models.ForeignKey("workspaces.Account", on_delete=models.CASCADE, related_name="usage_counters")
    day = models.DateField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["account", "day"], name="usage_counter_per_day")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.day}: {self.count}"
