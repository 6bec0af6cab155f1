"""Voice call, text message and email: contacts of the account's message receiving settings, picked
per channel. Each (contact, channel) is one quota unit, not deduplicated (the seed: Alice and Tony by
text message plus Alice and Alan by email = 4)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from notifications.channels.schema import CleanedConfig, ConfigField, ConfigSchema
from notifications.models import Contact

CHANNELS = (
    # channel, label, the contact attribute it needs, that attribute's name
    ("voice", "Voice call", "mobile", "mobile number"),
    ("sms", "Text message", "mobile", "mobile number"),
    ("email", "Email", "email", "email address"),
)


def _ids(raw) -> list:
    if raw in (None, ""):
        return []
    if isinstance(raw, str | int):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        raise ValueError("not a list")
    return [str(item).strip() for item in raw if str(item).strip()]


class ContactsConfig(ConfigSchema):
    fields = tuple(
        ConfigField(channel, label, widget="contacts", required=False, channel=channel, picks=True, multiple=True,
                    api_value="a list of contact ids", list_action="cms:DescribeContactList", list_resource="contact/*",
                    help=f"Contacts reached by {label.lower()}; each one uses one quota unit.")
        for channel, label, _, _ in CHANNELS
    )

    def count_units(self, values: dict) -> int:
        total = 0
        for channel, *_ in CHANNELS:
            try:
                total += len(set(_ids(values.get(channel))))
            except ValueError:
                total += 1
        return total

    def clean_values(self, values, *, context, stored_secrets):
        errors: dict[str, list[str]] = {}
        config: dict[str, list[int]] = {}
        links = []
        for channel, label, attribute, attribute_name in CHANNELS:
            try:
                ids = [int(item) for item in dict.fromkeys(_ids(values.get(channel)))]
            except (ValueError, TypeError):
                errors[channel] = ["Choose contacts from the message receiving settings."]
                continue
            found = {c.pk: c for c in Contact.objects.filter(account=context.account, pk__in=ids)}
            missing = [i for i in ids if i not in found]
            if missing:
                errors[channel] = ["Choose contacts from the message receiving settings."]
                continue
            lacking = [found[i].name for i in ids if not getattr(found[i], attribute)]
            if lacking:
                errors[channel] = [f"{', '.join(lacking)} has no {attribute_name} for {label.lower()}."]
                continue
            config[channel] = ids
            links.extend((channel, found[i]) for i in ids)
        if not errors and not links:
            errors[CHANNELS[0][0]] = [
                "Choose at least one contact for voice call, text message or email "
                "(add contacts under Message Receiving Settings first)."
            ]
        if errors:
            raise ValidationError(errors)
        return CleanedConfig(config=config, secrets={}, units=len(links), contacts=links)

    def choices(self, name, *, context):
        return [(str(contact.pk), contact.name) for contact in Contact.objects.filter(account=context.account)]

    def saved_units(self, target) -> int:
        return target.contact_links.count() if target.pk else 0

    def initial_values(self, target) -> dict:
        values = {channel: [] for channel, *_ in CHANNELS}
        for link in target.contact_links.all():
            values.setdefault(link.channel, []).append(str(link.contact_id))
        return values

    def masked(self, target) -> dict:
        return {channel: [int(i) for i in ids] for channel, ids in self.initial_values(target).items()}

    def summary(self, target) -> str:
        parts = []
        by_channel: dict[str, list[str]] = {}
        for link in target.contact_links.all():
            by_channel.setdefault(link.channel, []).append(link.contact.name)
        for channel, label, *_ in CHANNELS:
            if by_channel.get(channel):
                parts.append(f"{label}: {', '.join(by_channel[channel])}")
        return "; ".join(parts)
