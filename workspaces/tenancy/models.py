"""Tenancy: accounts (the tenants), their workspaces, each workspace's event bus and the account's
service-linked role."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

SERVICE_LINKED_ROLE_NAME = "AliyunServiceRoleForPAIWorkspace"
EVENT_BUS_PREFIX = "pai-system-"  # a workspace's bus is pai-system-<workspace name>
# An account alias (sub-users sign in as name@alias, as in RAM): documented in the README
# (Configuration > Sign-in).
ALIAS_RULE = "3 to 32 lowercase letters, digits or hyphens, starting and ending with a letter or digit"
ALIAS_PATTERN = r"^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]\Z"


class Account(models.Model):
    """The cloud account: the tenant. Owns workspaces, contacts, quotas, usage and billing."""

    name = models.CharField(max_length=64, unique=True)
    # The numeric id shown in ARNs (acs:eventbridge:*:<uid>:eventbus/...).
    uid = models.CharField(max_length=20, unique=True)
    # Sub-users sign in as `<user name>@<alias>` (RAM's `user@alias`); the uid unless an operator
    # gives the account a friendlier one.
    alias = models.CharField(
        max_length=32, unique=True, validators=[RegexValidator(ALIAS_PATTERN, f"The alias must be {ALIAS_RULE}.")],
        help_text=f"Sub-users sign in as name@alias. {ALIAS_RULE[0].upper()}{ALIAS_RULE[1:]}; the uid if left blank.",
        blank=True,
    )
    eventbridge_activated_at = models.DateTimeField(null=True, blank=True)
    # Private networks this account's targets may reach (CIDR, comma or line separated), granted by
    # an operator in admin: e.g. a receiver inside the company network. Empty: public addresses only.
    outbound_allowed_networks = models.TextField(
        "outbound allowed networks", blank=True,
        help_text="Private or loopback networks (CIDR, e.g. 10.1.2.0/24, one per line) that this account's "
                  "HTTP targets and chat webhooks may reach. Empty: public addresses only.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.alias:
            self.alias = self.uid
        super().save(*args, **kwargs)

    def clean(self):
        from notifications.channels.outbound import parse_networks

        try:
            parse_networks(self.outbound_allowed_networks)
        except ValueError as exc:
            raise ValidationError({"outbound_allowed_networks": [str(exc)]})

    @property
    def eventbridge_active(self) -> bool:
        return self.eventbridge_activated_at is not None


class Workspace(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="workspaces")
    # Letters, digits and underscores, starting with a letter, 3 to 23 characters (validated by
    # the workspace service, which gives the message).
    name = models.CharField(max_length=23)
    description = models.CharField(max_length=256, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="workspace_name_unique_in_account")]

    def __str__(self) -> str:
        return self.name


class EventBus(models.Model):
    """The custom event bus `pai-system-<workspace>` created when EventBridge is activated."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="event_buses")
    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="event_bus")
    name = models.CharField(max_length=127)
    description = models.CharField(max_length=256, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="event_bus_name_unique_in_account")]
        verbose_name_plural = "event buses"

    def __str__(self) -> str:
        return self.name

    @property
    def arn(self) -> str:
        return f"acs:eventbridge:{settings.EAS_REGION}:{self.account.uid}:eventbus/{self.name}"


class ServiceLinkedRole(models.Model):
    """AliyunServiceRoleForPAIWorkspace: without it PAI cannot publish events for the account."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="service_linked_roles")
    name = models.CharField(max_length=64, default=SERVICE_LINKED_ROLE_NAME)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="service_role_unique_in_account")]

    def __str__(self) -> str:
        return self.name

    @property
    def arn(self) -> str:
        return f"acs:ram::{self.account.uid}:role/{self.name.lower()}"
