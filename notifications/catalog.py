"""The event catalog: the one place that knows event sources, their event types (grouped, with the
console's labels), the CloudEvents `type` of each, and which kinds of delivery method each source allows.

Forms, serializers, validation, routing and templates read this module; nothing else lists event
types. The `type` strings follow EventBridge's `{product}:{Category}:{Event}` convention; PAI's own
strings are not published (PROTOCOLS.md 4.3), so these are this project's naming.
"""

from __future__ import annotations

from dataclasses import dataclass

CLOUDEVENTS_SOURCE = "acs.pai"
SPECVERSION = "1.0"


@dataclass(frozen=True)
class EventType:
    key: str  # the CloudEvents `type`, e.g. "pai:ModelManagement:ModelVersionApproved"
    label: str  # the console's label
    group: str  # the console's group heading ("" when the source has no groups)
    description: str = ""


@dataclass(frozen=True)
class EventSource:
    key: str  # "model", "dlc_job", ...
    label: str  # "Model", "DLC job", ...
    description: str
    event_types: tuple[EventType, ...]
    method_kinds: tuple[str, ...]  # the kinds of delivery method it allows (below)
    # Scopes a rule on this source may choose.
    scopes: tuple[str, ...] = ("mine", "all")
    resource_kind: str = ""

    @property
    def groups(self) -> list[tuple[str, list[EventType]]]:
        grouped: dict[str, list[EventType]] = {}
        for event_type in self.event_types:
            grouped.setdefault(event_type.group, []).append(event_type)
        return list(grouped.items())

    def has_type(self, type_key: str) -> bool:
        return any(et.key == type_key for et in self.event_types)


# The kinds of delivery method: each method names its kind in its channel package (`METHOD.kind`), and
# each source below lists the kinds it allows (the source/method matrix), so a new chat bot is
# allowed wherever chat bots are without a line here.
CHAT_BOT = "chat_bot"  # DingTalk, WeCom, Lark
CONTACTS = "contacts"  # voice call, text message and email, to contacts
MODEL_INTEGRATION = "model_integration"  # HTTP/HTTPS and EAS service update: model events only

# What a rule that lists no event types receives, and how every page, answer and audit entry names it:
# every type of its source, including types added to this catalog later.
ALL_EVENT_TYPES_LABEL = "All event types"
ALL_EVENT_TYPES_CHOICE = "All event types of this source"  # the drawer's first choice above the types

SCOPE_LABELS = {
    "mine": "Created by me",
    "all": "All in current workspace",
    "models": "Specified models",
}


def _types(prefix: str, rows: list[tuple[str, str, str, str]]) -> tuple[EventType, ...]:
    return tuple(EventType(key=f"{prefix}:{name}", label=label, group=group, description=desc)
                 for group, name, label, desc in rows)


SOURCES: tuple[EventSource, ...] = (
    EventSource(
        key="flow_task",
        label="Flow task",
        description="Status of Designer (PAIFlow) flow tasks.",
        resource_kind="FlowTask",
        method_kinds=(CHAT_BOT, CONTACTS),
        event_types=_types("pai:PAIFlow", [
            ("", "TaskFailed", "Task Failed", "A flow task failed."),
            ("", "TaskFinished", "Task Finished", "A flow task finished, successfully or not."),
        ]),
    ),
    EventSource(
        key="dlc_job",
        label="DLC job",
        description="Lifecycle of Deep Learning Containers jobs.",
        resource_kind="DlcJob",
        method_kinds=(CHAT_BOT, CONTACTS),
        event_types=_types("pai:DLC", [
            ("Job progress", "JobEnqueued", "Enters Queue", "The job entered the queue."),
            ("Job progress", "JobBidding", "Starts Bidding", "The job started bidding for spot resources."),
            ("Job progress", "JobEnvPreparing", "Starts Environment Preparation",
             "The job's environment is being prepared."),
            ("Job progress", "JobRunning", "Starts Running", "The job started running."),
            ("Job progress", "JobSucceeded", "Job Succeeded", "The job succeeded."),
            ("Job progress", "JobFailed", "Job Failed", "The job failed."),
            ("Automatic Fault Tolerance", "JobFaultToleranceRestarted", "Automatic Fault Tolerance",
             "The job was restarted by automatic fault tolerance."),
            ("Job Timeout", "JobTimeout", "Job Timeout",
             "The job ran past the timeout in its scheduling settings."),
            ("Other", "JobPreempted", "Job Preempted", "The job was preempted."),
            ("Other", "JobStopped", "Job Manually Stopped", "The job was stopped by a user."),
        ]),
    ),
    EventSource(
        key="dsw_instance",
        label="DSW instance",
        description="Status of DSW instances and their saved images.",
        resource_kind="DswInstance",
        method_kinds=(CHAT_BOT, CONTACTS),
        event_types=_types("pai:DSW", [
            ("Instance status", "InstanceCreating", "Creating", "The instance is being created."),
            ("Instance status", "InstanceRunning", "Running", "The instance is running."),
            ("Instance status", "InstanceFailed", "Instance Failed", "The instance failed."),
            ("Image saving", "ImageSaving", "Saving Image", "The instance's image is being saved."),
            ("Image saving", "ImageSaved", "Image Saved Successfully", "The instance's image was saved."),
            ("Image saving", "ImageSaveFailed", "Image Save Failed", "Saving the instance's image failed."),
            ("Instance shutdown", "InstanceStopping", "Stopping", "The instance is stopping."),
            ("Instance shutdown", "InstanceStopped", "Instance Stopped", "The instance stopped."),
        ]),
    ),
    EventSource(
        key="model",
        label="Model",
        description="Approval status of model versions in AI Asset Management.",
        resource_kind="ModelVersion",
        method_kinds=(CHAT_BOT, MODEL_INTEGRATION),
        scopes=("mine", "all", "models"),
        event_types=_types("pai:ModelManagement", [
            ("", "ModelVersionApproved", "Model Version Approved for Publishing",
             "A model version changed from Pending to Approved."),
            ("", "ModelVersionStatusChanged", "Model Version Status Changed",
             "A model version changed to Approved or to Rejected."),
        ]),
    ),
)

SOURCES_BY_KEY: dict[str, EventSource] = {source.key: source for source in SOURCES}
EVENT_TYPES_BY_KEY: dict[str, EventType] = {et.key: et for source in SOURCES for et in source.event_types}
SOURCE_OF_TYPE: dict[str, EventSource] = {et.key: source for source in SOURCES for et in source.event_types}
SOURCE_CHOICES = [(source.key, source.label) for source in SOURCES]
EVENT_TYPE_CHOICES = [(et.key, et.label) for source in SOURCES for et in source.event_types]
SCOPE_CHOICES = list(SCOPE_LABELS.items())


def get_source(key: str) -> EventSource:
    try:
        return SOURCES_BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown event source {key!r}; known: {', '.join(SOURCES_BY_KEY)}") from None


def source_for_type(type_key: str) -> EventSource | None:
    return SOURCE_OF_TYPE.get(type_key)


def event_type_label(type_key: str) -> str:
    event_type = EVENT_TYPES_BY_KEY.get(type_key)
    return event_type.label if event_type else type_key


def type_key(source_key: str, name: str) -> str:
    """The full type of event `name` of a source: type_key("model", "ModelVersionApproved")."""
    for event_type in get_source(source_key).event_types:
        if event_type.key.rsplit(":", 1)[1] == name:
            return event_type.key
    raise KeyError(f"source {source_key!r} has no event type {name!r}")


def sources_allowing(kind: str) -> list[str]:
    """The sources whose events a delivery method of this kind may receive."""
    return [source.key for source in SOURCES if kind in source.method_kinds]
