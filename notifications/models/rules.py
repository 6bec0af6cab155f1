from django.conf import settings
from django.db import models

from console.crypto import EncryptedJSONField
from notifications.catalog import SCOPE_CHOICES, SOURCE_CHOICES
from notifications.channels.templating import MAX_BODY_CHARS, MAX_TITLE_CHARS
from notifications.models.messages import LANGUAGE_CHOICES

DEFAULT_TARGETS_PER_RULE = 5
MAX_TARGETS_PER_RULE = 100
MAX_RULES_PER_BUS = 50


class Rule(models.Model):
    """A notice rule on a workspace's event bus: one source, some of its event types, a scope."""

    bus = models.ForeignKey("workspaces.EventBus", on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=127)
    description = models.CharField(max_length=256, blank=True)
    source = models.CharField(max_length=32, choices=SOURCE_CHOICES)
    scope = models.CharField(max_length=16, choices=SCOPE_CHOICES, default="all")
    scope_models = models.ManyToManyField("workspaces.Model", blank=True, related_name="+")
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["bus", "name"], name="rule_name_unique_on_bus")]
        indexes = [models.Index(fields=["bus", "enabled", "source"], name="rule_routing")]

    def __str__(self) -> str:
        return self.name


class RuleEventType(models.Model):
    """The event types a rule listens to, one row each, so routing finds rules by an indexed join."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="event_types")
    event_type = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "event_type"], name="rule_event_type_unique")]
        indexes = [models.Index(fields=["event_type", "rule"], name="rule_event_type_lookup")]

    def __str__(self) -> str:
        return self.event_type


class RoutingKey(models.Model):
    """What routing looks up, kept by the rule service (`notifications.services.routing_keys`): one
    row per event type and scope key of each *enabled* rule. Scope keys: "all"; "user:<id>" for a
    rule scoped to its creator's resources; "model:<id>" for each model of a rule scoped to models.
    An event matches exactly the rows of its bus and type carrying one of its own keys, so routing
    reads the matching rules only, however many rules the bus (or the database) holds."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="routing_keys")
    bus = models.ForeignKey("workspaces.EventBus", on_delete=models.CASCADE, related_name="+")
    event_type = models.CharField(max_length=64)
    scope_key = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "event_type", "scope_key"], name="routing_key_unique")
        ]
        indexes = [models.Index(fields=["bus", "event_type", "scope_key"], name="routing_key_lookup")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.scope_key}"


class Contact(models.Model):
    """Message receiving settings: a person reachable by voice call, text message or email."""

    account = models.ForeignKey("workspaces.Account", on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=64)
    mobile = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="contact_name_unique_in_account")]

    def __str__(self) -> str:
        return self.name


class TargetHealth(models.TextChoices):
    HEALTHY = "healthy", "Healthy"
    FAILING = "failing", "Failing"
    DISABLED = "disabled", "Disabled"


class Target(models.Model):
    """Where a rule's events go: a delivery method of the channel registry and its config.
    Non-secret config in `config`; signing keys and webhook tokens in `secrets` (encrypted)."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="targets")
    method = models.CharField(max_length=32)  # channel registry key
    config = models.JSONField(default=dict, blank=True)
    secrets = EncryptedJSONField(blank=True, default=dict)
    position = models.PositiveSmallIntegerField(default=0)
    # Its messages: a language ("" = the account's) and title and body templates ("" = the default of
    # the language; notifications.channels.templating).
    language = models.CharField(max_length=8, blank=True, choices=LANGUAGE_CHOICES)
    title_template = models.CharField(max_length=MAX_TITLE_CHARS, blank=True)
    body_template = models.TextField(max_length=MAX_BODY_CHARS, blank=True)
    # When its bot's rate-limit window is full, the waiting events go out as one digest at the next
    # free slot (notifications.services.digests); off: one message each as slots free up.
    digest = models.BooleanField(default=True)
    # Health (notifications.services.health): failing after failed deliveries; disabled after a
    # "gone" answer or many dead deliveries over a day. A disabled target's deliveries are skipped.
    health = models.CharField(max_length=16, choices=TargetHealth.choices, default=TargetHealth.HEALTHY)
    consecutive_dead = models.PositiveIntegerField(default=0)
    consecutive_gone = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=1024, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=1024, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # The last successful Test Connectivity of this saved target (re-enabling needs one after disabled_at).
    tested_ok_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rule", "position", "id"]

    def __str__(self) -> str:
        return f"{self.method} target of {self.rule}"


class TargetContact(models.Model):
    """A contact reached by a target, by one channel (voice, sms or email): one quota unit each."""

    class Channel(models.TextChoices):
        VOICE = "voice", "Voice call"
        SMS = "sms", "Text message"
        EMAIL = "email", "Email"

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="contact_links")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="target_links")
    channel = models.CharField(max_length=8, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "contact", "channel"], name="target_contact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contact} by {self.channel}"


class TargetQuota(models.Model):
    """Target units per rule for an account (5 unless an increase was approved, at most 100)."""

    account = models.OneToOneField("workspaces.Account", on_delete=models.CASCADE, related_name="target_quota")
    targets_per_rule = models.PositiveSmallIntegerField(default=DEFAULT_TARGETS_PER_RULE)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.targets_per_rule} targets per rule"


class QuotaIncreaseRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    account = models.ForeignKey("workspaces.Account", on_delete=models.CASCADE, related_name="quota_requests")
    requested_limit = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=512, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=512, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"increase to {self.requested_limit} ({self.status})"
