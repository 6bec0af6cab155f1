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
    # The `data` fields this source's events add to the common ones (VARIABLES): (name, meaning, example).
    variables: tuple[tuple[str, str, str], ...] = ()
    example_resource: str = ""  # a resource name, for examples and Test Connectivity samples
    example_status: tuple[str, str] = ("", "")  # (oldStatus, newStatus) of a sample event
    # Raised by the console about its own notification setup: PutEvents may not forge its types.
    console_only: bool = False

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
WEBHOOK = "webhook"  # HTTP/HTTPS: model events and the notification system's own
MODEL_INTEGRATION = "model_integration"  # EAS service update: model events only

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
        variables=(("succeeded", "Whether the task succeeded (TaskFinished).", "false"),),
        example_resource="nightly-pipeline",
        example_status=("Running", "Failed"),
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
        variables=(("timeoutMinutes", "The job's timeout in minutes, or null.", "60"),
                   ("runningMinutes", "Minutes the job had run (JobTimeout only).", "61")),
        example_resource="resnet50-train",
        example_status=("Running", "Failed"),
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
        variables=(("instanceStatus", "The instance's status after the change.", "Running"),
                   ("imageStatus", "The image's status after the change (\"\" when none).", "Saved")),
        example_resource="notebook-gpu",
        example_status=("Creating", "Running"),
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
        method_kinds=(CHAT_BOT, WEBHOOK, MODEL_INTEGRATION),
        scopes=("mine", "all", "models"),
        variables=(("modelId", "The model's id.", "7"), ("modelName", "The model's name.", "demo-model"),
                   ("versionId", "The model version's id.", "12"),
                   ("versionName", "The version's name.", "0.1.0"),
                   ("approvalStatus", "The version's approval status after the change.", "Approved")),
        example_resource="demo-model 0.1.0",
        example_status=("Pending", "Approved"),
        event_types=_types("pai:ModelManagement", [
            ("", "ModelVersionApproved", "Model Version Approved for Publishing",
             "A model version changed from Pending to Approved."),
            ("", "ModelVersionStatusChanged", "Model Version Status Changed",
             "A model version changed to Approved or to Rejected."),
        ]),
    ),
    # The console's own events about the workspace's notification setup (notifications.services.
    # platform_events), so that a team can watch it with the same rules and targets. Never an EAS update.
    EventSource(
        key="notification_system",
        label="Notification system",
        description="The notification setup itself: targets disabled, deliveries dead, quotas nearly used, "
                    "replays finished.",
        resource_kind="NotificationTarget",
        method_kinds=(CHAT_BOT, CONTACTS, WEBHOOK),
        console_only=True,
        variables=(
            ("ruleId", "The notice rule's id (\"\" for the account's free tier).", "4"),
            ("ruleName", "The notice rule's name.", "train-failures"),
            ("targetId", "The target's id (Target Disabled, Delivery Dead).", "9"),
            ("targetMethod", "The target's delivery method.", "DingTalk notification"),
            ("reason", "Why: the receiver's decoded answer (Target Disabled, Delivery Dead).",
             "the robot was disabled or its access token revoked"),
            ("deliveryId", "The dead delivery's id (Delivery Dead).", "311"),
            ("originalEventId", "The id of the event the delivery carried (Delivery Dead).",
             "5c8e7a0e-1f0b-4a2e-9d3b-2f6f3c1f9a10"),
            ("originalEventType", "The type of the event the delivery carried (Delivery Dead).", "pai:DLC:JobFailed"),
            ("quota", "What is nearly used: rule_units or free_tier (Quota Nearly Used).", "free_tier"),
            ("used", "How much of it is used (Quota Nearly Used).", "400"),
            ("limit", "Its limit (Quota Nearly Used).", "500"),
            ("percent", "The share used, in percent (Quota Nearly Used).", "80"),
            ("period", "The billing month it counts in, YYYY-MM (Quota Nearly Used).", "2026-11"),
            ("replayId", "The replay job's id (Replay Finished).", "17"),
            ("replayed", "Events replayed (Replay Finished).", "500"),
            ("delivered", "Replayed deliveries that had succeeded when the replay ended (Replay Finished).", "498"),
            ("failed", "Replayed deliveries that had died when the replay ended (Replay Finished).", "2"),
            ("chain", "0, or 1 for a Target Disabled a notification-system notice caused.", "0"),
        ),
        example_resource="train-failures / DingTalk notification",
        example_status=("failing", "disabled"),
        scopes=("mine", "all"),
        event_types=_types("pai:NotificationSystem", [
            ("", "TargetDisabled", "Target Disabled",
             "A target was disabled after its receiver's answers (the target itself is never told)."),
            ("", "DeliveryDead", "Delivery Dead",
             "A delivery gave up: its receiver refused it or its deadline passed."),
            ("", "QuotaNearlyUsed", "Quota Nearly Used",
             "80 % of a rule's target units or of the account's free tier is used (once a month each)."),
            ("", "ReplayFinished", "Replay Finished",
             "A replay of the bus's archived events ended: finished, cancelled or failed (newStatus)."),
        ]),
    ),
)

# The `data` fields of every event the console raises: (name, meaning, example). Templates and HTTP
# receivers read these; each source adds its own (EventSource.variables).
VARIABLES: tuple[tuple[str, str, str], ...] = (
    ("resourceKind", "The kind of resource (DlcJob, DswInstance, FlowTask, ModelVersion; NotificationTarget, "
                     "NotificationDelivery, NotificationRule, FreeTier, ReplayJob for the notification system).",
     "DlcJob"),
    ("resourceId", "The resource's id.", "3"),
    ("resourceName", "The resource's name.", "resnet50-train"),
    ("workspaceId", "The workspace's id.", "1"),
    ("workspaceName", "The workspace's name.", "ws_example"),
    ("oldStatus", "The status before the change.", "Running"),
    ("newStatus", "The status after the change.", "Failed"),
    ("operator", "Who made the change (a username, or system).", "owner"),
    ("operatorId", "The user's id (\"\" for the system).", "1"),
    ("consoleUrl", "The resource's page in the console.", "https://console.example.com/workspaces/1/dlc-jobs/3/"),
)


def variables_of(source: EventSource) -> tuple[tuple[str, str, str], ...]:
    """Every `data` field of the source's events, with an example value."""
    return VARIABLES + source.variables


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


# --- message template variables ----------------------------------------------------------------
# What a target's title and body templates may name (`${resource.name}`), per event type: each with
# what it means and an example value (the drawer lists them; previews without a real event use the
# examples). `source` is where an event's value comes from: "event.<attribute>" of the stored event,
# or "data.<key>" of its CloudEvents data (the first key present wins, "|" separated).


@dataclass(frozen=True)
class Variable:
    name: str  # "resource.name": what a template writes between ${ and }
    description: str
    example: str
    source: str  # "event.resource_name|data.resourceName", "data.oldStatus", ...


_COMMON_VARIABLES = (
    Variable("event.label", "The event type's label, in the message's language", "Job Failed", "label"),
    Variable("event.type", "The CloudEvents type", "pai:DLC:JobFailed", "event.type"),
    Variable("event.id", "The event's id", "5c8e7a0e-1f0b-4a2e-9d3b-2f6f3c1f9a10", "event.event_id"),
    Variable("event.time", "When it happened (RFC 3339)", "2026-11-30T10:02:00+08:00", "data.time|envelope.time"),
    Variable("workspace.name", "The workspace", "llm_training", "data.workspaceName|workspace.name"),
    Variable("workspace.id", "The workspace's id", "12", "data.workspaceId|event.workspace_id"),
    Variable("resource.name", "The resource's name", "nightly-train", "event.resource_name|data.resourceName"),
    Variable("resource.id", "The resource's id", "dlc-7f3a", "event.resource_id|data.resourceId"),
    Variable("resource.kind", "The kind of resource", "DlcJob", "data.resourceKind"),
    Variable("status.old", "Its status before", "Running", "data.oldStatus"),
    Variable("status.new", "Its status after", "Failed", "data.newStatus"),
    Variable("operator", "Who did it (\"system\" for the platform)", "alice", "data.operator"),
    Variable("console.link", "The event's page in the console", "https://console.example.com/workspaces/12/events/"
             "345/", "link"),
)
_SOURCE_VARIABLES = {
    "dlc_job": (
        Variable("job.duration", "Minutes the job ran (timeouts)", "125", "data.runningMinutes|data.durationMinutes"),
        Variable("job.timeout", "The job's timeout in minutes", "120", "data.timeoutMinutes"),
        Variable("failure.reason", "Why it failed, when the platform says", "OOMKilled: worker-0 exceeded 32 GiB",
                 "data.reason|data.failureReason|data.message"),
    ),
    "dsw_instance": (
        Variable("instance.status", "The instance's status", "Running", "data.instanceStatus"),
        Variable("image.status", "The status of its image saving", "Saved", "data.imageStatus"),
        Variable("failure.reason", "Why it failed, when the platform says", "ImagePullBackOff",
                 "data.reason|data.failureReason|data.message"),
    ),
    "flow_task": (
        Variable("task.succeeded", "\"True\" when the task succeeded", "False", "data.succeeded"),
        Variable("failure.reason", "Why it failed, when the platform says", "node read-table-1: table not found",
                 "data.reason|data.failureReason|data.message"),
    ),
    "model": (
        Variable("model.name", "The model", "fraud-model", "data.modelName"),
        Variable("model.version", "The model version", "0.2.0", "data.versionName"),
        Variable("approval.status", "The version's approval status", "Approved", "data.approvalStatus"),
    ),
    "notification_system": (
        # Its own examples of three common variables (they replace the common ones' in previews).
        Variable("resource.name", "What it is about: a rule's target, a delivery, a quota, a replay",
                 "train-failures / DingTalk notification", "event.resource_name|data.resourceName"),
        Variable("status.old", "Its status before", "failing", "data.oldStatus"),
        Variable("status.new", "Its status after", "disabled", "data.newStatus"),
        Variable("rule.name", "The notice rule (empty for the free tier)", "train-failures", "data.ruleName"),
        Variable("target.method", "The target's delivery method", "DingTalk notification", "data.targetMethod"),
        Variable("failure.reason", "Why the target was disabled or the delivery died",
                 "the robot was disabled or its access token revoked", "data.reason"),
        Variable("delivery.id", "The dead delivery's id", "311", "data.deliveryId"),
        Variable("original.type", "The type of the event the dead delivery carried", "pai:DLC:JobFailed",
                 "data.originalEventType"),
        Variable("quota.used", "How much of the quota is used", "400", "data.used"),
        Variable("quota.limit", "The quota's limit", "500", "data.limit"),
        Variable("quota.percent", "The share used, in percent", "80", "data.percent"),
        Variable("quota.period", "The billing month (YYYY-MM)", "2026-11", "data.period"),
        Variable("replay.id", "The replay job's id", "17", "data.replayId"),
        Variable("replay.events", "Events replayed", "500", "data.replayed"),
        Variable("replay.delivered", "Replayed deliveries that had succeeded when the replay ended", "498",
                 "data.delivered"),
        Variable("replay.failed", "Replayed deliveries that had died when the replay ended", "2", "data.failed"),
        Variable("resource.link", "The page to act on: the rules page, the delivery records, the usage page",
                 "https://console.example.com/workspaces/12/rules/", "data.consoleUrl"),
    ),
}


def event_variables(event_type: str) -> tuple[Variable, ...]:
    """The variables a template may name for events of `event_type` (a CloudEvents type)."""
    source = SOURCE_OF_TYPE.get(event_type)
    own = {variable.name: variable for variable in (_SOURCE_VARIABLES.get(source.key, ()) if source else ())}
    # A source may give a common variable its own description and example: it keeps its place.
    common = tuple(own.pop(variable.name, variable) for variable in _COMMON_VARIABLES)
    return common + tuple(own.values())
