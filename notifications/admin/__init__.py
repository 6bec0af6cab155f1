from . import deliveries, events, messages, rules, usage  # noqa: F401  (each registers its models)
