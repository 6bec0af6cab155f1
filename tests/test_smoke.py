from notifications.catalog import SOURCES


def test_catalog_has_the_four_resource_sources_and_the_notification_system():
    assert [source.label for source in SOURCES] == ["Flow task", "DLC job", "DSW instance", "Model",
                                                    "Notification system"]


def test_fixtures_build_an_activated_workspace(activated_workspace):
    assert activated_workspace.event_bus.name == "pai-system-ws_demo"
