"""Message receiving settings: the account's contacts (name, mobile, email) that voice call, text
message and email targets name. A contact in use cannot be deleted; the refusal names the rules."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from notifications.models import Contact
from notifications.selectors.rules import contact_channels_in_use, contact_rules
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import CONTACT, Check, operation

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
CHINA_MOBILE = re.compile(r"^1[3-9]\d{9}$")
MOBILE_HELP = "an international number in E.164 form (+8613812345678) or an 11-digit Chinese mobile number"
# The error the service gives (and the console form shows as its help, translated).
MOBILE_RULE = gettext_noop("Enter an international number in E.164 form (+8613812345678) or an 11-digit "
                           "Chinese mobile number.")


class ContactInUse(ValidationError):
    """Deleting (or changing) a contact that rules still use."""

    def __init__(self, message: str, rules):
        self.rules = list(rules)
        super().__init__(message)


def normalize_mobile(mobile: str) -> str:
    return re.sub(r"[\s\-()]", "", mobile or "")


def _clean(*, account, contact, name, mobile, email) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    mobile = normalize_mobile(mobile)
    email = (email or "").strip()
    if not name:
        errors["name"] = ["Name is required."]
    elif len(name) > 64:
        errors["name"] = [f"The name has {len(name)} characters; the limit is 64."]
    elif Contact.objects.filter(account=account, name=name).exclude(pk=getattr(contact, "pk", None)).exists():
        errors["name"] = [f"A contact named {name} already exists."]
    if mobile and not (E164.match(mobile) or CHINA_MOBILE.match(mobile)):
        errors["mobile"] = [MOBILE_RULE]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["Enter a valid email address."]
        if len(email) > 254:
            errors["email"] = [f"The email address has {len(email)} characters; the limit is 254."]
    if not mobile and not email and "mobile" not in errors and "email" not in errors:
        errors["mobile"] = ["Enter a mobile number, an email address, or both."]
    if errors:
        raise ValidationError(errors)
    return name, mobile, email


def _rule_names(rules) -> str:
    return ", ".join(f"{rule.name} (workspace {rule.bus.workspace.name})" for rule in rules)


def _requested(name) -> str:
    """The contact a create or rename produces: the name asked for, `*` while it is not a valid one."""
    name = name.strip() if isinstance(name, str) else ""
    return name if 0 < len(name) <= 64 else "*"


def _contact_values(contact, name=None, **_) -> dict:
    return {"account": contact.account, "contact": contact.name,
            "new_name": contact.name if _requested(name) == "*" else _requested(name)}


# Checked on the contact the change produces: a Deny on a contact's name also stops creating a
# contact under it, or renaming one into it.
@operation(Check("cms:PutContact", CONTACT),
           values=lambda account, name=None, **_: {"account": account, "contact": _requested(name)})
def contact_create(*, actor, account, name: str, mobile: str = "", email: str = "") -> Contact:
    name, mobile, email = _clean(account=account, contact=None, name=name, mobile=mobile, email=email)
    try:
        with transaction.atomic():
            contact = Contact.objects.create(account=account, name=name, mobile=mobile, email=email)
            audit_record(actor=actor, account=account, action="contact.create", obj=contact,
                         changes={"name": [None, name], "mobile": [None, mobile], "email": [None, email]})
    except IntegrityError:
        raise ValidationError({"name": [f"A contact named {name} already exists."]})
    return contact


@operation(Check("cms:PutContact", CONTACT), Check("cms:PutContact", CONTACT.replace("<contact>", "<new_name>")),
           values=_contact_values)
def contact_update(*, actor, contact: Contact, name: str, mobile: str = "", email: str = "") -> Contact:
    account = contact.account
    name, mobile, email = _clean(account=account, contact=contact, name=name, mobile=mobile, email=email)
    channels = contact_channels_in_use(contact=contact)
    if not mobile and channels & {"voice", "sms"}:
        raise ValidationError({"mobile": [
            f"{contact.name} receives voice calls or text messages for rules "
            f"{_rule_names(contact_rules(contact=contact))}: keep a mobile number."]})
    if not email and "email" in channels:
        raise ValidationError({"email": [
            f"{contact.name} receives email for rules {_rule_names(contact_rules(contact=contact))}: "
            "keep an email address."]})
    before = {"name": contact.name, "mobile": contact.mobile, "email": contact.email}
    after = {"name": name, "mobile": mobile, "email": email}
    try:
        with transaction.atomic():
            contact.name, contact.mobile, contact.email = name, mobile, email
            contact.save()
            audit_record(actor=actor, account=account, action="contact.update", obj=contact,
                         changes={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    except IntegrityError:
        raise ValidationError({"name": [f"A contact named {name} already exists."]})
    return contact


@operation(Check("cms:DeleteContact", CONTACT), values=_contact_values)
def contact_delete(*, actor, contact: Contact) -> None:
    account = contact.account
    with transaction.atomic():
        rules = contact_rules(contact=contact)
        if rules:
            raise ContactInUse(
                f"Contact {contact.name} is used by {len(rules)} rule{'s' if len(rules) != 1 else ''}: "
                f"{_rule_names(rules)}. Remove it from those rules first.",
                rules,
            )
        audit_record(actor=actor, account=account, action="contact.delete", obj=contact,
                     changes={"name": [contact.name, None], "mobile": [contact.mobile, None],
                              "email": [contact.email, None]})
        contact.delete()
