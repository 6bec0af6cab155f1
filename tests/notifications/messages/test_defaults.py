"""Default templates for every event type, channel and language, and what they render."""

import pytest

from notifications.catalog import EVENT_TYPES_BY_KEY, event_variables
from notifications.channels.composer import MessageSettings, compose, example_message, example_values
from notifications.channels.default_templates import LANGUAGES, default_body, default_title
from notifications.channels.sms.renderer import segments
from notifications.channels.templating import template_check

CHANNELS = ("dingtalk", "wecom", "lark", "email", "sms", "voice")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_default_uses_only_its_event_types_variables(language):
    for event_type in EVENT_TYPES_BY_KEY:
        known = {v.name for v in event_variables(event_type)}
        for channel in CHANNELS:
            for template in (default_title(event_type, language), default_body(event_type, channel, language)):
                assert template and template_check(template, known, max_chars=4000) == [], (event_type, channel)


def _composed(event_type, channel, language, settings=None, workspace="llm_training"):
    values = example_values(event_type, language, workspace_name=workspace)
    return compose(example_message(event_type, values), values, channel=channel, language=language,
                   settings_=settings or MessageSettings())


def test_the_chinese_default_of_a_dingtalk_job_failure(settings):
    settings.CONSOLE_BASE_URL = "https://pai.example.com"
    message = _composed("pai:DLC:JobFailed", "dingtalk", "zh-CN")
    assert message.title == "[测试] 任务失败：nightly-train"
    assert message.body.splitlines()[0] == "#### PAI · 任务失败：nightly-train"
    assert "- **工作空间**：llm\\_training" not in message.body  # intraword underscores stay readable
    assert "- **工作空间**：llm_training" in message.body
    assert "- **失败原因**：OOMKilled: worker-0 exceeded 32 GiB" in message.body
    assert message.body.endswith("\n\n[在控制台查看事件](https://pai.example.com/)")


def test_the_english_default_of_an_email_about_a_model_version():
    message = _composed("pai:ModelManagement:ModelVersionApproved", "email", "en-US")
    assert "Model version: fraud-model 0.2.0" in message.body
    assert message.body.startswith("PAI · Model Version Approved for Publishing: ")


def test_a_custom_template_escapes_values_for_the_channels_markup():
    settings = MessageSettings(title_template="${resource.name} failed", body_template="**${workspace.name}**")
    message = _composed("pai:DLC:JobFailed", "wecom", "en-US", settings, workspace="*ws*")
    assert message.body == "**\\*ws\\***"
    assert message.title == "[Test] nightly-train failed"  # titles are plain text: no escaping there


def test_sms_counts_segments_as_carriers_do():
    assert segments("a" * 160) == (1, "GSM-7") and segments("a" * 161) == (2, "GSM-7")
    assert segments("任" * 70) == (1, "UCS-2") and segments("任" * 71) == (2, "UCS-2")
    assert segments("{" * 80) == (1, "GSM-7") and segments("{" * 81) == (2, "GSM-7")  # two septets each
    message = _composed("pai:DLC:JobFailed", "sms", "zh-CN")
    assert message.summary.startswith("【PAI】工作空间 llm_training：nightly-train 任务失败")
