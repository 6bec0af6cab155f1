"""What the browser tests share besides fixtures: waiting for htmx, holding a request in flight, and
a console with something on every page (`console_scene`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"

DINGTALK_KEY = "SEC0123456789abcdef0123456789abcdef0123456789abcdef"


def htmx_idle(page):
    """Wait until htmx has swapped and settled the last answer: a control changed while the new
    content is still being processed would fire before htmx listens to it (a user is never that
    fast; a test on a loaded machine can be)."""
    page.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})")
    page.wait_for_timeout(30)  # htmx's settle delay (20 ms) has passed too


class Held:
    """Requests to URLs matching `pattern` are held until `release()`: the page shows its in-flight
    state meanwhile, for as long as the test looks at it."""

    def __init__(self, page, pattern: str, *, method: str = ""):
        self.page, self.pattern, self.method = page, pattern, method
        self.routes = []
        page.route(pattern, self._hold)

    def _hold(self, route):
        if self.method and route.request.method != self.method:
            route.continue_()
            return
        self.routes.append(route)

    def wait(self, count: int = 1):
        self.page.wait_for_function("() => true")  # let the route handler run
        deadline = 200
        while len(self.routes) < count and deadline:
            self.page.wait_for_timeout(25)
            deadline -= 1
        assert len(self.routes) >= count, f"no request to {self.pattern} was made"

    def release(self):
        routes, self.routes = self.routes, []
        for route in routes:
            route.continue_()
        self.page.unroute(self.pattern)


@dataclass
class Scene:
    workspace: object
    rule: object = None
    model_rule: object = None
    event: object = None  # published, with a delivered and a dead delivery
    unpublished: object = None
    model: object = None
    eas_service: object = None
    dlc_job: object = None
    extra: dict = field(default_factory=dict)


def console_scene(*, owner, workspace, good_bot, refusing_bot, dingtalk) -> Scene:
    """The console as a team uses it: an event raised before activation (not published), EventBridge
    activated and the role granted, the demo resources, two rules (DLC failures to two DingTalk
    bots, one of which refuses the signature; model approvals to an EAS service), a failed DLC job
    whose event was delivered once, retried once, and refused once (dead), contacts, a policy and a
    quota request."""
    from notifications.models import Delivery
    from notifications.services.contacts import contact_create
    from notifications.services.delivery import delivery_send
    from notifications.services.quotas import quota_request_create
    from notifications.services.routing import event_route
    from notifications.services.rules import rule_create
    from tests.notifications.delivery.builders import raise_event
    from workspaces.models import DlcJob, EasService
    from workspaces.pai_resources.services.demo import demo_resources_create
    from workspaces.pai_resources.services.dlc import dlc_job_create, dlc_job_set_status
    from workspaces.tenancy.services.eventbridge import eventbridge_activate, service_role_grant

    scene = Scene(workspace=workspace)
    scene.unpublished = raise_event(workspace, name="bert_pretrain")  # before activation: not published
    eventbridge_activate(actor=owner, account=owner.account)
    service_role_grant(actor=owner, account=owner.account)
    workspace.refresh_from_db()
    resources = demo_resources_create(workspace, actor=owner)
    scene.model, scene.eas_service = resources["model"], resources["eas_service"]
    for name, email, mobile in (("Alice", "alice@example.com", "+8613800138000"), ("Tony", "tony@example.com", "")):
        contact_create(actor=owner, account=owner.account, name=name, email=email, mobile=mobile)
    scene.rule = rule_create(
        actor=owner, workspace=workspace, name="dlc-failures", source="dlc_job",
        event_types=["pai:DLC:JobFailed", "pai:DLC:JobTimeout"],
        targets=[{"method": "dingtalk", "values": {"webhook": good_bot.webhook, "signing_secret": DINGTALK_KEY}},
                 {"method": "dingtalk", "values": {"webhook": refusing_bot.webhook, "signing_secret": DINGTALK_KEY}}])
    service = EasService.objects.get(pk=scene.eas_service.pk)
    scene.model_rule = rule_create(
        actor=owner, workspace=workspace, name="model-release", source="model",
        event_types=["pai:ModelManagement:ModelVersionApproved"],
        targets=[{"method": "eas_update", "values": {"eas_service": str(service.pk)}}])
    job = dlc_job_create(workspace=workspace, name="llama_sft", timeout_minutes=120, actor=owner)
    for status in (DlcJob.Status.QUEUING, DlcJob.Status.ENV_PREPARING, DlcJob.Status.RUNNING, DlcJob.Status.FAILED):
        dlc_job_set_status(job=job, status=status, actor=owner)
    scene.dlc_job = job
    from notifications.models import Event

    scene.event = Event.objects.filter(workspace=workspace, type="pai:DLC:JobFailed", status="published").latest("pk")
    dingtalk.fail_next(1, 503)  # the first send to the good bot fails and is retried
    event_route(event_id=scene.event.pk)
    for _ in range(3):
        for delivery in Delivery.objects.filter(event=scene.event, status__in=["pending", "retrying"]):
            Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
            delivery_send(delivery_id=delivery.pk)
    quota_request_create(actor=owner, account=owner.account, requested_limit="20", reason="Release pipelines")
    return scene
