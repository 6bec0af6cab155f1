"""A year-like history on PostgreSQL in seconds: 300,000 events over 30 days in 10 workspaces (one
holds 40 %), 0.85 deliveries and ~1.1 attempts per event (95 % succeeded, 5 % dead, a few still
retrying), and 300,000 audit entries, written by set-based INSERT ... SELECT over generate_series
(the ORM's bulk_create takes ~95 s per 100,000 events here)."""

from __future__ import annotations

from django.db import connection

EVENTS = 300_000
WORKSPACES = 10


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def history_generate(*, account, workspaces: list, events: int = EVENTS) -> None:
    from notifications.models import Delivery, DeliveryAttempt, Event
    from workspaces.models import AuditLogEntry

    busy = workspaces[0].pk
    others = [w.pk for w in workspaces[1:]]
    with connection.cursor() as cursor:
        # Workspace: 40 % the busy one, the rest spread. Time: spread over 30 days, in id order.
        cursor.execute(f"""
            INSERT INTO {_t(Event)} (event_id, account_id, workspace_id, source, type, subject, resource_id,
                resource_name, envelope, status, not_published_reason, enqueued_at, routed_at, created_at, origin)
            SELECT md5(g::text), %s,
                   CASE WHEN g %% 5 < 2 THEN %s ELSE (%s::bigint[])[1 + (g %% {len(others)})] END,
                   'dlc_job', (ARRAY['pai:DLC:JobFailed','pai:DLC:JobSucceeded','pai:DLC:JobRunning',
                                     'pai:DLC:JobTimeout'])[1 + g %% 4],
                   'acs.pai:cn-shanghai:1234567890123456:job/' || g, g::text, 'job-' || g,
                   jsonb_build_object('id', md5(g::text), 'type', 'pai:DLC:JobFailed',
                                      'data', jsonb_build_object('resourceName', 'job-' || g, 'newStatus', 'Failed',
                                                                 'consoleUrl', 'https://console.example.com/x/' || g)),
                   CASE WHEN g %% 33 = 0 THEN 'not_published' ELSE 'published' END,
                   CASE WHEN g %% 33 = 0 THEN 'no_service_role' ELSE '' END,
                   CASE WHEN g %% 2 = 0 AND g %% 33 <> 0
                        THEN now() - interval '30 days' + (g * interval '30 days' / %s) END,
                   CASE WHEN g %% 33 <> 0 THEN now() - interval '30 days' + (g * interval '30 days' / %s) END,
                   now() - interval '30 days' + (g * interval '30 days' / %s), 'platform'
            FROM generate_series(1, %s) AS g""",
                       [account.pk, busy, others, events, events, events, events])
        # One delivery for 17 events in 20: 5 % dead, a few retrying, the rest succeeded.
        cursor.execute(f"""
            INSERT INTO {_t(Delivery)} (event_id, channel, recipient_key, recipient_label, status, attempt_count,
                next_attempt_at, deadline_at, last_error, succeeded_at, created_at, updated_at)
            SELECT e.id, (ARRAY['dingtalk','wecom','http','email'])[1 + e.id %% 4], '', 'bot',
                   CASE WHEN e.id %% 20 = 3 THEN 'dead' WHEN e.id %% 50000 = 7 THEN 'retrying' ELSE 'succeeded' END,
                   CASE WHEN e.id %% 20 = 3 THEN 3 ELSE 1 END,
                   CASE WHEN e.id %% 50000 = 7 THEN now() + interval '1 hour' END,
                   e.created_at + interval '1 day',
                   CASE WHEN e.id %% 20 = 3 THEN 'HTTP 500' ELSE '' END,
                   CASE WHEN e.id %% 20 NOT IN (3) THEN e.created_at + interval '1 second' END,
                   e.created_at + interval '5 milliseconds', e.created_at + interval '1 second'
            FROM {_t(Event)} e WHERE e.status = 'published' AND e.id %% 20 < 17""", [])
        cursor.execute(f"""
            INSERT INTO {_t(DeliveryAttempt)} (delivery_id, number, outcome, started_at, finished_at, duration_ms,
                request_url, http_status, provider_code, response_body, error, outcome_class, reason, digest_size)
            SELECT d.id, n, CASE WHEN d.status = 'dead' OR n < d.attempt_count THEN 'failed' ELSE 'succeeded' END,
                   d.created_at, d.created_at + interval '40 milliseconds', 40, 'https://oapi.dingtalk.com/robot/send',
                   CASE WHEN d.status = 'dead' THEN 500 ELSE 200 END, '', '{{"errcode":0}}', '',
                   CASE WHEN d.status = 'dead' OR n < d.attempt_count THEN 'transient' ELSE '' END,
                   CASE WHEN d.status = 'dead' OR n < d.attempt_count THEN 'HTTP 500: the server failed' ELSE '' END,
                   0
            FROM {_t(Delivery)} d CROSS JOIN LATERAL generate_series(1, d.attempt_count) AS n""", [])
        cursor.execute(f"""
            INSERT INTO {_t(AuditLogEntry)} (account_id, actor_name, action, object_type, object_id, object_repr,
                resource, changes, created_at)
            SELECT %s, 'alice', 'access.denied', 'rule', (g %% 500)::text, 'rule ' || g, '', '{{}}'::jsonb,
                   now() - interval '400 days' + (g * interval '400 days' / %s)
            FROM generate_series(1, %s) AS g""", [account.pk, events, events])
        for model in (Event, Delivery, DeliveryAttempt, AuditLogEntry):
            cursor.execute(f"VACUUM ANALYZE {_t(model)}")  # visibility map too: index-only scans
