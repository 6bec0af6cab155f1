from django.urls import path

from notifications.api import catalog, contacts, previews, quotas, replays, rules, targets

urlpatterns = [
    path("catalog/", catalog.CatalogView.as_view(), name="api-catalog"),
    path("workspaces/<int:workspace_id>/rules/", rules.RuleListCreateView.as_view(), name="api-rule-list"),
    path("workspaces/<int:workspace_id>/rules/test-connectivity/", rules.RuleTestConnectivityView.as_view(),
         name="api-rule-test-connectivity"),
    path("workspaces/<int:workspace_id>/rules/preview/", previews.PreviewView.as_view(), name="api-rule-preview"),
    path("workspaces/<int:workspace_id>/rules/variables/", previews.VariablesView.as_view(),
         name="api-rule-variables"),
    path("workspaces/<int:workspace_id>/rules/<int:rule_id>/", rules.RuleDetailView.as_view(), name="api-rule-detail"),
    path("workspaces/<int:workspace_id>/rules/<int:rule_id>/enable/", rules.RuleEnableView.as_view(),
         name="api-rule-enable"),
    path("workspaces/<int:workspace_id>/rules/<int:rule_id>/disable/", rules.RuleDisableView.as_view(),
         name="api-rule-disable"),
    path("workspaces/<int:workspace_id>/targets/<int:target_id>/test-connectivity/",
         targets.TargetTestConnectivityView.as_view(), name="api-target-test-connectivity"),
    path("workspaces/<int:workspace_id>/targets/<int:target_id>/enable/", targets.TargetEnableView.as_view(),
         name="api-target-enable"),
    path("workspaces/<int:workspace_id>/recoveries/", targets.RecoveryCreateView.as_view(), name="api-recovery-list"),
    path("workspaces/<int:workspace_id>/recoveries/<int:recovery_id>/", targets.RecoveryDetailView.as_view(),
         name="api-recovery-detail"),
    path("workspaces/<int:workspace_id>/replays/", replays.ReplayListCreateView.as_view(), name="api-replay-list"),
    path("workspaces/<int:workspace_id>/replays/<int:replay_id>/", replays.ReplayDetailView.as_view(),
         name="api-replay-detail"),
    path("workspaces/<int:workspace_id>/replays/<int:replay_id>/cancel/", replays.ReplayCancelView.as_view(),
         name="api-replay-cancel"),
    path("contacts/", contacts.ContactListCreateView.as_view(), name="api-contact-list"),
    path("contacts/<int:contact_id>/", contacts.ContactDetailView.as_view(), name="api-contact-detail"),
    path("quotas/", quotas.QuotaView.as_view(), name="api-quota"),
    path("quotas/requests/", quotas.QuotaRequestListCreateView.as_view(), name="api-quota-request-list"),
]
