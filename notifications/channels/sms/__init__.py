"""Text message to one contact, through the telephony provider (a channel of the contacts method)."""

from notifications.channels.spec import Channel

from .adapter import SmsAdapter

METHOD = None
CHANNELS = (Channel("sms", "Text message", "telephony", SmsAdapter, method="contacts",
                    fake="fake_aliyun_telephony"),)
