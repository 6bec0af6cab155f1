from django.db import models


class Delivery(models.Model):
    """One event to one recipient of one target (a chat bot, an HTTP endpoint, an EAS service, or
    one contact by one channel). Sent at least once; carries the event id for de-duplication."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Retrying"
        SUCCEEDED = "succeeded", "Succeeded"
        DEAD = "dead", "Dead"
        # Not attempted (its target was disabled): not sent, not billed; a recover sends it later.
        SKIPPED = "skipped", "Skipped"

    event = models.ForeignKey("notifications.Event", on_delete=models.CASCADE, related_name="deliveries")
    # The event's workspace, copied: the deliveries list of a workspace reads one index range
    # (delivery_list) instead of joining every delivery of the installation to its event.
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="+", db_index=False)
    rule = models.ForeignKey("notifications.Rule", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    target = models.ForeignKey(
        "notifications.Target", on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    contact = models.ForeignKey(
        "notifications.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=16)  # its channel package (dingtalk, email, eas_update, ...)
    # "" for a target's only recipient, "<channel>:<contact id>" per contact: with event and target
    # it makes a delivery unique, so routing twice creates nothing new.
    recipient_key = models.CharField(max_length=64, blank=True)
    recipient_label = models.CharField(max_length=256, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField()
    last_error = models.CharField(max_length=1024, blank=True)
    # Set by the worker sending it (a conditional UPDATE): a second worker handed the same delivery
    # leaves it alone until this passes. Cleared when the attempt is complete.
    claimed_until = models.DateTimeField(null=True, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    # The last recover request that sent it again (notifications.services.recovery): a request takes
    # each delivery at most once.
    recovery = models.ForeignKey("notifications.Recovery", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="deliveries")
    # Since when it waits for its bot (the window was full, or the bot was throttled): the next free
    # slot carries it in a digest (notifications.services.digests) unless its target turned them off.
    waiting_since = models.DateTimeField(null=True, blank=True)
    # A replay's delivery (notifications.services.replay): a new row for an old event, never the
    # original one; it carries the original event id, so receivers can de-duplicate.
    replay_job = models.ForeignKey("notifications.ReplayJob", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="deliveries")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "target", "recipient_key"], name="delivery_once_per_recipient",
                                    condition=models.Q(replay_job__isnull=True)),
            models.UniqueConstraint(fields=["replay_job", "event", "target", "recipient_key"],
                                    name="delivery_once_per_replay", condition=models.Q(replay_job__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            # The overdue sweeper's range: only deliveries still to send are in it.
            models.Index(fields=["next_attempt_at"], name="delivery_active_due",
                         condition=models.Q(status__in=["pending", "retrying"])),
            # The deliveries list of a workspace, newest first, with or without a status filter.
            models.Index(fields=["workspace", "-created_at", "-id"], name="delivery_list"),
            models.Index(fields=["workspace", "status", "-created_at", "-id"], name="delivery_list_status"),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.channel} delivery of {self.event_id}"

    def save(self, *args, **kwargs):
        if self.workspace_id is None and self.event_id is not None:
            self.workspace_id = self.event.workspace_id
        super().save(*args, **kwargs)


class DeliveryAttempt(models.Model):
    """One try: created before the send, completed after it."""

    class Outcome(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.IN_PROGRESS)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)
    request_url = models.CharField(max_length=1024, blank=True)  # tokens and signatures masked
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    provider_code = models.CharField(max_length=32, blank=True)  # errcode / code in the bot's answer
    response_body = models.CharField(max_length=2048, blank=True)  # trimmed to 2 KB
    error = models.CharField(max_length=1024, blank=True)
    permanent = models.BooleanField(null=True, blank=True)
    # A failure's class (notifications.channels.answers: gone, misconfigured, throttled, transient)
    # and the platform's answer decoded in words.
    outcome_class = models.CharField(max_length=16, blank=True)
    reason = models.CharField(max_length=512, blank=True)
    # A digest (notifications.services.digests): the attempt that sent it counts the events it
    # carried (0: an ordinary message); each other delivery it carried gets an attempt pointing at it.
    digest_size = models.PositiveIntegerField(default=0)
    carried_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried")

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="attempt_number_unique")]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}"
