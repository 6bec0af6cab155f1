"""Email to one contact, through Django's email backend (a channel of the contacts method)."""

from notifications.channels.spec import Channel

from .adapter import EmailAdapter

METHOD = None
CHANNELS = (Channel("email", "Email", "email", EmailAdapter, method="contacts", fake="mailoutbox"),)
