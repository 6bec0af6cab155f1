"""How a mail server answers (RFC 5321 4.2.1, https://www.rfc-editor.org/rfc/rfc5321#section-4.2.1):
2yz accepted; 4yz a transient failure (try later); 5yz permanent. 421 is the server closing the
channel (busy, too many connections) and 450/451/452 mailbox busy, local error, storage: transient.
A refused recipient or sender is the address (the contact's, or the operator's DEFAULT_FROM_EMAIL)."""

from __future__ import annotations

from notifications.channels.answers import MISCONFIGURED, TRANSIENT, Answer

RECIPIENT_REFUSED = Answer(MISCONFIGURED, "The mail server refused the contact's address (no such mailbox?).")
SENDER_REFUSED = Answer(MISCONFIGURED, "The mail server refused the sender address (DEFAULT_FROM_EMAIL).")
UNREACHABLE = Answer(TRANSIENT, "The mail server could not be reached; retried with backoff.")
TEMPORARY = Answer(TRANSIENT, "The mail server deferred the message (4xx); retried with backoff.")
REFUSED = Answer(MISCONFIGURED, "The mail server refused the message (5xx).")


def smtp_answer(code: int) -> Answer:
    return TEMPORARY if 400 <= code < 500 else REFUSED
