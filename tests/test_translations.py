"""The console's translations: the committed django.mo is the compiled django.po (so `make run` on a
fresh machine needs no gettext), every entry is translated, every label the Create Notice Rule
drawer shows has its Chinese (the PAI guide's labels after the Chinese PAI console), and so does
every translate and blocktranslate text of every console template."""

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
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = [match.group(2)]
            elif line.startswith('"') and current:
                fields[current].append(line)
        if "msgid" not in fields or fields["msgid"] == ['""']:
            continue  # the header
        msgid = _unquote(fields["msgid"])
        if "msgctxt" in fields:  # gettext's key of a message with a context
            msgid = f"{_unquote(fields['msgctxt'])}\x04{msgid}"
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


# Every console template's text; Django admin's (templates/admin, operators only) stays English.
CONSOLE_TEMPLATES = sorted(path for path in (ROOT / "templates").rglob("*.html")
                           if "admin" not in path.relative_to(ROOT / "templates").parts)
TRANSLATE = re.compile(r'{% translate "((?:[^"\\]|\\.)*)"(?: context "([^"]*)")?')
BLOCK = re.compile(r"{% blocktranslate([^%]*)%}(.*?){% endblocktranslate %}", re.S)


def _block_msgids(tag: str, body: str) -> tuple[str, str | None]:
    """The msgid (and msgid_plural) makemessages takes from a blocktranslate: {{ name }} as %(name)s."""
    if "trimmed" in tag.split():
        body = " ".join(line.strip() for line in body.splitlines() if line.strip())
    singular, _, plural = (re.sub(r"{{ *(\w+) *}}", r"%(\1)s", part.replace("%", "%%"))
                           for part in body.partition("{% plural %}"))
    return singular, plural or None


def console_texts(pages) -> dict[str, set]:
    """{template's name: {(context, msgid, msgid_plural)}} of its translate and blocktranslate tags."""
    found = {}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        texts = {(context or None, msgid, None) for msgid, context in TRANSLATE.findall(text)}
        texts |= {(None, *_block_msgids(tag, body)) for tag, body in BLOCK.findall(text)}
        found[str(page.relative_to(ROOT / "templates"))] = texts
    return found


def _untranslated(context, msgid, plural) -> bool:
    if plural:
        return translation.ngettext(msgid, plural, 2) == plural
    shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    return shown == msgid and msgid not in SAME_IN_CHINESE


def test_every_text_of_every_console_template_has_a_chinese_translation():
    found = console_texts(CONSOLE_TEMPLATES)
    texts = set().union(*found.values())
    assert len(texts) > 400 and {(None, "Replay events", None), (None, "Create Contact", None),
                                 (None, "Usage and Billing", None), (None, "Sign in", None)} <= texts
    # The pages translated in this pass each say something (a page left in English would have no tags).
    for name in ("notifications/contacts/list.html", "notifications/contacts/form.html",
                 "notifications/quotas/page.html", "notifications/usage/page.html",
                 "notifications/rules/_recovery.html", "notifications/rules/_health.html",
                 "workspaces/workspace_list.html", "workspaces/workspace_detail.html", "workspaces/tokens.html",
                 "workspaces/policies/users.html", "workspaces/policies/policies.html",
                 "workspaces/policies/editor.html", "workspaces/policies/audit.html",
                 "workspaces/policies/user_form.html", "workspaces/policies/_tabs.html",
                 "workspaces/resources/_create_dialog.html", "workspaces/resources/_lifecycle_actions.html",
                 "workspaces/resources/model_detail.html", "workspaces/resources/dlc_list.html",
                 "registration/login.html", "403.html", "404.html", "500.html", "403_csrf.html",
                 "console/confirm.html"):
        assert found[name], name
    with translation.override("zh-hans"):
        missing = sorted(text for text in texts if _untranslated(*text))
    assert missing == [], "wrap, run `make messages` and fill their Chinese in django.po"


def test_the_hand_checked_words_of_the_pages_translated_last():
    with translation.override("zh-hans"):
        assert [translation.gettext(text) for text in (
            "Message Receiving Settings", "Create Contact", "Quotas", "Request a quota increase",
            "Usage and Billing", "Billing month", "Create Workspace", "Users and Policies", "Create Policy",
            "API Tokens", "Sign in", "Page not found")] == [
            "消息接收管理", "新建联系人", "配额", "申请提升配额", "用量与账单", "账单月份", "创建工作空间",
            "用户与权限策略", "创建权限策略", "API 令牌", "登录", "页面不存在"]
        assert translation.pgettext("contact", "Name") == "姓名"
        assert translation.pgettext("resource status", "Running") == "运行中"


def test_the_forms_that_repeat_a_service_rule_in_english_say_it_word_for_word():
    """Two help texts are the services' rules (the API's words) and one menu the model's choices,
    written again to be translated."""
    from notifications.forms.contacts import ContactForm
    from notifications.services.contacts import MOBILE_HELP
    from workspaces.models import ModelVersion
    from workspaces.pai_resources.views.forms import ModelVersionCreateForm
    from workspaces.tenancy.services.workspaces import NAME_RULE
    from workspaces.tenancy.views.workspaces import WorkspaceCreateForm

    with translation.override("en"):
        assert str(ContactForm().fields["mobile"].help_text) == f"Enter {MOBILE_HELP}."
        assert str(WorkspaceCreateForm().fields["name"].help_text) == NAME_RULE
        assert [(value, str(label)) for value, label in ModelVersionCreateForm().fields["source_type"].choices] == [
            ("Custom", "Custom"), ("PAIFlow", "Paiflow"), ("TrainingService", "Training Service")]
        assert ModelVersion.SourceType.choices == [
            ("Custom", "Custom"), ("PAIFlow", "Paiflow"), ("TrainingService", "Training Service")]
