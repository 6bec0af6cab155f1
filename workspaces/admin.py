from workspaces.iam import admin as iam_admin  # noqa: F401  (each registers its models)
from workspaces.pai_resources import admin as pai_resources_admin  # noqa: F401
from workspaces.tenancy import admin as tenancy_admin  # noqa: F401
