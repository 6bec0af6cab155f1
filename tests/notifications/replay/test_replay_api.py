"""The replay API: create (202; 400 naming the field; 409 naming the running replay), list, detail,
cancel (409 once ended). The task runs in the test (no worker)."""

from notifications.models import ReplayJob
from notifications.services.replay import replay_run


def test_the_api_creates_lists_reads_and_cancels_replays(owner_api, activated_workspace, yesterday, settings,
                                                          django_capture_on_commit_callbacks):
    rule, _, _, start = yesterday
    base = f"/api/v1/workspaces/{activated_workspace.pk}/replays/"
    with django_capture_on_commit_callbacks(execute=False):
        created = owner_api.post(base, {"start": start.isoformat(), "source": "dlc_job",
                                        "event_types": ["pai:DLC:JobFailed"], "rule_id": rule.pk}, format="json")
        assert created.status_code == 202, created.json()
        job = created.json()
        assert (job["state"], job["matched"], job["rule_id"], job["requested_by"]) == ("queued", 3, rule.pk, "alice")
        busy = owner_api.post(base, {"start": start.isoformat()}, format="json")
        assert busy.status_code == 409 and busy.json()["error"]["job_id"] == job["id"]
        assert "is queued" in busy.json()["error"]["message"]

    replay_run(job_id=job["id"])
    detail = owner_api.get(f"{base}{job['id']}/").json()
    assert (detail["state"], detail["done"], detail["deliveries_created"], detail["delivered"]) == ("finished", 3, 3, 0)
    assert [row["id"] for row in owner_api.get(base).json()["results"]] == [job["id"]]
    replayed = owner_api.get(f"/api/v1/workspaces/{activated_workspace.pk}/deliveries/").json()["results"]
    assert sorted(row["replay_id"] for row in replayed if row["replay_id"]) == [job["id"]] * 3
    ended = owner_api.post(f"{base}{job['id']}/cancel/")
    assert ended.status_code == 409 and ended.json()["error"]["current"] == "finished"

    settings.REPLAY_MAX_EVENTS = 2
    over = owner_api.post(base, {"start": start.isoformat()}, format="json")
    assert over.status_code == 400 and "holds 4 events" in over.json()["error"]["fields"]["start"][0]
    bad = owner_api.post(base, {"start": start.isoformat(), "event_types": ["pai:Nope"]}, format="json")
    assert bad.status_code == 400 and "event_types" in str(bad.json()["error"]["fields"])
    settings.REPLAY_MAX_EVENTS = 10
    with django_capture_on_commit_callbacks(execute=False):
        second = owner_api.post(base, {"start": start.isoformat()}, format="json").json()
    cancelled = owner_api.post(f"{base}{second['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert ReplayJob.objects.get(pk=second["id"]).state == "cancelled"
    assert owner_api.get(f"{base}999999/").status_code == 404


def test_an_outsider_cannot_see_or_start_replays(outsider_api, activated_workspace):
    base = f"/api/v1/workspaces/{activated_workspace.pk}/replays/"
    assert outsider_api.get(base).status_code == 404
    assert outsider_api.post(base, {"start": "2026-01-01T00:00:00Z"}, format="json").status_code == 404


def test_the_console_page_starts_a_replay_shows_its_row_and_cancels_it(owner_client, activated_workspace, yesterday,
                                                                       django_capture_on_commit_callbacks):
    rule, _, _, start = yesterday
    page = f"/workspaces/{activated_workspace.pk}/replays/"
    assert "Replay events" in owner_client.get(f"/workspaces/{activated_workspace.pk}/events/").content.decode()
    shown = owner_client.get(page).content.decode()
    assert "events are kept 30 days" in shown and f"Rule {rule.name} only" in shown
    refused = owner_client.post(page, {"start": "yesterday"})
    assert refused.status_code == 400 and "From: enter a date and time" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        started = owner_client.post(page, {"start": start.strftime("%Y-%m-%dT%H:%M"), "source": "dlc_job",
                                           "event_types": ["pai:DLC:JobFailed"], "rule": str(rule.pk)})
    assert started.status_code == 302
    job = ReplayJob.objects.get()
    assert (job.matched, job.rule, job.event_types) == (3, rule, ["pai:DLC:JobFailed"])
    row = owner_client.get(f"{page}{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-state="queued"' in row and 'hx-trigger="every 1s"' in row and "0</span> of <span" in row
    cancelled = owner_client.post(f"{page}{job.pk}/cancel/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-state="cancelled"' in cancelled and "hx-trigger" not in cancelled
