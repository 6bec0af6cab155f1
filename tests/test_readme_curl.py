"""The README's REST API examples, run as written with bash and curl against a live console: getting a
token with a password, discovering the catalog, and following one event to its attempts in one call.
Only the ids the README assumes (workspace 1, event 12) are replaced by the ones made here."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.notifications.delivery.builders import add_target, make_rule, raise_event

README = Path(__file__).resolve().parent.parent / "README.md"
DEMO_PASSWORD = "pai-demo-2025"  # the README's token example signs in as the demo's owner
SECRET = "SEC" + "5ec7e7" * 8

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="the README's examples need curl")


def _api_blocks() -> list[str]:
    section = README.read_text().split("## The REST API", 1)[1].split("\n## ", 1)[0]
    return [block.split("\n", 1)[1].rsplit("```", 1)[0]
            for block in re.findall(r"^```.*?^```", section, flags=re.S | re.M)]


def _block(needle: str) -> str:
    [block] = [block for block in _api_blocks() if needle in block]
    return block


def _run(script: str) -> list[str]:
    done = subprocess.run(["bash", "-c", "set -eo pipefail\n" + script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line.strip()]


@pytest.fixture
def demo_owner(transactional_db, account, activated_workspace):
    from workspaces.models import User

    return User.objects.create_user(username="owner", password=DEMO_PASSWORD, account=account,
                                    is_account_owner=True, email="owner@example.com")


def test_the_readmes_catalog_and_follow_up_examples_run_against_a_live_console(live_server, demo_owner,
                                                                               activated_workspace, fake_dingtalk,
                                                                               settings):
    from notifications.models import Delivery
    from notifications.services.delivery import delivery_send
    from notifications.services.routing import event_route

    settings.DELIVERY_INLINE_MAX = 0
    bot = fake_dingtalk.add_bot(secret=SECRET)
    add_target(make_rule(activated_workspace), "dingtalk", secrets={"webhook": bot.webhook, "signing_key": "SECwrong1"})
    event = raise_event(activated_workspace, name="resnet50-train")
    event_route(event_id=event.pk)
    delivery = Delivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk) == "dead"

    login = _block("auth/token/").replace("B=http://127.0.0.1:8000", f"B={live_server.url}")
    assert live_server.url in login
    catalog = _block("/api/v1/catalog/")
    follow = _block("expand=attempts").replace("/workspaces/1/", f"/workspaces/{activated_workspace.pk}/")
    follow = follow.replace("event=12", f"event={event.pk}")
    output = _run(f"{login}\n{catalog}\n{follow}")

    sources = [line for line in output if not line.startswith("{")]
    assert sources[1].startswith("dlc_job ['dingtalk', 'wecom', 'lark', 'contacts'] ['pai:DLC:JobEnqueued'")
    assert [line.split(" ", 1)[0] for line in sources] == ["flow_task", "dlc_job", "dsw_instance", "model",
                                                           "notification_system"]
    assert sources[4].startswith("notification_system ['dingtalk', 'wecom', 'lark', 'http', 'contacts'] "
                                 "['pai:NotificationSystem:TargetDisabled', ")
    answers, decoder = "".join(line for line in output if line.startswith("{")), json.JSONDecoder()
    events, end = decoder.raw_decode(answers)  # curl prints each answer without a final newline
    deliveries, end = decoder.raw_decode(answers, end)
    assert end == len(answers)
    [listed] = events["results"]
    assert listed["id"] == event.pk and listed["deliveries"] == {"total": 1, "pending": 0, "retrying": 0,
                                                                 "succeeded": 0, "dead": 1, "skipped": 0}
    [followed] = deliveries["results"]
    assert (followed["event_type"], followed["status"], followed["resource_name"]) == (
        "pai:DLC:JobFailed", "dead", "resnet50-train")
    assert [(a["number"], a["outcome"], a["provider_code"]) for a in followed["attempts"]] == [(1, "failed", "310000")]
