"""DingTalk custom group robot: signed webhook, markdown or actionCard messages."""

from notifications.catalog import CHAT_BOT
from notifications.channels.spec import Channel, DeliveryMethod

from .adapter import DingTalkAdapter
from .schema import DingTalkConfig

METHOD = DeliveryMethod("dingtalk", "DingTalk notification", DingTalkConfig, CHAT_BOT, supports_test=True,
                         templated=True)
CHANNELS = (Channel("dingtalk", "DingTalk", "chat", DingTalkAdapter, method="dingtalk", fake="fake_dingtalk",
                    inline=True),)
