"""What a channel package declares, in its `__init__.py`: the delivery method its targets use
(`METHOD`: label, config schema, kind, flags) and the channels its messages leave by (`CHANNELS`:
adapter, queue, the test fake that plays the receiver). `registry.py` lists the packages; nothing
else needs a line to add one.

A *delivery method* is what the Create Notice Rule form offers (DingTalk notification, ...). A
*channel* is how one message leaves (dingtalk, email, sms, ...): the contacts method fans out to the
email, sms and voice channels, one delivery per contact and channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from notifications.catalog import sources_allowing

TEST_DISABLED_REASON = (
    "Test Connectivity is only available for DingTalk, WeCom, and Lark delivery methods. "
    "It is not available for HTTP/HTTPS, voice/text/email or EAS service update targets."
)


@dataclass(frozen=True)
class DeliveryMethod:
    key: str
    label: str
    schema: type  # the ConfigSchema subclass: validation, form fields, masking, the API's config help
    kind: str  # notifications.catalog: CHAT_BOT, CONTACTS, WEBHOOK or MODEL_INTEGRATION (which sources allow it)
    supports_test: bool = False  # Test Connectivity
    needs_contacts: bool = False  # fans out to the contacts' channels (the contact link names the channel)
    # Sends a message a target's title and body templates shape (chat bots, contacts; HTTP adds theirs
    # to the envelope).
    templated: bool = False
    # Why Test Connectivity is disabled (the FAQ's reason), for methods without it.
    test_disabled_reason: str = TEST_DISABLED_REASON
    # A replay (notifications.services.replay) sends its targets old events again; False for a method
    # that acts rather than tells (an EAS update would switch a service back to an old version).
    replayable: bool = True

    @property
    def sources(self) -> list[str]:
        return sources_allowing(self.kind)


@dataclass(frozen=True)
class Channel:
    key: str  # also the name of its package under notifications/channels/
    label: str
    queue: str  # the Celery queue its deliveries wait in (settings.CELERY_QUEUE_NAMES)
    adapter_class: type  # the ChannelAdapter subclass
    method: str  # the delivery method whose targets send through this channel
    fake: str  # the pytest fixture that plays the receiver in tests (tests/fakes/fixtures.py)
    # The event types this channel acts on (empty: every type its method's sources allow). The EAS
    # update switches a service only when a version is approved, not on any status change.
    event_types: tuple[str, ...] = ()
    # Sent by the routing task itself when an event has few deliveries (settings.DELIVERY_INLINE_MAX):
    # one task hop instead of two. Only for channels whose sends are one short HTTP request.
    inline: bool = False

    @cached_property
    def adapter(self):
        return self.adapter_class()

    def handles(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types
