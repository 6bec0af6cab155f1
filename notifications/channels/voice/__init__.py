"""Voice call to one contact, through the telephony provider (a channel of the contacts method)."""

from notifications.channels.spec import Channel

from .adapter import VoiceAdapter

METHOD = None
CHANNELS = (Channel("voice", "Voice call", "telephony", VoiceAdapter, method="contacts",
                    fake="fake_aliyun_telephony"),)
