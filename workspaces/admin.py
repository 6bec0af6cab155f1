from . import accounts, policies, resources  # noqa: F401  (each registers its models)
