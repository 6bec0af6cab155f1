"""The channel registry: every delivery method a rule target can use and every channel a message
leaves by, read from the channel packages. Forms, serializers, validation, templates, routing and
the Celery queues read it; no code outside a method's own package asks `if method == "dingtalk"`.

Adding a channel is one package under `notifications/channels/` (its `__init__.py` declares its
METHOD and CHANNELS: see `spec.py`) and one line in PACKAGES below.
"""

from __future__ import annotations

from notifications.channels import contacts, dingtalk, eas_update, email, http, lark, sms, voice, wecom
from notifications.channels.spec import Channel, DeliveryMethod

# The one list of channel packages, in the order the Create Notice Rule form offers their methods.
PACKAGES = (dingtalk, wecom, lark, http, contacts, eas_update, email, sms, voice)

METHODS: tuple[DeliveryMethod, ...] = tuple(package.METHOD for package in PACKAGES if package.METHOD)
CHANNELS: tuple[Channel, ...] = tuple(channel for package in PACKAGES for channel in package.CHANNELS)

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


def message_channels(method_key: str) -> list[str]:
    """The channels by which a target of this method sends messages its templates shape (contacts:
    email, sms, voice); none for methods whose messages no template shapes (HTTP, EAS)."""
    if not get_method(method_key).templated:
        return []
    return [channel.key for channel in CHANNELS if channel.method == method_key]


def config_help() -> str:
    """Every method's config fields, for the API's documentation of a target's `config`."""
    return "; ".join(f"{method.key}: {method.schema.fields_help()}" for method in METHODS)
