from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReplayJob(models.Model):
    """One replay: the published events of a bus in a time window (optionally one source and some
    event types) sent again to the bus's enabled rules or to one of them, as new deliveries that point
    at this job (notifications.services.replay). The events table is the archive it reads."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    bus = models.ForeignKey("workspaces.EventBus", on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    source = models.CharField(max_length=32, blank=True)  # "" = every source
    event_types = models.JSONField(default=list, blank=True)  # [] = every type
    # None: every enabled rule of the bus, as it is when each chunk runs.
    rule = models.ForeignKey("notifications.Rule", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    matched = models.PositiveIntegerField(default=0)  # events in the window when the job was created
    done = models.PositiveIntegerField(default=0)  # of those, how many were replayed
    deliveries_created = models.PositiveIntegerField(default=0)
    # The last event replayed (events are taken in id order): a run resumes after it.
    last_event_id = models.BigIntegerField(default=0)
    error = models.CharField(max_length=1024, blank=True)
    # When the job last moved (created, started, a chunk saved) or was last re-enqueued by the stall
    # sweep, and how many times that sweep re-enqueued it since it last moved
    # (notifications.services.replay.replays_requeue_stalled).
    progressed_at = models.DateTimeField(null=True, blank=True)
    stalled_requeues = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["bus"], condition=models.Q(state__in=["queued", "running"]),
                                    name="replay_one_active_per_bus"),
        ]

    def __str__(self) -> str:
        return f"replay {self.pk} of {self.window_start:%Y-%m-%d %H:%M}–{self.window_end:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def scope_label(self) -> str:
        return f"rule {self.rule.name}" if self.rule_id else "every enabled rule"

    @property
    def percent(self) -> int:
        return 100 if not self.matched else round(100 * self.done / self.matched)
