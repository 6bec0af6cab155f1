"""The console's translations: the committed django.mo is the compiled django.po (so `make run` on a
fresh machine needs no gettext), every entry is translated, and every label the Create Notice Rule
drawer shows has its Chinese (the PAI guide's labels after the Chinese PAI console)."""

import gettext
import re
from pathlib import Path

from django.utils import translation

from notifications.catalog import ALL_EVENT_TYPES_CHOICE, ALL_EVENT_TYPES_LABEL, SCOPE_LABELS, SOURCES
from notifications.catalog_translations import LABELS
from notifications.channels.registry import METHODS_BY_KEY

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
DRAWER = ROOT / "templates" / "notifications" / "rules" / "drawer.html"
SAME_IN_CHINESE = {"HTTP/HTTPS", "markdown"}


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(lines: list[str]) -> str:
    text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', "\n".join(lines)))
    return re.sub(r"\\(.)", lambda escape: ESCAPES.get(escape.group(1), escape.group(0)), text)


def po_catalog() -> tuple[dict, list[str]]:
    """{msgid or (msgid, n): msgstr} of django.po, and the entries marked fuzzy."""
    catalog, fuzzy = {}, []
    for block in (MESSAGES / "django.po").read_text(encoding="utf-8").split("\n\n"):
        fields, current = {}, None
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy.append(block)
            match = re.match(r'^(msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = [match.group(2)]
            elif line.startswith('"') and current:
                fields[current].append(line)
        if "msgid" not in fields or fields["msgid"] == ['""']:
            continue  # the header
        msgid = _unquote(fields["msgid"])
        if "msgid_plural" in fields:
            catalog[(msgid, 0)] = _unquote(fields["msgstr[0]"])
        else:
            catalog[msgid] = _unquote(fields["msgstr"])
    return catalog, fuzzy


def test_the_committed_mo_is_the_compiled_po_and_every_entry_is_translated():
    catalog, fuzzy = po_catalog()
    with open(MESSAGES / "django.mo", "rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    compiled.pop("", None)  # the header
    assert fuzzy == []
    assert [msgid for msgid, text in catalog.items() if not text] == []
    assert catalog == compiled, "django.mo is stale: run `make messages` and commit both files"


def test_every_label_the_drawer_shows_has_a_chinese_translation():
    shown = [ALL_EVENT_TYPES_CHOICE, ALL_EVENT_TYPES_LABEL, *SCOPE_LABELS.values()]  # the drawer, the rules table
    for source in SOURCES:
        shown += [source.label, source.description, *[group for group, _ in source.groups],
                  *[et.label for et in source.event_types]]
    for method in METHODS_BY_KEY.values():
        shown += [method.label, method.test_disabled_reason]
        shown += [text for field in method.schema.fields for text in (field.label, field.help) if text]
    literals = re.findall(r'{% translate "((?:[^"\\]|\\.)*)" %}', DRAWER.read_text(encoding="utf-8"))
    assert len(literals) > 40
    with translation.override("zh-hans"):
        shown = [text for text in shown if text]
        missing = sorted({text for text in shown + literals
                          if translation.gettext(text) == text and text not in SAME_IN_CHINESE})
        assert missing == [], "add these to notifications/catalog_translations.py and django.po"
        assert set(shown) <= set(LABELS)
        assert [translation.gettext(text) for text in ("Create Notice Rule", "Event Source", "Event Types",
                                                       "Delivery Method", "DingTalk notification",
                                                       "WeCom notification", "Lark notification", "Signing Key",
                                                       "Event Notification Configuration")] == [
            "创建通知规则", "事件源", "事件类型", "通知方式", "钉钉机器人", "企业微信机器人", "飞书机器人", "加签密钥",
            "事件通知配置"]


def test_every_translate_literal_of_the_notification_pages_has_a_chinese_translation():
    pages = sorted((ROOT / "templates" / "notifications").rglob("*.html"))
    literals = {text for page in pages
                for text in re.findall(r'{% translate "((?:[^"\\]|\\.)*)"', page.read_text(encoding="utf-8"))}
    assert len(literals) > 150 and {"Replay events", "Rotate signing secret", "hidden: you lack"} <= literals
    with translation.override("zh-hans"):
        missing = sorted(text for text in literals
                         if translation.gettext(text) == text and text not in SAME_IN_CHINESE)
    assert missing == [], "wrap, run `make messages` and fill their Chinese in django.po"
