"""Console routes: notice rules (the Create Notice Rule drawer and row actions), message receiving
settings (contacts), quotas and account settings (the default message language)."""

from django.urls import path

from notifications.views import account, contacts, quotas, rules, targets

urlpatterns = [
    path("workspaces/<int:workspace_id>/rules/", rules.rule_list, name="rule-list"),
    path("workspaces/<int:workspace_id>/rules/new/", rules.rule_create, name="rule-create"),
    path("workspaces/<int:workspace_id>/rules/form/", rules.rule_form_refresh, name="rule-form-refresh"),
    path("workspaces/<int:workspace_id>/rules/test-connectivity/", rules.rule_test_connectivity,
         name="rule-test-connectivity"),
    path("workspaces/<int:workspace_id>/rules/preview/", rules.rule_preview, name="rule-preview"),
    path("workspaces/<int:workspace_id>/rules/<int:rule_id>/edit/", rules.rule_update, name="rule-update"),
    path("workspaces/<int:workspace_id>/rules/<int:rule_id>/enable/", rules.rule_enable, name="rule-enable"),
    path("workspaces/<int:workspace_id>/rules/<int:rule_id>/disable/", rules.rule_disable, name="rule-disable"),
    path("workspaces/<int:workspace_id>/rules/<int:rule_id>/delete/", rules.rule_delete, name="rule-delete"),
    path("workspaces/<int:workspace_id>/targets/<int:target_id>/test-connectivity/", targets.target_test_saved,
         name="target-test-saved"),
    path("workspaces/<int:workspace_id>/targets/<int:target_id>/enable/", targets.target_reenable,
         name="target-enable"),
    path("workspaces/<int:workspace_id>/recoveries/", targets.recovery_create, name="recovery-create"),
    path("workspaces/<int:workspace_id>/recoveries/<int:recovery_id>/", targets.recovery_detail,
         name="recovery-progress"),
    path("rules/drawer/close/", rules.rule_drawer_close, name="rule-drawer-close"),
    path("account/contacts/", contacts.contact_list, name="contact-list"),
    path("account/contacts/new/", contacts.contact_create, name="contact-create"),
    path("account/contacts/<int:contact_id>/edit/", contacts.contact_update, name="contact-update"),
    path("account/contacts/<int:contact_id>/delete/", contacts.contact_delete, name="contact-delete"),
    path("account/quotas/", quotas.quota_page, name="quota-page"),
    path("account/settings/", account.account_settings, name="account-settings"),
]
