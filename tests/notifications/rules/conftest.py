"""Fixtures for notice rule tests: the seed's contacts, ready-made target inputs, a rule factory."""

import pytest

from tests import factories

DINGTALK_TOKEN = "d1n9t41kt0k3n5ecretabcdef0123456789"
DINGTALK_WEBHOOK = f"https://oapi.dingtalk.com/robot/send?access_token={DINGTALK_TOKEN}"
SIGNING_KEY = "SECb0a7e3f1c2d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1"
WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
WECOM_WEBHOOK = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}"
LARK_TOKEN = "2b0f1e7a-8c3d-4e5f-9a6b-7c8d9e0f1a2b"
LARK_WEBHOOK = f"https://open.larksuite.com/open-apis/bot/v2/hook/{LARK_TOKEN}"
LARK_SECRET = "larkSigningSecret0123456789"

SECRETS = (DINGTALK_TOKEN, SIGNING_KEY, WECOM_KEY, LARK_TOKEN, LARK_SECRET)

DLC_FAILED = "pai:DLC:JobFailed"
MODEL_APPROVED = "pai:ModelManagement:ModelVersionApproved"


def dingtalk(**extra):
    return {"method": "dingtalk", "values": {"webhook": DINGTALK_WEBHOOK, "signing_secret": SIGNING_KEY}, **extra}


def wecom(**extra):
    return {"method": "wecom", "values": {"webhook": WECOM_WEBHOOK}, **extra}


def lark(**extra):
    return {"method": "lark", "values": {"webhook": LARK_WEBHOOK, "signing_secret": LARK_SECRET}, **extra}


def http(url="https://hooks.example.com/pai", **extra):
    return {"method": "http", "values": {"url": url}, **extra}


def contacts(**channels):
    return {"method": "contacts", "values": {k: [c.pk for c in v] for k, v in channels.items()}}


@pytest.fixture
def seed_contacts(account):
    """The seed's people: Alice, Tony and Alan."""
    from notifications.models import Contact

    return {
        name: Contact.objects.create(account=account, name=name, mobile=mobile, email=email)
        for name, mobile, email in (
            ("Alice", "+8613800000001", "alice@example.com"),
            ("Tony", "13800000002", "tony@example.com"),
            ("Alan", "+14155550123", "alan@example.com"),
        )
    }


@pytest.fixture
def running_eas(activated_workspace, owner):
    from workspaces.models import EasService

    return EasService.objects.create(workspace=activated_workspace, name="fraud_svc", created_by=owner)


@pytest.fixture
def pai_model(activated_workspace, owner):
    from workspaces.models import Model

    return Model.objects.create(workspace=activated_workspace, name="fraud_model", created_by=owner)


@pytest.fixture
def make_rule(activated_workspace, owner):
    def make(name="job-failures", source="dlc_job", event_types=(DLC_FAILED,), targets=None, actor=None, **kw):
        return factories.rule_made(activated_workspace, actor=actor or owner, name=name, source=source,
                                   event_types=event_types, targets=targets if targets is not None else [dingtalk()],
                                   **kw)

    return make
