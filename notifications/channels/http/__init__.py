"""HTTP/HTTPS endpoint: the CloudEvents envelope, signed per Standard Webhooks."""

from notifications.catalog import WEBHOOK
from notifications.channels.spec import Channel, DeliveryMethod

from .adapter import HttpAdapter
from .schema import HttpConfig

METHOD = DeliveryMethod("http", "HTTP/HTTPS", HttpConfig, WEBHOOK, templated=True)
CHANNELS = (Channel("http", "HTTP/HTTPS", "http", HttpAdapter, method="http", fake="fake_http_receiver",
                    inline=True),)
