"""Tenancy: accounts (the tenants), their workspaces, EventBridge activation, the service-linked role
and each workspace's event bus (`bus`: its name, ARNs and readiness, in one home)."""
