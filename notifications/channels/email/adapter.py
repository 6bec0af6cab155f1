"""Email to one contact, through Django's email backend (EMAIL_URL): HTML and text parts.

A refused recipient or a missing address is permanent; a backend that cannot be reached (SMTP
down, a timeout) is retried."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from notifications.channels.base import ChannelAdapter, DeliveryError, SendContext, SendResult

from .outcomes import RECIPIENT_REFUSED, SENDER_REFUSED, UNREACHABLE, smtp_answer
from .renderer import html_body, subject, text_body


def _masked_address(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:2]}•••@{domain}" if domain else "•••"


class EmailAdapter(ChannelAdapter):
    key = "email"

    def destination(self, target_config: dict, secrets: dict) -> str:
        address = (target_config.get("contact") or {}).get("email", "")
        return f"mailto:{_masked_address(address)}" if address else ""

    def send(self, message, target_config: dict, secrets: dict, context: SendContext | None = None) -> SendResult:
        address = (target_config.get("contact") or {}).get("email", "")
        destination = self.destination(target_config, secrets)
        if not address:
            raise DeliveryError("the contact has no email address", permanent=True, request_url=destination)
        email = EmailMultiAlternatives(subject(message), text_body(message), settings.DEFAULT_FROM_EMAIL, [address],
                                       headers={"X-PAI-Event-Id": message.event_id})
        email.attach_alternative(html_body(message), "text/html")
        try:
            sent = email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError.decoded(RECIPIENT_REFUSED, f"the mail server refused the message: {exc}"[:500],
                                        request_url=destination) from None
        except smtplib.SMTPSenderRefused as exc:
            raise DeliveryError.decoded(SENDER_REFUSED, f"the mail server refused the message: {exc}"[:500],
                                        request_url=destination) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError.decoded(smtp_answer(exc.smtp_code),
                                        f"the mail server answered {exc.smtp_code}: {exc.smtp_error!r}"[:500],
                                        provider_code=exc.smtp_code, request_url=destination) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError.decoded(UNREACHABLE, f"the mail server could not be reached: {exc}"[:500],
                                        request_url=destination) from None
        if not sent:
            raise DeliveryError("the email backend sent nothing", permanent=False, request_url=destination)
        return SendResult(request_url=destination, detail="sent")
