from . import deliveries, events, rules, usage  # noqa: F401  (each registers its models)
