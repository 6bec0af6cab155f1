from django.conf import settings
from django.db import models

from notifications.catalog import SOURCE_CHOICES, event_type_label


class Event(models.Model):
    """One raised event: its CloudEvents envelope, written in the same transaction as the change
    that raised it (the outbox). `enqueued_at`: when its routing wake-up was sent (written with the
    event; NULL when the broker refused it, until the sweeper's wake-up is accepted)."""

    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        NOT_PUBLISHED = "not_published", "Not published"

    class NotPublishedReason(models.TextChoices):
        NONE = "", "—"
        NO_EVENT_BUS = "no_event_bus", "EventBridge is not activated: the workspace has no event bus"
        NO_SERVICE_ROLE = "no_service_role", (
            "The service-linked role AliyunServiceRoleForPAIWorkspace does not exist"
        )

    class Origin(models.TextChoices):
        PLATFORM = "platform", "Raised by the platform"
        PUT_EVENTS = "put_events", "Put by a user (PutEvents)"
        UNKNOWN = "unknown", "Recorded before publishers were"

    event_id = models.CharField(max_length=128, db_index=True)  # the CloudEvents `id`
    account = models.ForeignKey("workspaces.Account", on_delete=models.CASCADE, related_name="events")
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="events")
    bus = models.ForeignKey(
        "workspaces.EventBus", on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    source = models.CharField(max_length=32, choices=SOURCE_CHOICES)  # catalog source key
    type = models.CharField(max_length=64, db_index=True)  # CloudEvents `type`
    subject = models.CharField(max_length=512, blank=True)
    resource_id = models.CharField(max_length=128, blank=True)
    resource_name = models.CharField(max_length=256, blank=True)
    # For rule scopes: "created by me" matches the resource's creator; "specified models" the model.
    resource_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    model = models.ForeignKey("workspaces.Model", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    envelope = models.JSONField()
    # Who published it: the platform (a resource changed), or a user through PutEvents, whose own
    # permissions bound what the event may cause (an EAS switch needs eas:UpdateService).
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.PLATFORM)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    not_published_reason = models.CharField(max_length=32, choices=NotPublishedReason.choices, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    routed_at = models.DateTimeField(null=True, blank=True)
    # A routing pass's claim on the event (notifications.services.routing_batch): "<worker>#<pass>",
    # kept once routed (who routed it); `routing_claimed_until` is when an unfinished claim lapses.
    routing_claim = models.CharField(max_length=200, blank=True, default="", db_default="")
    routing_claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="event_log"),
            models.Index(fields=["status", "enqueued_at"], name="event_outbox"),
            # The outbox sweeper's range: published events not routed yet, a handful at any time.
            models.Index(fields=["id"], name="event_unrouted",
                         condition=models.Q(status="published", routed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"

    @property
    def type_label(self) -> str:
        """The console's label of the event type, from the catalog."""
        return event_type_label(self.type)
