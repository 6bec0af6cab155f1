"""PutEvents: publishers outside the console put CloudEvents on a workspace's bus.

Limits are EventBridge's (PROTOCOLS.md 6.1 and 4.4): at most 16 events a request, each at most
256 KB, the request at most 1 MB; `id` at most 128 letters, digits and hyphens, `source` 128,
`type` 64, `subject` 512 characters. Each entry is checked against the catalog; the answer reports
each entry's EventId or ErrorCode and ErrorMessage, as EventBridge's does. Valid entries are stored in
one transaction by `events.publish_entries`, the same outbox path as events raised in the console.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from django.conf import settings
from django.db import transaction

from console.input import json_text_problem
from notifications import catalog
from notifications.services.events import DATA_CONTENT_TYPE, publish_entries
from notifications.services.ratelimit import rate_limit_acquire
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import BUS, Check, operation
from workspaces.tenancy.bus import bus_arn, event_bus_name

MAX_ENTRIES = 16
MAX_ENTRY_BYTES = 256 * 1024
MAX_REQUEST_BYTES = 1024 * 1024
MAX_LENGTHS = {"id": 128, "source": 128, "type": 64, "subject": 512}
REQUIRED = ("id", "source", "specversion", "type")
STRING_ATTRIBUTES = ("id", "source", "specversion", "type", "subject", "time", "datacontenttype", "dataschema")
ID_RE = re.compile(r"^[A-Za-z0-9-]+$")
ATTRIBUTE_NAME_RE = re.compile(r"^[a-z0-9]{1,20}$")
RFC3339_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def put_events_wait(*, account) -> float:
    """0 when the account may publish now (and this request is counted), else the seconds until it
    may: settings.PUT_EVENTS_PER_MINUTE requests a minute per account, a sliding window kept where
    the per-bot rate limits are (Redis or the database), so every web process counts together."""
    limit = int(getattr(settings, "PUT_EVENTS_PER_MINUTE", 0) or 0)
    if limit <= 0:
        return 0.0
    # The account row's own identity (its uid and creation time): the counters outlive a database
    # that is recreated (a test run) in Redis, and must not be inherited by a new account.
    identity = f"account:{account.uid}:{account.created_at.isoformat()}"
    slot = rate_limit_acquire(channel_key="put-events", identity=identity, limits=((limit, 60.0),))
    return 0.0 if slot.taken else slot.wait


class EntryError(Exception):
    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(message)


def entry_size(entry) -> int:
    """An entry's size: its compact UTF-8 JSON encoding, in bytes."""
    return len(json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _is_rfc3339(value: str) -> bool:
    if not RFC3339_RE.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return True


def entry_validate(entry) -> catalog.EventSource:
    """Check one entry against CloudEvents 1.0, EventBridge's limits and the catalog; return its
    catalog source or raise EntryError."""
    if not isinstance(entry, dict):
        raise EntryError("InvalidEvent", f"An event must be a JSON object, not {type(entry).__name__}.")
    # Text that cannot be stored (NUL, lone surrogates) or nesting past the limit: this event fails
    # alone, the others of the request are judged on their own.
    if (problem := json_text_problem(entry)) is not None:
        raise EntryError("InvalidEvent", f"The event {problem}.")
    size = entry_size(entry)
    if size > MAX_ENTRY_BYTES:
        raise EntryError("EventTooLarge", f"The event is {size} bytes; an event may be at most {MAX_ENTRY_BYTES} "
                                          "bytes (256 KB).")
    for name in REQUIRED:
        if name not in entry or entry[name] in (None, ""):
            raise EntryError("MissingAttribute", f"The required attribute {name} is missing.")
    for name in entry:
        if name != "data" and not ATTRIBUTE_NAME_RE.match(name):
            raise EntryError("InvalidAttribute", f"Attribute name {name!r} is not allowed: CloudEvents attribute "
                                                 "names are 1 to 20 lower-case letters or digits.")
    for name in STRING_ATTRIBUTES:
        if name in entry and not isinstance(entry[name], str):
            raise EntryError("InvalidAttribute", f"Attribute {name} must be a string.")
    for name, limit in MAX_LENGTHS.items():
        if len(entry.get(name, "")) > limit:
            raise EntryError("InvalidAttribute", f"Attribute {name} is {len(entry[name])} characters; "
                                                 f"at most {limit} are allowed.")
    if not ID_RE.match(entry["id"]):
        raise EntryError("InvalidAttribute", "Attribute id may contain only letters, digits and hyphens.")
    if entry["specversion"] != catalog.SPECVERSION:
        raise EntryError("InvalidAttribute", f"Attribute specversion must be {catalog.SPECVERSION}, "
                                             f"not {entry['specversion']!r}.")
    if entry["source"] != catalog.CLOUDEVENTS_SOURCE:
        raise EntryError("InvalidSource", f"Attribute source must be {catalog.CLOUDEVENTS_SOURCE}, "
                                          f"not {entry['source']!r}.")
    source = catalog.source_for_type(entry["type"])
    if source is None:
        raise EntryError("UnknownEventType", f"Event type {entry['type']!r} is not in the catalog; "
                                                 "GET /api/v1/catalog/ lists every source's types.")
    if source.console_only:
        raise EntryError("UnknownEventType", f"Event type {entry['type']!r} is raised by the console itself "
                                                 f"({source.label}); PutEvents cannot publish it.")
    if entry.get("datacontenttype", DATA_CONTENT_TYPE) != DATA_CONTENT_TYPE:
        raise EntryError("InvalidAttribute", f"Attribute datacontenttype must be {DATA_CONTENT_TYPE}.")
    if "time" in entry and not _is_rfc3339(entry["time"]):
        raise EntryError("InvalidAttribute", "Attribute time must be an RFC 3339 timestamp, "
                                             "e.g. 2024-05-01T08:30:00Z.")
    return source


@operation(Check("eventbridge:PutEvents", BUS),
           values=lambda workspace, **_: {"account": workspace.account, "workspace": workspace.name})
def events_put(*, workspace, entries: list, actor=None) -> dict:
    """Store the valid entries (one transaction) and answer as EventBridge's PutEvents:
    {"FailedEntryCount": n, "EntryList": [{"EventId": ...} | {"ErrorCode": ..., "ErrorMessage": ...}]}.
    An entry whose id this workspace already holds is answered with that id and not stored twice
    (a publisher's retry). The caller has checked the count and the request size. Each event records
    its publisher; the call is audited with the entries' count and ids."""
    results: list[dict] = []
    accepted: list[tuple[dict, str]] = []
    for entry in entries:
        try:
            source = entry_validate(entry)
        except EntryError as error:
            results.append({"ErrorCode": error.code, "ErrorMessage": error.message})
            continue
        results.append({"EventId": entry["id"]})
        accepted.append((entry, source.key))
    failed = sum(1 for result in results if "ErrorCode" in result)
    with transaction.atomic():
        if accepted:
            publish_entries(workspace=workspace, entries=accepted, publisher=actor)
        audit_record(actor=actor, account=workspace.account, action="events.put", object_type="event_bus",
                     object_repr=event_bus_name(workspace), resource=bus_arn(workspace), changes={
                         "entries": [None, len(entries)], "failed": [None, failed],
                         "event_ids": [None, [entry["id"] for entry, _ in accepted]],
                     })
    return {"FailedEntryCount": failed, "EntryList": results}
