"""Phones and small windows (issue 17, point 5): below 900 px the navigation sits behind a menu
button, tables scroll inside their own container, and every page is usable at 390 x 844 with no
sideways page scroll (the page's scrollWidth is the window's)."""

import pytest
from playwright.sync_api import expect

from .helpers import htmx_idle
from .test_accessibility import CONSOLE_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390


def page_width(page) -> int:
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_every_console_page_fits_a_phone_without_sideways_scroll(phone, live_server, login, owner, scene):
    login(phone, live_server, owner)
    widths = {}
    for name, path in CONSOLE_PAGES.items():
        if name in ("policy-edit", "policy-delete", "user-detach-policy"):
            continue  # need the accessibility walk's policy; the policy pages are below
        phone.goto(live_server.url + path(scene))
        expect(phone.locator("main#main")).to_be_visible()
        widths[name] = page_width(phone)
    phone.goto(f"{live_server.url}/account/policies/new/")
    widths["policy-create"] = page_width(phone)
    too_wide = {name: width for name, width in widths.items() if width > PHONE_WIDTH}
    assert not too_wide, f"pages wider than the phone: {too_wide}"


def test_the_event_tabs_and_the_drawer_fit_a_phone(phone, live_server, login, owner, scene):
    login(phone, live_server, owner)
    base = f"{live_server.url}/workspaces/{scene.workspace.pk}"
    for tab in ("", "?tab=body", "?tab=deliveries"):
        phone.goto(f"{base}/events/{scene.event.pk}/{tab}")
        assert page_width(phone) <= PHONE_WIDTH, tab
    phone.get_by_test_id("attempts").first.locator("summary").click()
    assert page_width(phone) <= PHONE_WIDTH
    phone.goto(f"{base}/configuration/event-notifications/")
    phone.get_by_test_id("create-notice-rule").click()
    drawer = phone.get_by_test_id("rule-drawer")
    expect(drawer).to_be_visible()
    htmx_idle(phone)
    box = drawer.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
    assert page_width(phone) <= PHONE_WIDTH


def test_the_navigation_sits_behind_a_menu_button_below_900_px(phone, page, live_server, login, owner, scene):
    login(phone, live_server, owner)
    phone.goto(f"{live_server.url}/workspaces/{scene.workspace.pk}/events/")
    nav, toggle = phone.get_by_test_id("sidenav"), phone.get_by_test_id("nav-toggle")
    expect(nav).to_be_hidden()
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    phone.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(toggle).to_be_focused()
    toggle.click()
    nav.get_by_role("link", name="Models").click()
    phone.wait_for_url("**/models/")
    expect(phone.get_by_test_id("sidenav")).to_be_hidden()
    # At 899 px still behind the button; at 1366 px (the desktop page) the navigation is always there.
    phone.set_viewport_size({"width": 899, "height": 800})
    expect(phone.get_by_test_id("nav-toggle")).to_be_visible()
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{scene.workspace.pk}/events/")
    expect(page.get_by_test_id("sidenav")).to_be_visible()
    expect(page.get_by_test_id("nav-toggle")).to_be_hidden()


def test_wide_tables_scroll_inside_their_own_container(phone, live_server, login, owner, scene):
    login(phone, live_server, owner)
    phone.goto(f"{live_server.url}/workspaces/{scene.workspace.pk}/configuration/event-notifications/")
    wrap = phone.get_by_test_id("rules-table").locator("xpath=..")
    assert wrap.evaluate("e => e.classList.contains('table-wrap')")
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")  # the table is wider than the phone...
    assert page_width(phone) <= PHONE_WIDTH  # ...and scrolls in its container, not the page
    wrap.evaluate("e => e.scrollLeft = e.scrollWidth")
    expect(phone.get_by_test_id("rule-row").first.get_by_test_id("rule-delete")).to_be_in_viewport()


def test_the_user_menu_is_not_clipped_on_a_phone(phone, live_server, login, owner, scene):
    login(phone, live_server, owner)
    menu = phone.get_by_test_id("user-menu")
    expect(menu).to_contain_text(owner.username)
    box = menu.bounding_box()
    assert box["x"] + box["width"] <= PHONE_WIDTH
    menu.click()
    item = phone.locator(".user-menu ul").get_by_role("link", name="API Tokens")
    expect(item).to_be_in_viewport()
    box = phone.locator(".user-menu ul").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
