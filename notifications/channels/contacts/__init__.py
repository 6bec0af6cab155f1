"""Voice call, text message and email to the account's contacts: one delivery method whose targets
fan out to the voice, sms and email channels (each its own package)."""

from notifications.catalog import CONTACTS
from notifications.channels.spec import DeliveryMethod

from .schema import ContactsConfig

METHOD = DeliveryMethod("contacts", "Voice call, text message, and email", ContactsConfig, CONTACTS,
                        needs_contacts=True, templated=True)
CHANNELS = ()
