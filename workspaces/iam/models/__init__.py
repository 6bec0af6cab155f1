"""Identity and access: console users (account owners and sub-users), RAM policies, the audit log."""

from .audit import AuditLogEntry
from .users import Policy, User

__all__ = ["AuditLogEntry", "Policy", "User"]
