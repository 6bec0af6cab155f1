"""Console routes of identity and access: sign in and out, users, RAM policies, the audit log and API
tokens (account pages under /account/)."""

from django.urls import path

from workspaces.iam.views import audit, policies, tokens, users
from workspaces.iam.views.auth import LoginView, LogoutView

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("account/users/", users.user_list_view, name="user-list"),
    path("account/users/new/", users.user_create_view, name="user-create"),
    path("account/users/<int:pk>/policies/attach/", users.user_attach_policy_view, name="user-attach-policy"),
    path("account/users/<int:pk>/policies/<int:policy_id>/detach/", users.user_detach_policy_view,
         name="user-detach-policy"),
    path("account/policies/", policies.policy_list_view, name="policy-list"),
    path("account/policies/new/", policies.policy_create_view, name="policy-create"),
    path("account/policies/validate/", policies.policy_validate_view, name="policy-validate"),
    path("account/policies/<int:pk>/", policies.policy_edit_view, name="policy-edit"),
    path("account/policies/<int:pk>/delete/", policies.policy_delete_view, name="policy-delete"),
    path("account/audit/", audit.audit_log_view, name="audit-log"),
    path("account/tokens/", tokens.token_page, name="token-page"),
]
