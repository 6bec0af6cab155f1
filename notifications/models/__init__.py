from .deliveries import Delivery, DeliveryAttempt
from .events import Event
from .rules import Contact, QuotaIncreaseRequest, Rule, RuleEventType, Target, TargetContact, TargetQuota
from .usage import UsageCounter

__all__ = [
    "Contact",
    "Delivery",
    "DeliveryAttempt",
    "Event",
    "QuotaIncreaseRequest",
    "Rule",
    "RuleEventType",
    "Target",
    "TargetContact",
    "TargetQuota",
    "UsageCounter",
]
