"""`manage.py load_demo`: a demo account to try the console with. Safe to run again: what exists is
kept as it is (passwords included), what is missing is created. Prints the logins."""

from django.core.management.base import BaseCommand
from django.db import transaction

from workspaces.iam.services.policies import SEED_POLICY_DOCUMENT
from workspaces.iam.services.users import subuser_create
from workspaces.models import Account, Policy, User, Workspace
from workspaces.pai_resources.services.demo import demo_resources_create
from workspaces.tenancy.services.accounts import account_create
from workspaces.tenancy.services.workspaces import workspace_create

ACCOUNT_NAME = "demo"
ACCOUNT_ALIAS = "demo"  # the sub-user signs in as developer@demo
OWNER = "owner"
SUBUSER = "developer"
OPERATOR = "operator"
DEMO_PASSWORD = "pai-demo-2025"
WORKSPACES = (
    ("llm_training", "Fine-tuning and evaluating large language models"),
    ("vision_lab", "Image classification and detection experiments"),
)
# The custom policy of the seed (section 1.3): what a RAM user needs to configure event notifications.
EVENTBRIDGE_POLICY_NAME = "PAIEventNotificationAccess"
EVENTBRIDGE_POLICY = SEED_POLICY_DOCUMENT
# Reading the workspaces and their resources, and the event log: what a developer needs to get to
# the Event Notification Configuration tab and see what the rules did.
READ_POLICY_NAME = "PAIWorkspaceReadOnly"
READ_POLICY = {
    "Statement": [{
        "Effect": "Allow",
        "Action": [
            "pai:ListWorkspaces", "pai:GetWorkspace", "paimodel:List*", "eas:List*", "paidlc:List*",
            "paidsw:List*", "paiflow:List*", "eventbridge:QueryEvent",
        ],
        "Resource": "*",
    }],
    "Version": "1",
}


class Command(BaseCommand):
    help = "Create (once) a demo account with an owner, a RAM sub-user, an operator and two workspaces."

    @transaction.atomic
    def handle(self, *args, **options):
        created: list[str] = []
        account = Account.objects.filter(name=ACCOUNT_NAME).first()
        if account is None:
            account = account_create(name=ACCOUNT_NAME, owner_username=OWNER, owner_password=DEMO_PASSWORD,
                                     owner_email="owner@example.com", alias=ACCOUNT_ALIAS)
            created.append(f"account {ACCOUNT_NAME}")
        elif account.alias == account.uid and not Account.objects.filter(alias=ACCOUNT_ALIAS).exists():
            # A demo loaded before aliases existed: its migrated alias is the uid.
            account.alias = ACCOUNT_ALIAS
            account.save(update_fields=["alias"])
        owner = account.users.filter(is_account_owner=True).order_by("pk").first()

        # No policy service exists for this yet; the demo writes the row directly.
        policy, policy_created = Policy.objects.get_or_create(
            account=account, name=EVENTBRIDGE_POLICY_NAME,
            defaults={"document": EVENTBRIDGE_POLICY,
                      "description": "EventBridge actions for configuring event notifications (PAI guide 1.3)"},
        )
        if policy_created:
            created.append(f"policy {policy.name}")
        read_policy, read_created = Policy.objects.get_or_create(
            account=account, name=READ_POLICY_NAME,
            defaults={"document": READ_POLICY, "description": "Read workspaces, resources and the event log"},
        )
        if read_created:
            created.append(f"policy {read_policy.name}")
        if not User.objects.filter(account=account, username=SUBUSER).exists():
            subuser_create(actor=owner, account=account, username=SUBUSER, password=DEMO_PASSWORD,
                           email="developer@example.com", policies=[policy, read_policy])
            created.append(f"sub-user {SUBUSER}")
        if not User.objects.filter(account__isnull=True, username=OPERATOR).exists():
            User.objects.create_superuser(username=OPERATOR, password=DEMO_PASSWORD, email="operator@example.com")
            created.append(f"operator {OPERATOR}")
        for name, description in WORKSPACES:
            workspace = Workspace.objects.filter(account=account, name=name).first()
            if workspace is None:
                workspace = workspace_create(actor=owner, account=account, name=name, description=description)
                created.append(f"workspace {name}")
            # A model with a Pending version to approve, an EAS service, a DLC job, a DSW instance
            # and a flow task to drive by hand (idempotent).
            demo_resources_create(workspace, actor=owner)

        self.stdout.write(f"Demo data: {'created ' + ', '.join(created) if created else 'already loaded'}.")
        self.stdout.write(self.style.SUCCESS("Logins (password as first set; demo default shown):"))
        rows = (
            (owner.username if owner else OWNER, "account owner of 'demo': may do everything"),
            (f"{SUBUSER}@{account.alias}",
             f"RAM sub-user (name@account alias) with policy {EVENTBRIDGE_POLICY_NAME} and {READ_POLICY_NAME}"),
            (OPERATOR, "operator: Django admin at /admin/"),
        )
        for username, role in rows:
            self.stdout.write(f"  {username:<15} password {DEMO_PASSWORD}   {role}")
