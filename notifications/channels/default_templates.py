"""The default message templates: for every event type of the catalog, every channel and both
languages (zh-CN, en-US). A target whose title or body template is empty gets these.

Each default is built from its language's words and its channel's markup family ("markdown" for
DingTalk and WeCom, "lark_md" for Lark cards, "text" for email, SMS and voice), plus the lines the
event's source has (a model's version, a job's failure reason).
"""

from __future__ import annotations

from notifications.catalog import EVENT_TYPES_BY_KEY, source_for_type

LANGUAGES = ("zh-CN", "en-US")
DEFAULT_LANGUAGE = "zh-CN"
LANGUAGE_LABELS = {"zh-CN": "简体中文 (zh-CN)", "en-US": "English (en-US)"}

# The event types' labels in Chinese, after the Chinese PAI console's wording where known.
LABELS_ZH = {
    "pai:PAIFlow:TaskFailed": "任务失败",
    "pai:PAIFlow:TaskFinished": "任务结束",
    "pai:DLC:JobEnqueued": "进入排队",
    "pai:DLC:JobBidding": "开始竞价",
    "pai:DLC:JobEnvPreparing": "开始环境准备",
    "pai:DLC:JobRunning": "开始运行",
    "pai:DLC:JobSucceeded": "任务成功",
    "pai:DLC:JobFailed": "任务失败",
    "pai:DLC:JobFaultToleranceRestarted": "自动容错",
    "pai:DLC:JobTimeout": "任务超时",
    "pai:DLC:JobPreempted": "任务被抢占",
    "pai:DLC:JobStopped": "任务被手动停止",
    "pai:DSW:InstanceCreating": "创建中",
    "pai:DSW:InstanceRunning": "运行中",
    "pai:DSW:InstanceFailed": "实例失败",
    "pai:DSW:ImageSaving": "镜像保存中",
    "pai:DSW:ImageSaved": "镜像保存成功",
    "pai:DSW:ImageSaveFailed": "镜像保存失败",
    "pai:DSW:InstanceStopping": "停止中",
    "pai:DSW:InstanceStopped": "实例已停止",
    "pai:ModelManagement:ModelVersionApproved": "模型版本审批通过",
    "pai:ModelManagement:ModelVersionStatusChanged": "模型版本状态变更",
    "pai:NotificationSystem:TargetDisabled": "通知目标已停用",
    "pai:NotificationSystem:DeliveryDead": "通知投递失败",
    "pai:NotificationSystem:QuotaNearlyUsed": "配额即将用尽",
    "pai:NotificationSystem:ReplayFinished": "事件重放完成",
}

WORDS = {
    "en-US": {"workspace": "Workspace", "resource": "Resource", "status": "Status", "operator": "Operator",
              "time": "Time", "event_id": "Event ID",
              "model": "Model version", "reason": "Failure reason", "duration": "Ran (minutes)",
              "link": "View event in the console", "colon": ": ",
              "rule": "Notice rule", "target": "Target", "why": "Reason", "event": "Event type",
              "quota": "Used", "period": "Month", "replay": "Replay", "counts": "Events",
              "open": "Open in the console",
              "counted": "${replay.events} replayed, ${replay.delivered} delivered, ${replay.failed} failed",
              "sms": "[PAI] Workspace ${workspace.name}: ${event.label}, ${resource.name}, at ${event.time}.",
              "voice": "PAI notice. Workspace ${workspace.name}: ${event.label}, ${resource.name}."},
    "zh-CN": {"workspace": "工作空间", "resource": "资源", "status": "状态", "operator": "操作人",
              "time": "时间", "event_id": "事件 ID",
              "model": "模型版本", "reason": "失败原因", "duration": "已运行（分钟）",
              "link": "在控制台查看事件", "colon": "：",
              "rule": "通知规则", "target": "通知目标", "why": "原因", "event": "事件类型",
              "quota": "已用", "period": "月份", "replay": "重放", "counts": "事件",
              "open": "在控制台查看",
              "counted": "重放 ${replay.events} 个，成功 ${replay.delivered} 个，失败 ${replay.failed} 个",
              "sms": "【PAI】工作空间 ${workspace.name}：${resource.name} ${event.label}，时间 ${event.time}。",
              "voice": "PAI 通知。工作空间 ${workspace.name}：${resource.name} ${event.label}。"},
}
CHANNEL_FAMILY = {"dingtalk": "markdown", "wecom": "wecom", "lark": "lark_md", "email": "text", "sms": "sms",
                  "voice": "voice", "http": "text", "eas_update": "text"}


def event_label(event_type: str, language: str) -> str:
    """The event type's label in `language` (the catalog's own label is the English one)."""
    if language == "zh-CN" and event_type in LABELS_ZH:
        return LABELS_ZH[event_type]
    event = EVENT_TYPES_BY_KEY.get(event_type)
    return event.label if event else event_type


# The notification system's own events (notifications.services.platform_events): lines per type.
PLATFORM_ROWS = {
    "TargetDisabled": (("rule", "${rule.name}"), ("target", "${target.method}"), ("why", "${failure.reason}")),
    "DeliveryDead": (("rule", "${rule.name}"), ("target", "${target.method}"), ("event", "${original.type}"),
                     ("why", "${failure.reason}")),
    "QuotaNearlyUsed": (("quota", "${quota.used} / ${quota.limit} (${quota.percent} %)"),
                        ("period", "${quota.period}")),
    "ReplayFinished": (("replay", "${replay.id}"), ("status", "${status.new}"), ("counts", "__counted__")),
}


def _platform_rows(name: str, words: dict) -> list[tuple[str, str]]:
    rows = [(words["workspace"], "${workspace.name}"), (words["resource"], "${resource.name}")]
    rows += [(words[key], words["counted"] if value == "__counted__" else value)
             for key, value in PLATFORM_ROWS.get(name, ())]
    return rows + [(words["time"], "${event.time}"), (words["event_id"], "${event.id}")]


def _is_platform(event_type: str) -> bool:
    source = source_for_type(event_type)
    return source is not None and source.key == "notification_system"


def _rows(event_type: str, language: str) -> list[tuple[str, str]]:
    """(label, value template) lines of the body, for this event type."""
    words = WORDS[language]
    if _is_platform(event_type):
        return _platform_rows(event_type.rsplit(":", 1)[-1], words)
    rows = [(words["workspace"], "${workspace.name}"), (words["resource"], "${resource.name}")]
    source = source_for_type(event_type)
    name = event_type.rsplit(":", 1)[-1]
    if source is not None and source.key == "model":
        rows.append((words["model"], "${model.name} ${model.version}"))
    rows.append((words["status"], "${status.old} → ${status.new}"))
    if "Fail" in name:
        rows.append((words["reason"], "${failure.reason}"))
    if name == "JobTimeout":
        rows.append((words["duration"], "${job.duration}"))
    # The event id, as the messages always carried it: receivers and people de-duplicate and trace by it.
    rows += [(words["operator"], "${operator}"), (words["time"], "${event.time}"), (words["event_id"], "${event.id}")]
    return rows


def default_title(event_type: str, language: str) -> str:
    return "${event.label}" + WORDS[_language(language)]["colon"] + "${resource.name}"


def default_body(event_type: str, channel: str, language: str) -> str:
    language = _language(language)
    words = WORDS[language]
    family = CHANNEL_FAMILY.get(channel, "text")
    if family in ("sms", "voice"):
        return words[family]
    rows = _rows(event_type, language)
    colon = words["colon"]
    heading = "PAI · ${event.label}" + colon + "${resource.name}"
    # The notification system's events link to the page to act on (rules, delivery records, usage).
    link_text, link = (words["open"], "${resource.link}") if _is_platform(event_type) else (words["link"],
                                                                                            "${console.link}")
    if family == "markdown":
        lines = [f"#### {heading}", "", *(f"- **{label}**{colon}{value}" for label, value in rows), "",
                 f"[{link_text}]({link})"]
    elif family == "wecom":
        lines = [f"**{heading}**", *(f'> {label}{colon}<font color="comment">{value}</font>' for label, value in rows),
                 f"[{link_text}]({link})"]
    elif family == "lark_md":
        lines = [*(f"**{label}**{colon}{value}" for label, value in rows), "",
                 f"[{link_text}]({link})"]
    else:
        lines = [heading, "", *(f"{label}{colon}{value}" for label, value in rows), "",
                 f"{link_text}{colon}{link}"]
    return "\n".join(lines)


def _language(language: str) -> str:
    return language if language in WORDS else DEFAULT_LANGUAGE
