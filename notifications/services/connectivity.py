"""Test Connectivity: a real test message with the form's current values (saved or not), sent
through the very adapter real deliveries use, once, within 10 seconds.

Test messages are not notifications: they are not metered (usage) and leave no delivery record.
They do count against the bot's rate limit (the bot counts them too), and a bot already at its limit
is reported as such instead of being sent a message it would refuse.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from notifications.channels.base import DeliveryError, SendContext
from notifications.channels.composer import MessageSettings
from notifications.channels.registry import channel_for_method, get_method
from notifications.channels.schema import SchemaContext
from notifications.services.health import target_tested_ok
from notifications.services.messages import preview_message, target_message_settings
from notifications.services.ratelimit import rate_limit_acquire, rate_limit_sent
from workspaces.iam.operations import BUS, Check, operation

logger = logging.getLogger(__name__)

TEST_CONNECT_TIMEOUT = 3.0
# The event a test message shows when the caller names none: a model version approved.
DEFAULT_TEST_EVENT_TYPE = "pai:ModelManagement:ModelVersionApproved"
TEST_TOTAL_SECONDS = 10.0


def connectivity_draft_clean(*, workspace, method, values: dict, stored_secrets: dict):
    """A target as the drawer or the API describes it before it is saved, cleaned by its method's
    schema (Django's ValidationError by field otherwise); the saved target's secrets fill in what the
    draft left blank (secrets are never sent back to be resubmitted)."""
    return method.schema().validate(values, context=SchemaContext(account=workspace.account, workspace=workspace),
                                    stored_secrets=stored_secrets)


@dataclass(frozen=True)
class ConnectivityResult:
    ok: bool
    code: str  # the bot's own code ("0" on success, "310000", "HTTP 404", "rate_limited", ...)
    message: str  # the bot's own message, or ours when the request never reached it
    # Where it failed (DeliveryError.reason): "dns", "address", "url", "connect", "timeout", "tls"
    # mean the bot was never reached; "http" and "bot" that it answered; the drawer words each.
    reason: str = ""
    host: str = ""

    @property
    def reached(self) -> bool:
        """Whether the bot (or a server at its address) answered at all."""
        return self.ok or self.reason in ("http", "bot", "answer")

    @property
    def display(self) -> str:
        if self.ok:
            return "Connectivity test succeeded: the test message was delivered."
        return f"Connectivity test failed: {self.code} {self.message}".strip() if self.code else self.message


@operation(Check("eventbridge:UpdateTargets", BUS),
           values=lambda workspace, **_: {"account": workspace.account, "workspace": workspace.name})
def connectivity_test(*, actor, workspace, method: str, config: dict, secrets: dict, event_type: str = "",
                      settings_: MessageSettings | None = None, use_last_event: bool = True) -> ConnectivityResult:
    """Send the target described by `config` and `secrets` (as the method's schema cleaned them) the
    message Preview shows for `event_type` with the target's message settings (`settings_`): the
    workspace's last event of that type, or the catalog's example. Raises AccessDenied without
    eventbridge:UpdateTargets on the bus."""
    delivery_method = get_method(method)
    channel = channel_for_method(method)
    if not delivery_method.supports_test or channel is None:
        return ConnectivityResult(False, "not_supported", delivery_method.test_disabled_reason)
    adapter = channel.adapter
    slot = rate_limit_acquire(channel_key=channel.key, identity=adapter.rate_limit_identity(config, secrets),
                              limits=adapter.rate_limits)
    if not slot.taken:
        return ConnectivityResult(
            False, "rate_limited",
            f"The bot has reached its rate limit; try again in {max(1, round(slot.wait))} s.", reason="rate_limited",
        )
    context = SendContext(
        test=True,
        tenant_networks=workspace.account.outbound_allowed_networks,
        timeout=(TEST_CONNECT_TIMEOUT, TEST_TOTAL_SECONDS - TEST_CONNECT_TIMEOUT),
        total_timeout=TEST_TOTAL_SECONDS - TEST_CONNECT_TIMEOUT,
    )
    try:
        message, _ = preview_message(workspace=workspace, event_type=event_type or DEFAULT_TEST_EVENT_TYPE,
                                     channel=channel.key, settings_=settings_ or MessageSettings(),
                                     use_last_event=use_last_event)
        result = adapter.send(message, config, secrets, context)
    except DeliveryError as exc:
        rate_limit_sent(slot)
        code = exc.provider_code or (f"HTTP {exc.http_status}" if exc.http_status else "")
        message = exc.message
        if exc.provider_code and message.startswith(exc.provider_code):
            message = message[len(exc.provider_code):].strip()
        logger.info("connectivity test of a %s target failed: %s %s", method, code, message)
        return ConnectivityResult(False, code, message, reason=exc.reason, host=exc.host)
    rate_limit_sent(slot)
    return ConnectivityResult(True, result.provider_code or "0", "The test message was delivered.")


@operation(Check("eventbridge:UpdateTargets", BUS),
           values=lambda target, **_: {"account": target.rule.bus.workspace.account,
                                       "workspace": target.rule.bus.workspace.name})
def connectivity_test_saved(*, actor, target) -> ConnectivityResult:
    """Test Connectivity of a saved target with its saved settings (a disabled target's first step
    back); a success is recorded on the target (notifications.services.health.target_enable needs it)."""
    workspace = target.rule.bus.workspace
    result = connectivity_test(actor=actor, workspace=workspace, method=target.method, config=dict(target.config or {}),
                               secrets=dict(target.secrets or {}), settings_=target_message_settings(target))
    if result.ok:
        target_tested_ok(target=target)
    return result
