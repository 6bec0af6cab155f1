from .deliveries import Delivery, DeliveryAttempt
from .events import Event
from .messages import AccountMessageSettings
from .ratelimit import RateLimitBucket
from .recovery import Recovery
from .replay import ReplayJob
from .rules import (
    Contact,
    QuotaIncreaseRequest,
    RoutingKey,
    Rule,
    RuleEventType,
    Target,
    TargetContact,
    TargetHealth,
    TargetQuota,
)
from .usage import UsageCounter

__all__ = [
    "AccountMessageSettings",
    "Contact",
    "Delivery",
    "DeliveryAttempt",
    "Event",
    "QuotaIncreaseRequest",
    "RateLimitBucket",
    "Recovery",
    "ReplayJob",
    "RoutingKey",
    "Rule",
    "RuleEventType",
    "Target",
    "TargetContact",
    "TargetHealth",
    "TargetQuota",
    "UsageCounter",
]
