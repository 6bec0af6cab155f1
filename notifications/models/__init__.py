from .deliveries import Delivery, DeliveryAttempt
from .events import Event
from .ratelimit import RateLimitBucket
from .rules import Contact, QuotaIncreaseRequest, Rule, RuleEventType, Target, TargetContact, TargetQuota
from .usage import UsageCounter

__all__ = [
    "Contact",
    "Delivery",
    "DeliveryAttempt",
    "Event",
    "QuotaIncreaseRequest",
    "RateLimitBucket",
    "Rule",
    "RuleEventType",
    "Target",
    "TargetContact",
    "TargetQuota",
    "UsageCounter",
]
