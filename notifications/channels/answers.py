"""What a platform's answer means for the target: one of four classes, decoded per platform by the
table each channel package keeps next to its adapter (`<channel>/outcomes.py`).

- gone: the target cannot work until someone changes it (a revoked token, a removed bot, HTTP 410);
  the delivery is dead and the target's health counts it (notifications.services.health).
- misconfigured: this message or this target's settings are refused (a signature, a keyword, an IP
  allow-list, a malformed message); the delivery is dead, the target stays enabled.
- throttled: the platform wants fewer messages; the bot is paused for the platform's window, for
  every worker (notifications.services.ratelimit.rate_limit_pause), and the delivery retried after it.
- transient: try again with backoff (busy, 5xx, timeouts, TLS, DNS failures, refused connections).
"""

from __future__ import annotations

from dataclasses import dataclass

GONE = "gone"
MISCONFIGURED = "misconfigured"
THROTTLED = "throttled"
TRANSIENT = "transient"
CLASSES = (GONE, MISCONFIGURED, THROTTLED, TRANSIENT)
PERMANENT_CLASSES = (GONE, MISCONFIGURED)
CLASS_LABELS = {GONE: "Gone", MISCONFIGURED: "Misconfigured", THROTTLED: "Throttled", TRANSIENT: "Transient"}


@dataclass(frozen=True)
class Answer:
    """One platform answer: its class, what it means in words a user can act on, and for a
    throttled answer the platform's window in seconds (before RATE_LIMIT_WINDOW_SCALE)."""

    klass: str
    words: str
    wait: float | None = None

    def __post_init__(self):
        if self.klass not in CLASSES:
            raise ValueError(f"unknown outcome class {self.klass!r}")

    @property
    def permanent(self) -> bool:
        return self.klass in PERMANENT_CLASSES


def class_of(*, permanent: bool) -> str:
    """The class of an error no table decoded: permanent ones are misconfigured, the rest transient."""
    return MISCONFIGURED if permanent else TRANSIENT
