"""The digest message: the events that waited for a full bot, folded into one message sent at its
next free slot ("12 more events in llm_training since 10:02: 9 × Job Failed, 3 × Job Timeout"), the
first few by resource name with their console links, then a link to the event log filtered to them.

Rendered in the target's language (zh-CN, en-US) and in the markup of the chat bots' messages
(DingTalk markdown, WeCom markdown, the Lark card's `lark_md`); each channel's renderer then puts it
in its own format, as it does a templated message. Only chat bots digest: they are the channels with
a per-bot window (`ChannelAdapter.rate_limits`). HTTP endpoints get one CloudEvent per request, each
with its own id to de-duplicate by (a batch would change what a receiver parses); email, SMS and
voice have no window here, so nothing waits for them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from notifications.channels.default_templates import CHANNEL_FAMILY, DEFAULT_LANGUAGE, event_label
from notifications.channels.markup import link_target, markdown_escape
from notifications.channels.message import Message

NAMED = 5  # events named one by one; the rest are counted
WORDS = {
    "en-US": {"title": "PAI · {count} more events in {workspace} since {since}",
              "more": "… and {count} more", "log": "View these events in the event log", "times": "{count} × {label}",
              "join": ", ", "colon": ": "},
    "zh-CN": {"title": "PAI · 工作空间 {workspace} 自 {since} 起另有 {count} 个事件",
              "more": "… 另有 {count} 个", "log": "在事件日志中查看这些事件", "times": "{label} × {count}",
              "join": "，", "colon": "："},
}
DIGEST_FAMILIES = ("markdown", "wecom", "lark_md")


@dataclass(frozen=True)
class DigestItem:
    """One event a digest carries: its type, the resource it is about and its page in the console."""

    event_type: str
    resource: str
    link: str


def digest_supported(channel: str) -> bool:
    """Whether a channel's messages can be a digest (the chat bots' markup families)."""
    return CHANNEL_FAMILY.get(channel) in DIGEST_FAMILIES


def counts_line(items: list[DigestItem], language: str) -> str:
    """"9 × Job Failed, 3 × Job Timeout", most frequent first (plain text, not escaped)."""
    words = WORDS.get(language, WORDS[DEFAULT_LANGUAGE])
    counts = Counter(item.event_type for item in items)
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], event_label(pair[0], language)))
    return words["join"].join(words["times"].format(count=n, label=event_label(t, language)) for t, n in ordered)


def digest_message(*, items: list[DigestItem], workspace: str, since: str, log_link: str, channel: str,
                   language: str, digest_id: str) -> Message:
    """The digest of `items` for `channel`, in `language`; `since` is the first event's time as
    shown ("10:02"), `log_link` the event log filtered to them, `digest_id` what the bot may
    de-duplicate by (DingTalk's msgUuid)."""
    language = language if language in WORDS else DEFAULT_LANGUAGE
    words = WORDS[language]
    family = CHANNEL_FAMILY.get(channel, "markdown")
    title = words["title"].format(count=len(items), workspace=workspace, since=since)
    counts = markdown_escape(counts_line(items, language))
    named = [f"- [{markdown_escape(item.resource or event_label(item.event_type, language))}]"
             f"({link_target(item.link)}){words['colon']}{markdown_escape(event_label(item.event_type, language))}"
             for item in items[:NAMED]]
    if len(items) > NAMED:
        named.append(f"- {words['more'].format(count=len(items) - NAMED)}")
    log_line = f"[{words['log']}]({link_target(log_link)})"
    if family == "markdown":
        lines = [f"#### {markdown_escape(title)}", "", f"**{counts}**", "", *named, "", log_line]
    elif family == "wecom":
        lines = [f'**<font color="warning">{markdown_escape(title)}</font>**', f"> {counts}", *named, log_line]
    else:  # the Lark card: its header is the title, its button the link to the log
        lines = [f"**{counts}**", "", *named]
    return Message(title=title, summary=f"{title}: {counts_line(items, language)}", fields=(), link=log_link,
                   event_id=digest_id, event_type="", tone="danger", body="\n".join(lines), language=language,
                   link_text=words["log"])
