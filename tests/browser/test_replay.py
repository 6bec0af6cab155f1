"""Replay in a real browser: from the event log to the replay page, a replay of yesterday's events to
one rule started from the form, its row's progress polled live until it is finished and delivered."""

import pytest
from playwright.sync_api import expect

from notifications.models import Delivery, ReplayJob
from notifications.services.delivery import delivery_send
from notifications.services.replay import replay_run
from tests.notifications.delivery.builders import add_target, make_rule, raise_event
from tests.notifications.replay.conftest import backdate

pytestmark = pytest.mark.browser


def test_a_replay_started_from_the_form_shows_its_progress_until_finished(
        page, live_server, login, screenshot, owner, activated_workspace, fake_dingtalk):
    bot = fake_dingtalk.add_bot()
    for n in (1, 2, 3):
        backdate(raise_event(activated_workspace, name=f"job-{n}", resource_id=n), hours=20)
    rule = make_rule(activated_workspace, name="created-today")
    add_target(rule, "dingtalk", secrets={"webhook": bot.webhook})

    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{activated_workspace.pk}/events/")
    page.get_by_test_id("replay-link").click()
    page.get_by_test_id("replay-rule").select_option(label="Rule created-today only")
    page.get_by_test_id("replay-submit").click()  # From: a day ago (the default), To: now
    row = page.get_by_test_id("replay-row")
    expect(row).to_have_attribute("data-state", "queued")
    expect(row.get_by_test_id("replay-matched")).to_have_text("3")
    screenshot(page, "queued")

    # The worker's part, done here: the replay's task, then each new delivery's.
    job = ReplayJob.objects.get()
    assert replay_run(job_id=job.pk) == 3
    for pk in Delivery.objects.filter(replay_job=job).values_list("pk", flat=True):
        assert delivery_send(delivery_id=pk) == "succeeded"
    expect(row).to_have_attribute("data-state", "finished")  # the polled row caught up
    expect(row.get_by_test_id("replay-delivered")).to_have_text("3")
    expect(row.get_by_test_id("replay-cancel")).to_have_count(0)
    screenshot(page, "finished")
    texts = [m.json["markdown"]["text"] for m in fake_dingtalk.messages_for(bot)]
    assert len(texts) == 3 and all(text.startswith("[Replay]") for text in texts)
