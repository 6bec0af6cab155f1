"""Each chat method accepts only its provider's webhook shape, unless WEBHOOK_EXTRA_HOSTS admits the
host; secrets go to `secrets`, a masked display form to `config`."""

import pytest
from django.core.exceptions import ValidationError

from notifications.channels.dingtalk.schema import DingTalkConfig
from notifications.channels.http.schema import HttpConfig
from notifications.channels.lark.schema import LarkConfig
from notifications.channels.schema import mask_webhook
from notifications.channels.wecom.schema import WeComConfig

KEY = "SEC0123456789abcdef0123456789abcdef"


def clean(schema, **values):
    return schema().validate(values, context=None)


@pytest.mark.parametrize("schema,webhook,extra", [
    (DingTalkConfig, "https://oapi.dingtalk.com/robot/send?access_token=abc123def456ghi789", {"signing_secret": KEY}),
    (WeComConfig, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0", {}),
    (LarkConfig, "https://open.larksuite.com/open-apis/bot/v2/hook/2b0f1e7a-8c3d-4e5f-9a6b", {}),
    (LarkConfig, "https://open.feishu.cn/open-apis/bot/v2/hook/2b0f1e7a-8c3d-4e5f-9a6b", {}),
])
def test_provider_webhooks_are_accepted_stored_secret_and_shown_masked(schema, webhook, extra):
    cleaned = clean(schema, webhook=webhook, **extra)
    assert cleaned.secrets["webhook"] == webhook
    assert "••••••" in cleaned.config["webhook"] and webhook not in str(cleaned.config)


@pytest.mark.parametrize("schema,webhook,extra", [
    (DingTalkConfig, "http://oapi.dingtalk.com/robot/send?access_token=abc", {"signing_secret": KEY}),
    (DingTalkConfig, "https://oapi.dingtalk.com/robot/send", {"signing_secret": KEY}),
    (DingTalkConfig, "https://oapi.dingtalk.com.evil.example/robot/send?access_token=abc", {"signing_secret": KEY}),
    (DingTalkConfig, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", {"signing_secret": KEY}),
    (WeComConfig, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=", {}),
    (WeComConfig, "https://oapi.dingtalk.com/robot/send?access_token=abc", {}),
    (LarkConfig, "https://open.larksuite.com/open-apis/bot/v2/hook/", {}),
    (LarkConfig, "https://open.larksuite.com/open-apis/bot/v2/hook/a/b", {}),
    (LarkConfig, "https://example.com/open-apis/bot/v2/hook/abc", {}),
    (WeComConfig, "not a url", {}),
    (WeComConfig, "https://user:pw@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", {}),
])
def test_other_webhooks_are_refused_on_the_webhook_field(schema, webhook, extra):
    with pytest.raises(ValidationError) as refused:
        clean(schema, webhook=webhook, **extra)
    assert "webhook" in refused.value.message_dict


def test_the_dingtalk_signing_key_is_required_and_starts_with_sec():
    hook = "https://oapi.dingtalk.com/robot/send?access_token=abc"
    with pytest.raises(ValidationError) as refused:
        clean(DingTalkConfig, webhook=hook)
    assert refused.value.message_dict["signing_secret"] == ["Signing Key is required."]
    with pytest.raises(ValidationError) as refused:
        clean(DingTalkConfig, webhook=hook, signing_secret="0123456789abcdef")
    assert "SEC" in refused.value.message_dict["signing_secret"][0]


def test_the_lark_signing_secret_is_optional():
    cleaned = clean(LarkConfig, webhook="https://open.feishu.cn/open-apis/bot/v2/hook/tok")
    assert "signing_secret" not in cleaned.secrets


def test_extra_hosts_admit_relays_over_http(settings):
    settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1:8123", "relay.example.com"]
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert clean(WeComConfig, webhook="http://127.0.0.1:8123/any/path?key=k").secrets["webhook"]
    assert clean(LarkConfig, webhook="https://relay.example.com/hook/x").secrets["webhook"]
    with pytest.raises(ValidationError):
        clean(WeComConfig, webhook="http://127.0.0.1:9999/any?key=k")


@pytest.mark.parametrize("schema,webhook", [
    (WeComConfig, "http://127.0.0.1:8123/cgi-bin/webhook/send?key="),
    (DingTalkConfig, "http://127.0.0.1:8123/robot/send"),
    (LarkConfig, "http://127.0.0.1:8123/open-apis/bot/v2/hook/bad%20token"),
])
def test_an_admitted_host_still_needs_a_well_formed_token(settings, schema, webhook):
    settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1:8123"]
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with pytest.raises(ValidationError) as refused:
        clean(schema, webhook=webhook, signing_secret=KEY)
    assert refused.value.message_dict["webhook"][0].startswith("The webhook's token is missing or holds characters")


def test_an_admitted_relay_at_an_address_no_send_may_reach_is_refused_at_save(settings):
    settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1:8123"]
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    with pytest.raises(ValidationError) as refused:
        clean(WeComConfig, webhook="http://127.0.0.1:8123/cgi-bin/webhook/send?key=k")
    assert refused.value.message_dict["webhook"] == [
        "This address cannot receive notifications: address not allowed: notifications may not reach loopback, "
        "private, link-local, multicast or reserved addresses (an operator can allow a network for an account)."]


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8080/hook",
                                 "https://10.0.0.7/pai", "http://[::1]/x"])
def test_an_http_target_at_a_private_loopback_or_metadata_address_is_refused_at_save(url):
    with pytest.raises(ValidationError) as refused:
        clean(HttpConfig, url=url)
    assert refused.value.message_dict["url"][0].startswith("This address cannot receive notifications: address not "
                                                          "allowed")


def test_a_name_that_does_not_resolve_here_is_saved_and_checked_again_at_each_send():
    assert clean(HttpConfig, url="https://receiver.invalid/pai").secrets["url"] == "https://receiver.invalid/pai"


def test_http_targets_take_http_or_https_urls_only():
    assert clean(HttpConfig, url="http://receiver.example/pai").config["url"] == "http://receiver.example/pai"
    for url in ("ftp://receiver.example/x", "receiver.example", "https://"):
        with pytest.raises(ValidationError):
            clean(HttpConfig, url=url)


def test_the_masked_form_keeps_only_the_tokens_last_characters():
    assert mask_webhook("https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdefWXYZ") == \
        "https://oapi.dingtalk.com/robot/send?access_token=••••••WXYZ"
    assert mask_webhook("https://open.feishu.cn/open-apis/bot/v2/hook/0123456789abcdefWXYZ") == \
        "https://open.feishu.cn/open-apis/bot/v2/hook/••••••WXYZ"


def test_control_characters_are_refused_before_anything_is_stored():
    with pytest.raises(ValidationError) as refused:
        clean(WeComConfig, webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a\x00b")
    assert refused.value.message_dict["webhook"] == ["Webhook contains control characters."]


def test_a_signing_secret_sent_for_an_http_target_is_refused_not_silently_replaced():
    with pytest.raises(ValidationError) as refused:
        clean(HttpConfig, url="https://receiver.invalid/pai", signing_secret="whsec_" + "A" * 44, colour="red")
    assert refused.value.message_dict == {
        "signing_secret": ["This secret is made by the server and cannot be set: leave it out (or send back the "
                           "masked value). A new target gets a new one, shown once; Rotate signing secret "
                           "(POST .../targets/<id>/rotate-secret/) makes a new one."],
        "colour": ["Unknown field; this method takes: url."]}
    masked_back = clean(HttpConfig, url="https://receiver.invalid/pai", signing_secret="whsec_••••••AAAA")
    assert masked_back.revealed["signing_secret"].startswith("whsec_")


def test_a_resolver_that_does_not_answer_does_not_hold_the_save(monkeypatch):
    """A lookup that would take the resolver's timeout (here 10 s) passes after SAVE_LOOKUP_SECONDS
    (the send checks again); a name that answers with a refused address is still refused."""
    import socket
    import time

    from notifications.channels import outbound

    real, release = socket.getaddrinfo, []

    def resolver(host, port, *args, **kwargs):
        if host == "slow.example.com":
            for _ in range(100):  # 10 s, unless the test is over
                if release:
                    break
                time.sleep(0.1)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        if host == "inside.example.com":
            return real("10.0.0.7", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(outbound, "SAVE_LOOKUP_SECONDS", 0.5)
    started = time.monotonic()
    try:
        clean(HttpConfig, url="https://slow.example.com/pai")  # no error
        assert time.monotonic() - started < 3
    finally:
        release.append(True)
    with pytest.raises(ValidationError) as refused:
        clean(HttpConfig, url="https://inside.example.com/pai")
    assert refused.value.message_dict["url"][0].startswith("This address cannot receive notifications: address not ")
