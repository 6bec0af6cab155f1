"""WeCom group robot: a webhook with its key, markdown messages."""

from notifications.catalog import CHAT_BOT
from notifications.channels.spec import Channel, DeliveryMethod

from .adapter import WeComAdapter
from .schema import WeComConfig

METHOD = DeliveryMethod("wecom", "WeCom notification", WeComConfig, CHAT_BOT, supports_test=True,
                         templated=True)
CHANNELS = (Channel("wecom", "WeCom", "chat", WeComAdapter, method="wecom", fake="fake_wecom", inline=True),)
