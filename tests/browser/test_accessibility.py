"""Accessibility, measured (issue 17, point 6): axe-core on every console page and on the states that
matter (the rule drawer, a confirmation, the error pages), with no serious or critical violation;
the skip link, labelled controls, typed inputs. The terminal summary of tests/browser/conftest.py
prints the pages checked and the violations by impact (CI's log shows it).

`CONSOLE_PAGES` names a page for every console route that answers a GET with a page; `NOT_PAGES`
says why the other routes are not pages. A route added without either fails
`test_every_console_route_is_walked`."""

import pytest
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver
from playwright.sync_api import expect

from .helpers import htmx_idle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ws(scene, name, **kwargs):
    return reverse(name, kwargs={"workspace_id": scene.workspace.pk, **kwargs})


def _contact(scene):
    return scene.workspace.account.contacts.order_by("pk").first()


def _version(scene):
    return scene.model.versions.get(version_name="1.1.0")


CONSOLE_PAGES = {
    "workspace-list": lambda s: reverse("workspace-list"),
    "workspace-detail": lambda s: _ws(s, "workspace-detail"),
    "workspace-event-notifications": lambda s: _ws(s, "workspace-event-notifications"),
    "replay-page": lambda s: _ws(s, "replay-page"),
    "model-list": lambda s: _ws(s, "model-list"),
    "model-detail": lambda s: _ws(s, "model-detail", model_id=s.model.pk),
    "model-version-status": lambda s: _ws(s, "model-version-status", model_id=s.model.pk,
                                          version_id=_version(s).pk) + "?approval_status=Approved",
    "eas-service-list": lambda s: _ws(s, "eas-service-list"),
    "eas-service-detail": lambda s: _ws(s, "eas-service-detail", service_id=s.eas_service.pk),
    "dlc-job-list": lambda s: _ws(s, "dlc-job-list"),
    "dlc-job-detail": lambda s: _ws(s, "dlc-job-detail", job_id=s.dlc_job.pk),
    "dsw-list": lambda s: _ws(s, "dsw-list"),
    "dsw-detail": lambda s: _ws(s, "dsw-detail", instance_id=s.workspace.dsw_instances.first().pk),
    "flow-task-list": lambda s: _ws(s, "flow-task-list"),
    "flow-task-detail": lambda s: _ws(s, "flow-task-detail", task_id=s.workspace.flow_tasks.first().pk),
    "event-log": lambda s: _ws(s, "event-log"),
    "event-detail": lambda s: _ws(s, "event-detail", event_id=s.event.pk),
    "rule-create": lambda s: _ws(s, "rule-create"),
    "rule-update": lambda s: _ws(s, "rule-update", rule_id=s.rule.pk),
    "rule-delete": lambda s: _ws(s, "rule-delete", rule_id=s.rule.pk),
    "contact-list": lambda s: reverse("contact-list"),
    "contact-create": lambda s: reverse("contact-create"),
    "contact-update": lambda s: reverse("contact-update", kwargs={"contact_id": _contact(s).pk}),
    "contact-delete": lambda s: reverse("contact-delete", kwargs={"contact_id": _contact(s).pk}),
    "quota-page": lambda s: reverse("quota-page"),
    "usage-page": lambda s: reverse("usage-page"),
    "user-list": lambda s: reverse("user-list"),
    "user-create": lambda s: reverse("user-create"),
    "policy-list": lambda s: reverse("policy-list"),
    "policy-create": lambda s: reverse("policy-create"),
    "policy-edit": lambda s: reverse("policy-edit", kwargs={"pk": s.extra["policy"].pk}),
    "policy-delete": lambda s: reverse("policy-delete", kwargs={"pk": s.extra["policy"].pk}),
    "user-detach-policy": lambda s: reverse("user-detach-policy", kwargs={"pk": s.extra["subuser"].pk,
                                                                          "policy_id": s.extra["policy"].pk}),
    "audit-log": lambda s: reverse("audit-log"),
    "token-page": lambda s: reverse("token-page"),
    "account-settings": lambda s: reverse("account-settings"),
}
NOT_PAGES = {
    "login": "checked signed out in test_the_sign_in_page_and_the_error_pages",
    "logout": "POST only: signs out",
    "eventbridge-activate": "POST only (Activate for Free); its answer is the setup section, checked before activation",
    "service-role-grant": "POST only (Grant Access)",
    "eas-service-status": "POST only (a lifecycle button)",
    "dlc-job-status": "POST only (a lifecycle button)",
    "dsw-status": "POST only (a lifecycle button)",
    "dsw-image": "POST only (a lifecycle button)",
    "flow-task-status": "POST only (a lifecycle button)",
    "user-attach-policy": "POST only (the Attach button of a user row)",
    "policy-validate": "POST only: the validation notice under the policy editor",
    "rule-list": "redirects to the Configuration tab (workspace-event-notifications)",
    "rule-form-refresh": "POST only: re-renders the drawer's body",
    "rule-test-connectivity": "POST only: the Test Connectivity notice, checked in test_feedback",
    "rule-preview": "POST only: a target's message Preview inside the drawer, checked in test_message_templates",
    "rule-enable": "POST only (a row action)",
    "rule-disable": "POST only (a row action)",
    "rule-drawer-close": "an empty answer (the old Cancel)",
    "event-deliveries": "the delivery records partial, polled by the event page's Delivery records tab",
    "delivery-redeliver": "POST only (Redeliver)",
    "target-test-saved": "POST only: a disabled target's Test Connectivity in the rules page's banner",
    "target-enable": "POST only: the banner's Re-enable",
    "recovery-create": "POST only: the Recover form",
    "recovery-progress": "the Recover progress partial, polled by the rules page (test_target_health)",
    "set_language": "POST only: the user menu's language switch (test_console_language)",
    "replay-row": "a replay's row partial, polled by the replay page (test_replay)",
    "replay-cancel": "POST only: a replay row's Cancel",
}


def _console_routes() -> set[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif not (prefix + str(pattern.pattern)).startswith(("api/", "admin/")):
                yield pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_console_route_is_walked():
    routes = _console_routes()
    assert routes - set(CONSOLE_PAGES) - set(NOT_PAGES) == set(), "a console route is neither walked nor excused"
    assert set(CONSOLE_PAGES) | set(NOT_PAGES) <= routes  # no stale entry


@pytest.fixture
def full_scene(scene, owner, account):
    from workspaces.models import Policy, User

    policy = Policy.objects.create(account=account, name="EventBridgeFullAccess",
                                   document={"Version": "1", "Statement": [
                                       {"Effect": "Allow", "Action": ["eventbridge:*"], "Resource": "*"}]})
    subuser = User.objects.create_user(username="bob", password="correct-horse-42", account=account)
    subuser.policies.add(policy)
    scene.extra.update(policy=policy, subuser=subuser)
    return scene


def test_every_console_page_has_no_serious_or_critical_violation(
        page, live_server, login, owner, full_scene, axe_check):
    login(page, live_server, owner)
    for name, path in CONSOLE_PAGES.items():
        page.goto(live_server.url + path(full_scene))
        expect(page.locator("main#main")).to_be_visible()
        axe_check(page, name)


def test_the_drawer_the_dialogs_and_the_phone_menu_have_no_serious_or_critical_violation(
        page, phone, live_server, login, owner, full_scene, axe_check):
    login(page, live_server, owner)
    page.goto(live_server.url + _ws(full_scene, "workspace-event-notifications"))
    page.get_by_test_id("create-notice-rule").click()
    drawer = page.get_by_test_id("rule-drawer")
    expect(drawer).to_be_visible()
    drawer.get_by_test_id("rule-ok").click()  # errors: the summary, invalid fields
    expect(drawer.get_by_test_id("rule-errors")).to_be_visible()
    htmx_idle(page)
    axe_check(page, "rule drawer with errors")
    page.keyboard.press("Escape")
    expect(drawer).to_have_count(0)
    page.get_by_test_id("rule-row").first.get_by_test_id("rule-delete").click()
    expect(page.get_by_test_id("confirm-delete")).to_be_visible()
    axe_check(page, "confirmation dialog")
    page.goto(live_server.url + reverse("token-page"))
    page.get_by_test_id("create-token").click()
    expect(page.get_by_test_id("new-token")).to_be_visible()
    axe_check(page, "new API token shown once")

    page.goto(live_server.url + reverse("contact-create"))
    page.get_by_role("button", name="OK").click()  # nothing typed: the page comes back with errors
    expect(page.get_by_label("Name")).to_be_focused()  # focus on the first error of a whole page too
    axe_check(page, "contact form with errors")
    page.goto(live_server.url + _ws(full_scene, "dlc-job-list"))
    page.get_by_test_id("open-create-job").click()
    page.get_by_test_id("create-job-submit").click()
    expect(page.get_by_test_id("create-job").get_by_test_id("form-errors")).to_be_visible()
    axe_check(page, "create dialog with errors")

    login(phone, live_server, owner)
    phone.goto(live_server.url + _ws(full_scene, "event-detail", event_id=full_scene.event.pk) + "?tab=deliveries")
    phone.get_by_test_id("nav-toggle").click()
    expect(phone.get_by_test_id("sidenav")).to_be_visible()
    axe_check(phone, "phone: navigation menu open on the event's delivery records")


def test_the_sign_in_page_and_the_error_pages(page, live_server, owner, login, axe_check):
    page.goto(f"{live_server.url}/login/")
    axe_check(page, "sign in")
    page.fill("#id_username", owner.username)
    page.fill("#id_password", "wrong password")
    page.click("[data-testid=sign-in]")
    expect(page.get_by_test_id("login-error")).to_be_visible()
    axe_check(page, "sign in with an error")
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/999999/")
    expect(page.get_by_test_id("error-page")).to_have_attribute("data-status", "404")
    axe_check(page, "404 page")


def test_the_skip_link_is_the_first_stop_and_leads_to_the_page(page, live_server, login, owner, workspace):
    login(page, live_server, owner)
    page.keyboard.press("Tab")
    skip = page.get_by_test_id("skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the page, not the navigation
    assert page.evaluate("() => document.activeElement.closest('main') !== null")


def test_inputs_have_the_types_that_bring_the_right_keyboard(page, live_server, login, owner, workspace):
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/account/contacts/new/")
    expect(page.get_by_label("Mobile")).to_have_attribute("type", "tel")
    expect(page.get_by_label("Email")).to_have_attribute("type", "email")
    page.goto(f"{live_server.url}/account/quotas/")
    expect(page.get_by_label("Target units per rule")).to_have_attribute("type", "number")


STATUS_TAGS = ["tag-green", "tag-grey", "tag-red", "tag-orange", "tag-blue"]


def test_status_tags_meet_wcag_aa_contrast(page, live_server, login, owner, workspace):
    """The contrast of each tag's 12 px text on its own background, computed from the page's styles
    (WCAG 2 relative luminance): at least 4.5:1. axe's color-contrast rule checks the tags on the
    pages too; this names each colour."""
    login(page, live_server, owner)
    ratios = page.evaluate("""(classes) => {
        const lum = (rgb) => {
            const [r, g, b] = rgb.match(/\\d+/g).slice(0, 3).map(Number).map(v => v / 255)
                .map(c => c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        return Object.fromEntries(classes.map(name => {
            const tag = document.createElement("span");
            tag.className = "tag " + name;
            tag.textContent = "Status";
            document.querySelector("main").appendChild(tag);
            const style = getComputedStyle(tag);
            const [a, b] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
            return [name, (a + 0.05) / (b + 0.05)];
        }));
    }""", STATUS_TAGS)
    assert all(ratio >= 4.5 for ratio in ratios.values()), ratios
