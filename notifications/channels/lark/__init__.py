"""Lark (Feishu) custom bot: a webhook with the token in its path, optionally signed; cards."""

from notifications.catalog import CHAT_BOT
from notifications.channels.spec import Channel, DeliveryMethod

from .adapter import LarkAdapter
from .schema import LarkConfig

METHOD = DeliveryMethod("lark", "Lark notification", LarkConfig, CHAT_BOT, supports_test=True,
                         templated=True)
CHANNELS = (Channel("lark", "Lark", "chat", LarkAdapter, method="lark", fake="fake_lark", inline=True),)
