"""Chromium on the running recipe, in a process of its own (the suite's session browser may be
open): `python recipe_browser.py BASE_URL USERNAME PASSWORD SCREENSHOT` prints one JSON object."""

import json
import re
import sys

from playwright.sync_api import expect, sync_playwright

DINGTALK_WEBHOOK = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef"
SIGNING_KEY = "SEC0123456789abcdef0123456789abcdef0123456789abcdef"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


def main(base: str, username: str, password: str, screenshot: str) -> dict:
    responses: dict[str, list] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 860})
        page.set_default_timeout(15_000)
        page.on("response", lambda r: responses.__setitem__(r.url, [r.status, r.headers.get("content-encoding", "")]))
        page.goto(f"{base}/login/")
        result = {
            "css": [url for url in responses if re.search(r"/static/console/console\.[0-9a-f]{12}\.css$", url)],
            "htmx": [url for url in responses if re.search(r"/static/.*htmx[^/]*\.[0-9a-f]{12}\.js$", url)],
            "css_rules": page.evaluate("() => [...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0)"),
            "htmx_type": page.evaluate("() => typeof window.htmx"),
        }
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("[data-testid=sign-in]")
        page.wait_for_url(lambda url: "/login/" not in url)
        page.get_by_test_id("open-create-workspace").click()
        page.fill("#id_name", "first_workspace")
        page.get_by_test_id("create-workspace").click()
        page.get_by_role("link", name="first_workspace").first.click()
        page.get_by_test_id("tab-configuration").click()
        page.get_by_role("button", name="Activate for Free").click()
        page.get_by_role("button", name="Grant Access").click()
        page.get_by_test_id("create-notice-rule").click()
        drawer = page.get_by_test_id("rule-drawer")
        expect(drawer).to_be_visible()
        drawer.get_by_test_id("event-source").select_option(label="DLC job")
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
        drawer.get_by_test_id("rule-name").fill("job-failures")
        drawer.get_by_label("Job Failed").check()
        drawer.get_by_label("Webhook").fill(DINGTALK_WEBHOOK)
        drawer.get_by_label("Signing Key").fill(SIGNING_KEY)
        drawer.get_by_test_id("rule-ok").click()
        expect(page.get_by_test_id("rule-drawer")).to_have_count(0)
        row = page.get_by_test_id("rule-row").filter(has_text="job-failures")
        expect(row).to_contain_text("DingTalk notification")
        result["rule_row"] = row.inner_text()
        page.screenshot(path=screenshot, full_page=True)
        browser.close()
    result["responses"] = responses
    return result


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:5])))
