"""Identity and access: console users and sub-users (RAM users), their API tokens, RAM policies, the
policy engine that authorizes every operation (`permissions`), and the audit log (`audit`)."""
