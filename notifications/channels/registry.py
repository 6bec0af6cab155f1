"""The channel registry: every delivery method a rule target can use, with its label, its config
schema, its capability flags and its adapters. Forms, serializers, validation, templates and routing
read it; no code outside a method's own package asks `if method == "dingtalk"`.

A *delivery method* is what the Create Notice Rule form offers (DingTalk notification, ...). A
*channel* is how one message leaves (dingtalk, email, sms, ...): the contacts method fans out to three
channels. Each method's package holds `schema.py` (config validation) and each channel's `adapter.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from importlib import import_module

from notifications.catalog import sources_allowing, type_key


def _load(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(import_module(module), name)


@dataclass(frozen=True)
class DeliveryMethod:
    key: str
    label: str
    schema_path: str  # dotted path of the config schema class (validation, form fields)
    supports_test: bool = False  # Test Connectivity
    needs_contacts: bool = False
    needs_eas_service: bool = False
    # Why Test Connectivity is disabled (the FAQ's reason), for methods without it.
    test_disabled_reason: str = (
        "Test Connectivity is only available for DingTalk, WeCom, and Lark delivery methods. "
        "It is not available for HTTP/HTTPS, voice/text/email or EAS service update targets."
    )

    @property
    def sources(self) -> list[str]:
        return sources_allowing(self.key)

    @cached_property
    def schema(self):
        return _load(self.schema_path)


@dataclass(frozen=True)
class Channel:
    key: str
    label: str
    queue: str  # the Celery queue class: chat, http, email, telephony, eas
    task_name: str
    adapter_path: str  # dotted path of the adapter class
    method: str = ""  # the delivery method whose targets send through this channel
    # The event types this channel acts on (empty: every type its method's sources allow). The EAS
    # update switches a service only when a version is approved, not on any status change.
    event_types: tuple[str, ...] = ()
    # Sent by the routing task itself when an event has few deliveries (settings.DELIVERY_INLINE_MAX):
    # one task hop instead of two. Only for channels whose sends are one short HTTP request.
    inline: bool = False

    @cached_property
    def adapter(self):
        return _load(self.adapter_path)()

    def handles(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


METHODS: tuple[DeliveryMethod, ...] = (
    DeliveryMethod("dingtalk", "DingTalk notification", "notifications.channels.dingtalk.schema.DingTalkConfig",
                   supports_test=True),
    DeliveryMethod("wecom", "WeCom notification", "notifications.channels.wecom.schema.WeComConfig",
                   supports_test=True),
    DeliveryMethod("lark", "Lark notification", "notifications.channels.lark.schema.LarkConfig",
                   supports_test=True),
    DeliveryMethod("http", "HTTP/HTTPS", "notifications.channels.http.schema.HttpConfig"),
    DeliveryMethod("contacts", "Voice call, text message, and email",
                   "notifications.channels.contacts.schema.ContactsConfig", needs_contacts=True),
    DeliveryMethod("eas_update", "EAS service update", "notifications.channels.eas.schema.EasUpdateConfig",
                   needs_eas_service=True),
)

CHANNELS: tuple[Channel, ...] = (
    Channel("dingtalk", "DingTalk", "chat", "notifications.tasks.deliver_chat",
            "notifications.channels.dingtalk.adapter.DingTalkAdapter", method="dingtalk", inline=True),
    Channel("wecom", "WeCom", "chat", "notifications.tasks.deliver_chat",
            "notifications.channels.wecom.adapter.WeComAdapter", method="wecom", inline=True),
    Channel("lark", "Lark", "chat", "notifications.tasks.deliver_chat",
            "notifications.channels.lark.adapter.LarkAdapter", method="lark", inline=True),
    Channel("http", "HTTP/HTTPS", "http", "notifications.tasks.deliver_http",
            "notifications.channels.http.adapter.HttpAdapter", method="http", inline=True),
    Channel("email", "Email", "email", "notifications.tasks.deliver_email",
            "notifications.channels.email.adapter.EmailAdapter", method="contacts"),
    Channel("sms", "Text message", "telephony", "notifications.tasks.deliver_telephony",
            "notifications.channels.sms.adapter.SmsAdapter", method="contacts"),
    Channel("voice", "Voice call", "telephony", "notifications.tasks.deliver_telephony",
            "notifications.channels.voice.adapter.VoiceAdapter", method="contacts"),
    Channel("eas", "EAS service update", "eas", "notifications.tasks.deliver_eas",
            "notifications.channels.eas.adapter.EasUpdateAdapter", method="eas_update",
            event_types=(type_key("model", "ModelVersionApproved"),)),
)

METHODS_BY_KEY = {method.key: method for method in METHODS}
CHANNELS_BY_KEY = {channel.key: channel for channel in CHANNELS}
METHOD_CHOICES = [(method.key, method.label) for method in METHODS]


def get_method(key: str) -> DeliveryMethod:
    try:
        return METHODS_BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown delivery method {key!r}; known: {', '.join(METHODS_BY_KEY)}") from None


def get_channel(key: str) -> Channel:
    return CHANNELS_BY_KEY[key]


def methods_for_source(source_key: str) -> list[DeliveryMethod]:
    return [method for method in METHODS if source_key in method.sources]


def channel_for_method(method_key: str) -> Channel | None:
    """The one channel a method's target sends through; None for methods that fan out per contact
    (the contact link names the channel)."""
    channels = [channel for channel in CHANNELS if channel.method == method_key]
    return channels[0] if len(channels) == 1 else None
