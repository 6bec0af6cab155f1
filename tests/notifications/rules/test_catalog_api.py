"""GET /api/v1/catalog/ and the refusals that name what would be accepted (issue 16)."""

from notifications.catalog import SOURCES_BY_KEY

from .conftest import DINGTALK_WEBHOOK, DLC_FAILED
from .test_rule_api import body, rules_url


def test_the_catalog_lists_sources_types_variables_scopes_methods_and_quotas(owner_api):
    catalog = owner_api.get("/api/v1/catalog/").json()

    sources = {source["key"]: source for source in catalog["sources"]}
    assert list(sources) == ["flow_task", "dlc_job", "dsw_instance", "model", "notification_system"]
    failed = {et["type"]: et for et in sources["dlc_job"]["event_types"]}["pai:DLC:JobFailed"]
    assert (failed["name"], failed["label"], failed["group"]) == ("JobFailed", "Job Failed", "Job progress")
    variables = {v["name"]: v["example"] for v in failed["variables"]}
    assert variables["resourceName"] == "resnet50-train" and variables["timeoutMinutes"] == "60"
    assert [scope["key"] for scope in sources["model"]["scopes"]] == ["mine", "all", "models"]
    assert sources["dlc_job"]["methods"] == ["dingtalk", "wecom", "lark", "contacts"]
    assert "http" in sources["model"]["methods"] and "eas_update" in sources["model"]["methods"]
    platform = sources["notification_system"]
    assert platform["label"] == "Notification system"
    assert [et["type"] for et in platform["event_types"]] == [
        "pai:NotificationSystem:TargetDisabled", "pai:NotificationSystem:DeliveryDead",
        "pai:NotificationSystem:QuotaNearlyUsed", "pai:NotificationSystem:ReplayFinished"]
    assert platform["methods"] == ["dingtalk", "wecom", "lark", "http", "contacts"]  # never an EAS update
    quota = {v["name"]: v["example"] for v in platform["event_types"][2]["variables"]}
    assert (quota["quota"], quota["used"], quota["limit"], quota["period"]) == ("free_tier", "400", "500", "2026-11")
    methods = {method["key"]: method for method in catalog["methods"]}
    assert methods["http"]["sources"] == ["model", "notification_system"]
    assert methods["eas_update"]["sources"] == ["model"] and methods["dingtalk"]["supports_test"] is True
    assert [(f["name"], f["secret"]) for f in methods["dingtalk"]["config"]] == [("webhook", True),
                                                                                 ("signing_key", True)]
    assert catalog["quotas"]["rules_per_bus"] == 50 and catalog["quotas"]["put_events_entries"] == 16


def test_the_catalog_needs_a_signed_in_caller(client):
    response = client.get("/api/v1/catalog/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_a_wrong_event_type_is_refused_naming_the_sources_types(owner_api, activated_workspace):
    response = owner_api.post(rules_url(activated_workspace), body(event_types=["pai:DLC:JobExploded"]),
                              format="json")
    assert response.status_code == 400
    [message] = response.json()["error"]["fields"]["event_types"]
    types = ", ".join(et.key for et in SOURCES_BY_KEY["dlc_job"].event_types)
    assert message == f"Not event types of DLC job: pai:DLC:JobExploded. Its types are: {types}."


def test_a_scope_the_source_does_not_allow_names_the_accepted_values(owner_api, activated_workspace):
    response = owner_api.post(rules_url(activated_workspace), body(scope="models"), format="json")
    assert response.json()["error"]["fields"]["scope"] == [
        "Scope 'models' is not available for DLC job; choose one of: mine (Created by me), "
        "all (All in current workspace)."]


def test_a_dingtalk_key_of_the_wrong_length_is_refused_with_the_length_rule(owner_api, activated_workspace):
    data = body(targets=[{"method": "dingtalk", "config": {"webhook": DINGTALK_WEBHOOK, "signing_key": "SECabc"}}])
    response = owner_api.post(rules_url(activated_workspace), data, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["targets[0].config.signing_key"] == [
        "Enter the robot's signing key: SEC followed by 8 to 200 letters and digits (11 to 203 characters in "
        "all); this one has 6 characters."]
    assert DLC_FAILED in body()["event_types"]


def test_an_http_target_at_the_metadata_address_is_refused_at_save_naming_the_field(owner_api, activated_workspace):
    data = body(source="model", event_types=["pai:ModelManagement:ModelVersionApproved"],
                targets=[{"method": "http", "config": {"url": "http://169.254.169.254/latest/meta-data/"}}])
    response = owner_api.post(rules_url(activated_workspace), data, format="json")
    assert response.status_code == 400
    [message] = response.json()["error"]["fields"]["targets[0].config.url"]
    assert message.startswith("This address cannot receive notifications: address not allowed")
