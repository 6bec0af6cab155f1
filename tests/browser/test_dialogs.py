"""Dialogs that are dialogs (issue 17, point 3): the drawer and every confirmation are modal, take
focus, keep it, close on Esc and on the backdrop, and give it back; one confirmation pattern (rule
delete, contact delete, token rotate and revoke; never the browser's confirm()); approving or
rejecting a model version asks first, says it is final and names the rules and EAS services."""

import pytest
from playwright.sync_api import expect

from .helpers import htmx_idle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_native_dialogs(page):
    def refuse(dialog):
        dialog.dismiss()
        raise AssertionError(f"the browser's own {dialog.type}() was used: {dialog.message}")

    page.on("dialog", refuse)


def active_inside(page, selector: str) -> bool:
    return page.evaluate(f"() => !!document.activeElement.closest({selector!r})")


def test_the_drawer_is_modal_takes_and_keeps_focus_closes_on_esc_and_gives_focus_back(
        page, live_server, login, owner, activated_workspace):
    no_native_dialogs(page)
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{activated_workspace.pk}/configuration/event-notifications/")
    create = page.get_by_test_id("create-notice-rule")
    create.focus()
    page.keyboard.press("Enter")  # opened with the keyboard
    dialog = page.get_by_test_id("rule-dialog")
    expect(dialog).to_be_visible()
    assert dialog.evaluate("d => d.matches(':modal')")  # showModal(): the page behind is inert
    expect(dialog).to_have_attribute("aria-labelledby", "rule-drawer-title")
    assert active_inside(page, "[data-testid=rule-dialog]")
    for _ in range(40):  # Tab never leaves the drawer
        page.keyboard.press("Tab")
        assert active_inside(page, "[data-testid=rule-dialog]") or page.evaluate(
            "() => document.activeElement === document.body")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(create).to_be_focused()


def test_a_click_on_the_backdrop_closes_the_drawer(page, live_server, login, owner, activated_workspace):
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{activated_workspace.pk}/configuration/event-notifications/")
    page.get_by_test_id("create-notice-rule").click()
    dialog = page.get_by_test_id("rule-dialog")
    expect(dialog).to_be_visible()
    htmx_idle(page)
    page.mouse.click(20, 400)  # left of the drawer: the backdrop
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("create-notice-rule")).to_be_focused()


def confirm_pattern(page, testid):
    """The one confirmation: a small modal dialog with a title, the consequences, Cancel and OK."""
    dialog = page.get_by_test_id(testid)
    expect(dialog).to_be_visible()
    assert dialog.evaluate("d => d.tagName === 'DIALOG' && d.matches(':modal') && d.classList.contains('confirm')")
    expect(dialog.locator(".dialog-title")).to_be_visible()
    expect(dialog.get_by_test_id("confirm-cancel")).to_be_focused()  # the safe choice has focus
    expect(dialog.get_by_test_id("confirm-ok")).to_be_visible()
    return dialog


def test_one_confirmation_pattern_for_rules_contacts_and_tokens(page, live_server, login, owner, scene):
    from rest_framework.authtoken.models import Token

    no_native_dialogs(page)
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{scene.workspace.pk}/configuration/event-notifications/")
    row = page.get_by_test_id("rule-row").filter(has_text="dlc-failures")
    row.get_by_test_id("rule-delete").click()
    dialog = confirm_pattern(page, "confirm-delete")
    expect(dialog).to_contain_text("Delete the notice rule dlc-failures and its 2 event targets?")
    dialog.get_by_test_id("confirm-cancel").click()
    expect(dialog).to_have_count(0)
    expect(row.get_by_test_id("rule-delete")).to_be_focused()

    page.goto(f"{live_server.url}/account/contacts/")
    page.get_by_test_id("contact-delete").first.click()
    dialog = confirm_pattern(page, "confirm-delete-contact")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)

    page.goto(f"{live_server.url}/account/tokens/")
    page.get_by_test_id("create-token").click()
    first_key = page.get_by_test_id("new-token").input_value()
    page.get_by_test_id("rotate-token").click()
    dialog = confirm_pattern(page, "confirm-rotate")
    expect(dialog).to_contain_text("stops working at once")
    dialog.get_by_test_id("confirm-ok").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("new-token")).not_to_have_value(first_key)
    expect(page.get_by_test_id("toast").filter(has_text="API token rotated")).to_be_visible()
    page.get_by_test_id("revoke-token").click()
    dialog = confirm_pattern(page, "confirm-revoke")
    dialog.get_by_test_id("confirm-ok").click()
    expect(page.get_by_test_id("create-token")).to_be_visible()
    assert not Token.objects.filter(user=owner).exists()


def test_approving_a_version_asks_first_and_names_the_rules_and_eas_services_it_triggers(
        page, live_server, login, owner, scene):
    no_native_dialogs(page)
    version = scene.model.versions.get(version_name="1.1.0")
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{scene.workspace.pk}/models/{scene.model.pk}/")
    row = page.locator("[data-testid=version-row][data-version='1.1.0']")
    row.get_by_test_id("version-approved").click()
    dialog = confirm_pattern(page, "confirm-approval")
    consequences = dialog.get_by_test_id("confirm-consequences")
    expect(consequences).to_contain_text("Approved is final")
    expect(consequences).to_contain_text("Notice rules triggered: model-release.")
    expect(consequences).to_contain_text(f"EAS services switched to this version: {scene.eas_service.name}.")
    dialog.get_by_test_id("confirm-cancel").click()
    version.refresh_from_db()
    assert version.approval_status == "Pending"  # Cancel changed nothing

    row.get_by_test_id("version-rejected").click()
    dialog = confirm_pattern(page, "confirm-approval")
    expect(dialog.get_by_test_id("confirm-consequences")).to_contain_text("Rejected is final")
    expect(dialog.get_by_test_id("confirm-consequences")).not_to_contain_text("EAS services")
    dialog.get_by_test_id("confirm-ok").click()
    expect(page.get_by_test_id("toast").filter(has_text="Version 1.1.0 is now Rejected.")).to_be_visible()
    version.refresh_from_db()
    assert version.approval_status == "Rejected"


def test_policy_delete_and_detach_use_the_same_confirmation(page, live_server, login, owner, account):
    from workspaces.models import Policy, User

    no_native_dialogs(page)
    policy = Policy.objects.create(account=account, name="ReadEvents", document={
        "Version": "1", "Statement": [{"Effect": "Allow", "Action": ["eventbridge:QueryEvent"], "Resource": "*"}]})
    spare = Policy.objects.create(account=account, name="Spare", document=policy.document)
    bob = User.objects.create_user(username="bob", password="correct-horse-42", account=account)
    bob.policies.add(policy)
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/account/users/")
    page.get_by_test_id("detach-ReadEvents").click()
    dialog = confirm_pattern(page, "confirm-detach")
    expect(dialog).to_contain_text("Detach ReadEvents from bob?")
    dialog.get_by_test_id("confirm-ok").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("toast").filter(has_text="Policy ReadEvents detached from bob.")).to_be_visible()
    expect(page.get_by_test_id("attached-ReadEvents")).to_have_count(0)
    assert not bob.policies.exists()

    page.goto(f"{live_server.url}/account/policies/")
    page.get_by_test_id("delete-Spare").click()
    dialog = confirm_pattern(page, "confirm-delete-policy")
    dialog.get_by_test_id("confirm-ok").click()
    expect(page.get_by_test_id("toast").filter(has_text="Policy Spare deleted.")).to_be_visible()
    assert not Policy.objects.filter(pk=spare.pk).exists()
