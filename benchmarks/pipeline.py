"""Fixtures for the pipeline's measurements, written in bulk through the ORM (the services add one
rule at a time and cap a bus at 50 rules; the benchmark needs thousands), and the two calls that
drive the pipeline: publishing a model-approval event (what (b) measures: the pipeline from
`publish`, in a transaction, as the approval does it) and approving a Pending model version through
the resources service (the console's Approve button: the version's update, both model events and
the audit record)."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from benchmarks.harness import SECRET

_counter = itertools.count()


def approved_type() -> str:
    from notifications import catalog

    return catalog.type_key("model", "ModelVersionApproved")


def approve_version(version_id: int) -> None:
    """Pending -> Approved through the resources service, as the console's Approve button does."""
    from workspaces.models import ModelVersion
    from workspaces.pai_resources.services import model_registry as resources

    version = ModelVersion.objects.select_related("model__workspace__account").get(pk=version_id)
    resources.model_version_set_status(actor=None, version=version,
                                       approval_status=ModelVersion.ApprovalStatus.APPROVED)


def load_versions(version_ids: list[int]) -> list:
    """The versions with their model, workspace, account and creators, in one query: what the web
    process holds when it publishes (the bench loads them before the first publish is timed)."""
    from workspaces.models import ModelVersion

    versions = ModelVersion.objects.select_related("model__workspace__account", "model__created_by", "created_by")
    by_id = versions.in_bulk(version_ids)
    return [by_id[version_id] for version_id in version_ids]


def publish_approval_event(version) -> None:
    """One ModelVersionApproved event for the version, published in its own transaction with the
    arguments the approval service gives it (the version itself is left as it is)."""
    from notifications.services.events import publish

    model = version.model
    with transaction.atomic():
        publish(workspace=model.workspace, source="model", type_name="ModelVersionApproved", resource_id=version.pk,
                resource_name=f"{model.name}:{version.version_name}", old_status="Pending", new_status="Approved",
                resource_owner=version.created_by or model.created_by, model=model,
                console_path=f"/workspaces/{model.workspace_id}/models/{model.pk}/",
                extra={"modelId": str(model.pk), "modelName": model.name, "versionId": str(version.pk),
                       "versionName": version.version_name, "approvalStatus": "Approved"})


def bench_account(name: str = "bench"):
    """An account of the benchmark, with its owner: EventBridge activated, the service-linked role
    granted. (f) uses its own, so that the top bar's workspace switcher lists few workspaces."""
    import zlib

    from workspaces.models import Account, ServiceLinkedRole, User

    account, created = Account.objects.get_or_create(
        name=name, defaults={"uid": f"19{zlib.crc32(name.encode()):014d}", "eventbridge_activated_at": timezone.now()}
    )
    owner = User.objects.filter(username=f"{name}-owner").first()
    if owner is None:
        owner = User.objects.create_user(username=f"{name}-owner", password="bench-password-42", account=account,
                                         is_account_owner=True, email=f"{name}@example.com")
    if created or not ServiceLinkedRole.objects.filter(account=account).exists():
        ServiceLinkedRole.objects.get_or_create(account=account, created_by=owner)
    return account, owner


def dingtalk_secrets(webhook: str) -> dict:
    return {"webhook": webhook, "signing_secret": SECRET}


def dingtalk_config(webhook: str) -> dict:
    """The masked copies the rule service keeps in a DingTalk target's config (what pages show)."""
    from console.crypto import mask
    from notifications.channels.schema import mask_webhook

    return {"webhook": mask_webhook(webhook), "signing_secret": mask(SECRET)}


@dataclass
class BotWorkspaces:
    """N workspaces, each with its bus, one rule on the approval type and one DingTalk target with
    its own robot token, and one Pending model version to approve. `tokens[i]` is version i's bot."""

    workspace_ids: list[int]
    version_ids: list[int]
    tokens: list[str]


def _workspace_names(count: int) -> tuple[str, list[str]]:
    run = f"b{next(_counter)}{uuid.uuid4().hex[:5]}"
    return run, [f"{run}_{i}" for i in range(count)]  # letters, digits, underscores; <= 23 chars


def build_bot_workspaces(count: int, webhook_for, account_name: str = "bench") -> BotWorkspaces:
    """`webhook_for(token)` is the fake's URL for a robot token."""
    from notifications.models import RoutingKey, Rule, RuleEventType, Target
    from workspaces.models import EventBus, Model, ModelVersion, Workspace

    account, owner = bench_account(account_name)
    run, names = _workspace_names(count)
    with transaction.atomic():
        workspaces = Workspace.objects.bulk_create(
            [Workspace(account=account, name=name, created_by=owner) for name in names], batch_size=500
        )
        buses = EventBus.objects.bulk_create(
            [EventBus(account=account, workspace=ws, name=f"pai-system-{ws.name}") for ws in workspaces],
            batch_size=500,
        )
        rules = Rule.objects.bulk_create(
            [Rule(bus=bus, name="approved-to-dingtalk", source="model", scope="all", created_by=owner)
             for bus in buses],
            batch_size=500,
        )
        RuleEventType.objects.bulk_create(
            [RuleEventType(rule=rule, event_type=approved_type()) for rule in rules], batch_size=500
        )
        RoutingKey.objects.bulk_create(  # what the rule service writes for an enabled rule scoped "all"
            [RoutingKey(rule=rule, bus_id=rule.bus_id, event_type=approved_type(), scope_key="all") for rule in rules],
            batch_size=500,
        )
        tokens = [f"{run}-{i}" for i in range(count)]
        Target.objects.bulk_create(
            [Target(rule=rule, method="dingtalk", config=dingtalk_config(webhook_for(token)),
                    secrets=dingtalk_secrets(webhook_for(token)))
             for rule, token in zip(rules, tokens, strict=True)],
            batch_size=500,
        )
        models = Model.objects.bulk_create(
            [Model(workspace=ws, name="resnet50", created_by=owner) for ws in workspaces], batch_size=500
        )
        versions = ModelVersion.objects.bulk_create(
            [ModelVersion(model=model, version_name="v1", created_by=owner) for model in models], batch_size=500
        )
    analyze()
    return BotWorkspaces([ws.pk for ws in workspaces], [v.pk for v in versions], tokens)


def build_fanout_workspace(targets: int, webhook_for) -> BotWorkspaces:
    """One workspace whose one rule has `targets` DingTalk targets (the quota's maximum is 100),
    each its own robot; one Pending version. `tokens` are the robots."""
    from notifications.models import Target

    single = build_bot_workspaces(1, webhook_for)
    rule_target = Target.objects.get(rule__bus__workspace_id=single.workspace_ids[0])
    tokens = [single.tokens[0]] + [f"{single.tokens[0]}-t{i}" for i in range(1, targets)]
    Target.objects.bulk_create(
        [Target(rule=rule_target.rule, method="dingtalk", config=dingtalk_config(webhook_for(token)),
                secrets=dingtalk_secrets(webhook_for(token)),
                position=i) for i, token in enumerate(tokens[1:], start=1)]
    )
    return BotWorkspaces(single.workspace_ids, single.version_ids, tokens)


def add_pending_versions(workspace_id: int, count: int) -> list[int]:
    from workspaces.models import Model, ModelVersion

    model = Model.objects.get(workspace_id=workspace_id, name="resnet50")  # not the one other rules scope
    owner = model.created_by
    run = uuid.uuid4().hex[:6]
    versions = ModelVersion.objects.bulk_create(
        [ModelVersion(model=model, version_name=f"v{run}-{i}", created_by=owner) for i in range(count)]
    )
    return [v.pk for v in versions]


def add_rules(workspace_id: int, count: int, webhook_for, other_sources_only: bool = False) -> dict:
    """Add `count` rules that the approval event must NOT match to the workspace's bus: 80 % on
    other sources' event types, 10 % on the approval type but disabled, 10 % on the approval type
    scoped to another model (or all on other sources' types). Each has one DingTalk target.
    Returns the mix."""
    from notifications import catalog
    from notifications.models import RoutingKey, Rule, RuleEventType, Target
    from workspaces.models import EventBus, Model

    bus = EventBus.objects.select_related("workspace__created_by").get(workspace_id=workspace_id)
    owner = bus.workspace.created_by
    other_model = Model.objects.create(workspace_id=workspace_id, name=f"other-{uuid.uuid4().hex[:8]}",
                                       created_by=owner)
    other_types = [(source.key, et.key) for source in catalog.SOURCES if source.key != "model"
                   for et in source.event_types]
    run = uuid.uuid4().hex[:6]
    rules, types, mix = [], [], {"other_source": 0, "disabled_same_type": 0, "other_model_same_type": 0}
    for i in range(count):
        kind = "other_source" if other_sources_only or i % 10 < 8 else (
            "disabled_same_type" if i % 10 == 8 else "other_model_same_type")
        mix[kind] += 1
        if kind == "other_source":
            source, type_key = other_types[i % len(other_types)]
            rules.append(Rule(bus=bus, name=f"r{run}-{i}", source=source, scope="all", created_by=owner))
        else:
            rules.append(Rule(bus=bus, name=f"r{run}-{i}", source="model", created_by=owner,
                              scope="all" if kind == "disabled_same_type" else "models",
                              enabled=kind != "disabled_same_type"))
            type_key = approved_type()
        types.append(type_key)
    with transaction.atomic():
        rules = Rule.objects.bulk_create(rules, batch_size=1000)
        RuleEventType.objects.bulk_create(
            [RuleEventType(rule=rule, event_type=t) for rule, t in zip(rules, types, strict=True)], batch_size=1000
        )
        Target.objects.bulk_create(
            [Target(rule=rule, method="dingtalk", config=dingtalk_config(webhook_for(f"{run}-{i}")),
                    secrets=dingtalk_secrets(webhook_for(f"{run}-{i}")))
             for i, rule in enumerate(rules)],
            batch_size=1000,
        )
        scoped = [rule for rule in rules if rule.scope == "models"]
        Rule.scope_models.through.objects.bulk_create(
            [Rule.scope_models.through(rule_id=rule.pk, model_id=other_model.pk) for rule in scoped], batch_size=1000
        )
        # The routing keys the rule service writes: none for a disabled rule, one per scoped model.
        RoutingKey.objects.bulk_create(
            [RoutingKey(rule=rule, bus_id=bus.pk, event_type=t,
                        scope_key="all" if rule.scope == "all" else f"model:{other_model.pk}")
             for rule, t in zip(rules, types, strict=True) if rule.enabled],
            batch_size=1000,
        )
    analyze()
    return mix


def analyze() -> None:
    """Fresh planner statistics after a bulk load, as autovacuum would give a real database in time
    (without them PostgreSQL plans the routing query for empty tables)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def counts(workspace_ids: list[int]) -> dict:
    """Every record the runs should have left: events, deliveries by status, attempts by outcome."""
    from django.db.models import Count

    from notifications.models import Delivery, DeliveryAttempt, Event

    events = Event.objects.filter(workspace_id__in=workspace_ids)
    deliveries = Delivery.objects.filter(event__workspace_id__in=workspace_ids)
    attempts = DeliveryAttempt.objects.filter(delivery__event__workspace_id__in=workspace_ids)
    return {
        "events": events.count(),
        "events_routed": events.filter(routed_at__isnull=False).count(),
        "deliveries": dict(deliveries.values_list("status").annotate(n=Count("id")).order_by()),
        "attempts": dict(attempts.values_list("outcome").annotate(n=Count("id")).order_by()),
    }
