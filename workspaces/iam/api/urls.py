"""API routes of identity and access: API tokens, users, RAM policies and the audit log (under /api/v1/)."""

from django.urls import path

from workspaces.iam.api.audit import AuditLogView
from workspaces.iam.api.policies import PolicyDetailView, PolicyListCreateView, PolicyValidateView
from workspaces.iam.api.tokens import TokenView
from workspaces.iam.api.users import UserAttachPolicyView, UserDetachPolicyView, UserDetailView, UserListCreateView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("policies/", PolicyListCreateView.as_view(), name="api-policy-list"),
    path("policies/validate/", PolicyValidateView.as_view(), name="api-policy-validate"),
    path("policies/<int:pk>/", PolicyDetailView.as_view(), name="api-policy-detail"),
    path("users/", UserListCreateView.as_view(), name="api-user-list"),
    path("users/<int:pk>/", UserDetailView.as_view(), name="api-user-detail"),
    path("users/<int:pk>/attach/", UserAttachPolicyView.as_view(), name="api-user-attach-policy"),
    path("users/<int:pk>/detach/", UserDetachPolicyView.as_view(), name="api-user-detach-policy"),
    path("audit-log/", AuditLogView.as_view(), name="api-audit-log"),
]
