"""The bus's front door. Every event enters through `_store`, which writes it in the caller's
transaction (the outbox) and, once that transaction commits, wakes routing with one task per
transaction (not per event): a routing pass takes every ready event. Two public
ways lead there, named for who publishes: `publish(...)`, the platform raising an event of one of its
resources, and `publish_entries(...)`, a user's CloudEvents entries put with PutEvents (validated by
`put_events` first).

An event is *published* when the workspace's bus is ready (`publish_state`, as `workspaces.tenancy.bus.bus_readiness`);
otherwise it is stored as *not published* with the reason, and nothing is enqueued. A published event
that no enabled rule of its bus lists is stored as routed, with no deliveries and no routing wake-up.
An event that needs routing is written with `enqueued_at` already set (no second write on the
publisher's path); when the broker refuses the wake-up after the commit, `enqueued_at` is cleared
again and `events_requeue_unenqueued` (run by beat) hands the event on later. Should the process
die between the commit and the enqueue, the event waits for the next routing pass (any wake-up
takes every ready event) or, at the latest, for the sweeper's EVENT_REROUTE_AFTER_SECONDS.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from notifications import catalog
from notifications.models import Event, RoutingKey
from workspaces.models import EventBus, Model, ServiceLinkedRole
from workspaces.tenancy.bus import NO_EVENT_BUS, NO_SERVICE_ROLE
from workspaces.tenancy.models import SERVICE_LINKED_ROLE_NAME

logger = logging.getLogger(__name__)

DATA_CONTENT_TYPE = "application/json"
# Attributes EventBridge itself sets; a publisher's values are replaced.
ALIYUN_ATTRIBUTES = ("aliyunaccountid", "aliyunregionid", "aliyuneventbusname", "aliyunpublishtime")
# The routing wake-up task, called by name (notifications.tasks imports this module, never the reverse).
ROUTE_TASK = "notifications.tasks.route_event"
# An event younger than this may still have its on-commit enqueue running: the sweeper leaves it.
REQUEUE_GRACE_SECONDS = 5
REQUEUE_BATCH = 500


def rfc3339(moment: datetime) -> str:
    """`2024-05-01T08:30:00.123Z`: RFC 3339 in UTC with milliseconds, as EventBridge writes times."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event_subject(*, workspace, resource_kind: str, resource_id) -> str:
    """`acs.pai:<region>:<account uid>:<kind>/<id>`, the resource the event is about."""
    return f"acs.pai:{settings.EAS_REGION}:{workspace.account.uid}:{resource_kind}/{resource_id}"


def console_url(path: str) -> str:
    return f"{settings.CONSOLE_BASE_URL}{path}" if path else ""


# `publish_state`'s one statement, written by hand: the ORM spent about 1 ms of CPU building and
# compiling the same query with its two EXISTS (PostgreSQL: 1.03 ms of CPU per call, this 0.10 ms;
# docs/benchmarks.md, "A cheaper publish"). Every lookup is an index: the bus by its workspace (unique),
# the role by (account, name) (unique), the routing keys by `routing_key_lookup` (bus, event_type, ...).
_PUBLISH_STATE_SQL = (
    "SELECT b.id, b.account_id, b.workspace_id, b.name,"
    " EXISTS(SELECT 1 FROM {role} r WHERE r.account_id = %s AND r.name = %s),"
    " EXISTS(SELECT 1 FROM {key} k WHERE k.bus_id = b.id AND k.event_type = %s)"
    " FROM {bus} b WHERE b.workspace_id = %s"
)
_PUBLISH_STATE_BUS_FIELDS = ["id", "account_id", "workspace_id", "name"]


def publish_state(workspace, *, event_type: str = "") -> tuple[EventBus | None, str, bool]:
    """The workspace's bus (or None), why an event raised now would not be published ("" if it
    would be), and whether an enabled rule of the bus lists `event_type` (scopes aside; False when no
    type is given): if none does, the event is stored as routed, with no deliveries, and no routing
    wake-up is spent on it. One indexed query, read afresh every time (no cache to invalidate): what
    `bus_readiness(workspace).publish_blocker` answers, bus first, then the role
    (tests/notifications/events/test_publish_state.py holds the two to the same answers). The bus
    comes with its id, account, workspace and name loaded (the rest on demand)."""
    sql = _PUBLISH_STATE_SQL.format(role=ServiceLinkedRole._meta.db_table, key=RoutingKey._meta.db_table,
                                    bus=EventBus._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [workspace.account_id, SERVICE_LINKED_ROLE_NAME, event_type, workspace.pk])
        row = cursor.fetchone()
    if row is None:
        return None, NO_EVENT_BUS, False
    bus = EventBus.from_db(connection.alias, _PUBLISH_STATE_BUS_FIELDS, row[:4])
    return bus, "" if row[4] else NO_SERVICE_ROLE, bool(row[5])


def aliyun_extensions(*, workspace, bus: EventBus | None, published: bool, now: datetime) -> dict:
    """The `aliyun*` attributes EventBridge adds. The bus name and publish time only exist for an
    event that reached the bus; a not-published event carries the account and region only."""
    extensions = {"aliyunaccountid": workspace.account.uid, "aliyunregionid": settings.EAS_REGION}
    if published and bus is not None:
        extensions["aliyuneventbusname"] = bus.name
        extensions["aliyunpublishtime"] = rfc3339(now)
    return extensions


def _operator(actor) -> dict:
    if actor is None or not getattr(actor, "pk", None):
        return {"operator": "system", "operatorId": ""}
    return {"operator": actor.get_username(), "operatorId": str(actor.pk)}


def publish(
    *,
    workspace,
    source: str,
    type_name: str,
    resource_id,
    resource_name: str,
    old_status: str,
    new_status: str,
    actor=None,
    resource_owner=None,
    model=None,
    console_path: str = "",
    subject: str | None = None,
    extra: dict | None = None,
) -> Event:
    """Raise one event of catalog source `source` (e.g. "model") and type `type_name` (e.g.
    "ModelVersionApproved"). Call it inside the transaction that makes the change: the event is
    written there and its routing task is enqueued only if that transaction commits.

    `console_path` is the resource's console page (e.g. reverse("model-detail", ...)); `actor` is
    who did it (None: the system); `resource_owner` and `model` feed the rule scopes.
    """
    event_source = catalog.get_source(source)
    type_key = catalog.type_key(source, type_name)
    now = timezone.now()
    bus, reason, wanted = publish_state(workspace, event_type=type_key)
    published = not reason
    data = {
        "resourceKind": event_source.resource_kind,
        "resourceId": str(resource_id),
        "resourceName": resource_name,
        "workspaceId": str(workspace.pk),
        "workspaceName": workspace.name,
        "oldStatus": old_status,
        "newStatus": new_status,
        **_operator(actor),
        "consoleUrl": console_url(console_path),
        **(extra or {}),
    }
    envelope = {
        "id": str(uuid.uuid4()),
        "source": catalog.CLOUDEVENTS_SOURCE,
        "specversion": catalog.SPECVERSION,
        "type": type_key,
        "subject": subject
        or event_subject(workspace=workspace, resource_kind=event_source.resource_kind, resource_id=resource_id),
        "time": rfc3339(now),
        "datacontenttype": DATA_CONTENT_TYPE,
        "data": data,
        **aliyun_extensions(workspace=workspace, bus=bus, published=published, now=now),
    }
    return _store(
        workspace=workspace, bus=bus, source=source, envelope=envelope, not_published_reason=reason,
        resource_id=str(resource_id), resource_name=resource_name, resource_owner=resource_owner, model=model,
        origin=Event.Origin.PLATFORM, routing_wanted=wanted,
    )


def _text(value) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _model_of(workspace, data: dict):
    model_id = _text(data.get("modelId"))
    return Model.objects.filter(workspace=workspace, pk=int(model_id)).first() if model_id.isdigit() else None


def publish_entries(*, workspace, entries: list[tuple[dict, str]], publisher) -> list[Event]:
    """Store the entries `publisher` put, each with its catalog source key, in one transaction: the
    envelope as given, with the `aliyun*` attributes EventBridge sets replaced. Each event records its
    publisher, whose own permissions bound what it may cause. An entry whose id the workspace already
    holds is not stored twice (a publisher's retry). Returns the events stored now."""
    bus, reason, _ = publish_state(workspace)
    now = timezone.now()
    stored = []
    wanted_types = _types_wanted(bus, {entry.get("type") for entry, _ in entries}) if not reason else set()
    with transaction.atomic():
        known = set(Event.objects.filter(workspace=workspace, event_id__in=[e["id"] for e, _ in entries])
                    .values_list("event_id", flat=True))
        for entry, source in entries:
            if entry["id"] in known:
                continue
            known.add(entry["id"])
            envelope = {k: v for k, v in entry.items() if k not in ALIYUN_ATTRIBUTES}
            envelope.setdefault("time", rfc3339(now))
            envelope.setdefault("datacontenttype", DATA_CONTENT_TYPE)
            envelope.update(aliyun_extensions(workspace=workspace, bus=bus, published=not reason, now=now))
            data = entry.get("data") if isinstance(entry.get("data"), dict) else {}
            stored.append(_store(
                workspace=workspace, bus=bus, source=source, envelope=envelope, not_published_reason=reason,
                resource_id=_text(data.get("resourceId")), resource_name=_text(data.get("resourceName")),
                model=_model_of(workspace, data) if source == "model" else None,
                origin=Event.Origin.PUT_EVENTS, published_by=publisher,
                routing_wanted=envelope["type"] in wanted_types,
            ))
    return stored


def _types_wanted(bus: EventBus, event_types: set) -> set[str]:
    """Which of these types an enabled rule of the bus lists, in one query (PutEvents reads the bus
    once for entries of several types)."""
    types = [event_type for event_type in event_types if isinstance(event_type, str)]
    if not types:
        return set()
    return set(RoutingKey.objects.filter(bus_id=bus.pk, event_type__in=types)
               .values_list("event_type", flat=True).distinct())


def _store(
    *, workspace, bus, source: str, envelope: dict, not_published_reason: str, origin: str, routing_wanted: bool,
    published_by=None, resource_id: str = "", resource_name: str = "", resource_owner=None, model=None,
) -> Event:
    """Write one event row and, if it is published, arrange its enqueue after commit: the one outbox
    write, whoever publishes. `routing_wanted`: an enabled rule of the bus lists the event's type."""
    published = not not_published_reason
    wanted = published and routing_wanted
    event = Event.objects.create(
        event_id=envelope["id"],
        account_id=workspace.account_id,
        workspace=workspace,
        bus=bus,
        source=source,
        type=envelope["type"],
        subject=envelope.get("subject", "")[:512],
        resource_id=resource_id[:128],
        resource_name=resource_name[:256],
        resource_owner=resource_owner if getattr(resource_owner, "pk", None) else None,
        model=model,
        envelope=envelope,
        origin=origin,
        published_by=published_by if getattr(published_by, "pk", None) else None,
        status=Event.Status.PUBLISHED if published else Event.Status.NOT_PUBLISHED,
        not_published_reason=not_published_reason,
        routed_at=timezone.now() if published and not wanted else None,  # nothing to route
        enqueued_at=timezone.now() if wanted else None,  # cleared again if the broker refuses the wake-up
    )
    if wanted:
        _enqueue_on_commit(event.pk)
    elif not published:
        logger.info("event %s stored as not published: %s", event.event_id, not_published_reason)
    return event


# Per thread: the events stored in the current transaction whose wake-up has not been sent yet, each
# with the transaction (its outermost atomic block) that stored it.
_stored = threading.local()


def _enqueue_on_commit(event_id: int) -> None:
    """One routing wake-up per transaction, however many events it stores: each event registers a
    callback, the first one to run after the commit enqueues for all of them, the others find nothing.
    Entries left by a transaction that rolled back are dropped by the next one's callback."""
    connection = transaction.get_connection()
    block = connection.atomic_blocks[0] if connection.in_atomic_block else object()
    pending = getattr(_stored, "pending", None)
    if pending is None:
        pending = _stored.pending = []
    pending.append((block, event_id))
    transaction.on_commit(partial(_enqueue_stored, block), robust=True)


def _enqueue_stored(block) -> None:
    pending = getattr(_stored, "pending", None) or []
    event_ids = [event_id for stored_in, event_id in pending if stored_in is block]
    _stored.pending = []
    if event_ids:
        events_enqueue(event_ids=event_ids, stamped=True)


def events_enqueue(*, event_ids: list[int], again: bool = False, stamped: bool = False) -> bool:
    """Wake routing for these published events with one task (a routing pass takes every ready event;
    the first id rides along for the logs), then mark them enqueued (`again`: once more, for a
    wake-up that was lost; `stamped`: they were written marked, by `_store`). False (and logged) when
    the broker refused: the events are left unmarked, for the sweeper."""
    try:
        current_app.send_task(ROUTE_TASK, args=[event_ids[0]])
    except Exception:  # kombu raises OperationalError, but any failure must leave the outbox rows
        logger.warning("could not enqueue events %s; the outbox sweeper will retry", event_ids, exc_info=True)
        if stamped:
            _unstamp(event_ids)
        return False
    if stamped:
        return True
    marked = Event.objects.filter(pk__in=event_ids)
    if not again:
        marked = marked.filter(enqueued_at__isnull=True)
    marked.update(enqueued_at=timezone.now())
    return True


def _unstamp(event_ids: list[int]) -> None:
    """The broker refused the wake-up of events written as enqueued: they are not, the sweeper's
    "never enqueued" takes them after its grace. (The database failing too leaves them for the
    "enqueued but never routed" sweep, later.)"""
    try:
        Event.objects.filter(pk__in=event_ids, routed_at__isnull=True).update(enqueued_at=None)
    except Exception:
        logger.warning("could not mark events %s as not enqueued; the sweeper finds them after "
                       "EVENT_REROUTE_AFTER_SECONDS", event_ids, exc_info=True)


def event_enqueue(*, event_id: int, again: bool = False) -> bool:
    """`events_enqueue` for one event (the admin's "enqueue again")."""
    return events_enqueue(event_ids=[event_id], again=again)


def events_requeue_unenqueued(*, grace_seconds: int = REQUEUE_GRACE_SECONDS, limit: int = REQUEUE_BATCH,
                              reroute_after_seconds: float | None = None) -> int:
    """Re-enqueue published events whose enqueue never happened (the broker was down at commit), and
    those enqueued long ago but never routed (their task was lost with a broker that restarted
    empty, or with a worker of a broker that cannot re-queue: settings.EVENT_REROUTE_AFTER_SECONDS).
    A routing claim that lapsed (its worker died mid-pass) counts as lost too. One wake-up covers
    them all (a pass takes every ready event); the broker refusing it leaves them for the next beat.
    Returns how many were enqueued. An event enqueued twice is routed once (routing claims it)."""
    now = timezone.now()
    if reroute_after_seconds is None:
        reroute_after_seconds = settings.EVENT_REROUTE_AFTER_SECONDS
    unrouted = Event.objects.filter(status=Event.Status.PUBLISHED, routed_at__isnull=True)
    never = unrouted.filter(enqueued_at__isnull=True, created_at__lt=now - timedelta(seconds=grace_seconds))
    lost = unrouted.filter(Q(enqueued_at__lt=now - timedelta(seconds=reroute_after_seconds))
                           | Q(routing_claimed_until__lt=now))
    never_ids = list(never.order_by("id").values_list("id", flat=True)[:limit])
    lost_ids = list(lost.exclude(pk__in=never_ids).order_by("id").values_list("id", flat=True)[:limit])
    lost_ids = lost_ids[:max(0, limit - len(never_ids))]
    enqueued = 0
    if never_ids and events_enqueue(event_ids=never_ids):
        enqueued += len(never_ids)
    if lost_ids and (enqueued or not never_ids) and events_enqueue(event_ids=lost_ids, again=True):
        enqueued += len(lost_ids)
    if enqueued:
        logger.info("re-enqueued %s event(s) from the outbox", enqueued)
    return enqueued
