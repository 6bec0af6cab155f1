"""The Create Notice Rule drawer's forms.

`RuleForm` holds the rule's own fields; one `TargetForm` per target (prefix `t<key>`) is built from
its delivery method's schema (the registry), so a method's fields, labels, help and secrecy come from
one place. `RuleEditor` keeps the whole drawer's state: it is rebuilt from the posted form on every
HTMX refresh (source or method changed, a target added or removed, contacts picked), so nothing the
user typed is lost, and it maps the service's field errors back under the fields that caused them.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from notifications.catalog import ALL_EVENT_TYPES_CHOICE, SCOPE_LABELS, SOURCE_CHOICES, SOURCES, SOURCES_BY_KEY
from notifications.channels.registry import METHODS_BY_KEY, methods_for_source
from notifications.channels.schema import SchemaContext
from notifications.forms.messages import (
    DIGEST_FIELD,
    MESSAGE_FIELDS,
    TargetMessageMixin,
    digest_field,
    message_fields,
    method_digests,
    variables_for,
)
from notifications.selectors.rules import (
    quota_limit,
    rules_queryset,
    target_display,
    target_get_in_workspace,
)
from workspaces.iam.permissions import account_arn, is_allowed
from workspaces.models import Model as PaiModel

TARGET_ERROR = re.compile(r"^targets\[(\d+)\]\.(?:message\.)?(\w+)$")
MAX_TARGET_BLOCKS = 100


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Rule name"), required=False, max_length=200,
                           help_text=_("2 to 127 letters, digits, hyphens and underscores; unique on the bus."))
    source = forms.ChoiceField(label=_("Event Source"), choices=SOURCE_CHOICES, required=False)
    event_types = forms.MultipleChoiceField(label=_("Event Types"), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    # The drawer's first choice above the types: none of them listed, every type of the source now and later.
    all_event_types = forms.BooleanField(label=ALL_EVENT_TYPES_CHOICE, required=False,
                                         help_text=_("Includes the types added to this source later."))
    scope = forms.ChoiceField(label=_("Scope"), required=False, widget=forms.RadioSelect)
    models = forms.MultipleChoiceField(label=_("Models"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.source_def = SOURCES_BY_KEY.get(self.data.get("source") or "") or SOURCES[0]
        self.fields["event_types"].choices = [(et.key, et.label) for et in self.source_def.event_types]
        self.fields["scope"].choices = [(key, SCOPE_LABELS[key]) for key in self.source_def.scopes]
        self.fields["models"].choices = [(str(m.pk), m.name) for m in PaiModel.objects.filter(workspace=workspace)]

    def grouped_event_types(self):
        """The source's types by group. A group of one type labelled as the group itself (Job
        Timeout > Job Timeout) is shown as the checkbox alone; a group of several offers Select all."""
        chosen = set(self.data.getlist("event_types")) if hasattr(self.data, "getlist") else set()
        groups = []
        for group, types in self.source_def.groups:
            rows = [{"key": et.key, "label": et.label, "checked": et.key in chosen} for et in types]
            single = len(types) == 1 and types[0].label == group
            groups.append({"group": "" if single else group, "types": rows, "selectable": len(types) > 1,
                           "all_checked": all(row["checked"] for row in rows)})
        return groups


class TargetForm(TargetMessageMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    method = forms.ChoiceField(label=_("Delivery Method"), required=False)

    def __init__(self, *args, key: str, source_key: str, workspace, actor=None, **kwargs):
        super().__init__(*args, prefix=f"t{key}", **kwargs)
        self.key = key
        self.workspace = workspace
        self.actor = actor
        allowed = methods_for_source(source_key)
        chosen = self.data.get(self.add_prefix("method")) or (allowed[0].key if allowed else "")
        self.delivery_method = METHODS_BY_KEY.get(chosen) or allowed[0]
        self.method_allowed = self.delivery_method in allowed
        choices = [(m.key, m.label) for m in allowed]
        if not self.method_allowed:
            # A target already using a method the new source does not allow: kept, and flagged.
            method = self.delivery_method
            choices.append((method.key, f"{method.label} (not available for {SOURCES_BY_KEY[source_key].label})"))
        self.fields["method"].choices = choices
        self.schema = self.delivery_method.schema()
        self.saved = self._saved_target()
        # What the saved target shows of its secrets (masked), computed once for every field's hint.
        self.saved_shown = target_display(self.saved)["config"] if self.saved is not None else {}
        self.schema_fields = []
        for config_field in self.schema.fields:
            self.fields[config_field.name] = self._form_field(config_field)
            self.schema_fields.append(config_field)
        if self.delivery_method.templated:
            self.fields.update(message_fields())
        if self.delivery_method.templated and method_digests(self.delivery_method):
            self.fields[DIGEST_FIELD] = digest_field()

    def _saved_target(self):
        raw = self.data.get(self.add_prefix("id"))
        if not raw:
            return None
        target = target_get_in_workspace(workspace=self.workspace, target_id=raw)
        return target if target is not None and target.method == self.delivery_method.key else None

    def _form_field(self, config_field):
        common = {"label": config_field.label, "required": False, "help_text": config_field.help}
        if config_field.picks:
            context = SchemaContext(account=self.workspace.account, workspace=self.workspace)
            choices = self.schema.choices(config_field.name, context=context)
            if config_field.widget == "format":  # the channel's own option labels (not account data)
                choices = [(value, _(label)) for value, label in choices]
            if not self.may_list(config_field):
                # A user who may not list these options sees only those the target already has (kept on
                # save): without cms:DescribeContactList, not the account's other contacts.
                chosen = set(self.data.getlist(self.add_prefix(config_field.name))) if hasattr(
                    self.data, "getlist") else set()
                choices = [choice for choice in choices if choice[0] in chosen]
            if config_field.multiple:
                return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
            return forms.ChoiceField(choices=[("", _(config_field.placeholder)), *choices], **common)
        attrs = {"autocomplete": "off", "placeholder": config_field.placeholder, "spellcheck": "false"}
        if config_field.required:
            attrs["aria-required"] = "true"  # marked with * in the drawer; checked by the schema on OK
        saved_hint = self.saved_hint(config_field.name)
        if saved_hint:
            attrs["placeholder"] = saved_hint
        # The webhook is pasted and checked by eye; signing keys are typed hidden (but kept on a refresh).
        hidden = config_field.secret and config_field.widget != "url"
        widget = forms.PasswordInput(attrs=attrs, render_value=True) if hidden else forms.TextInput(attrs=attrs)
        return forms.CharField(widget=widget, **common)

    def may_list_contacts(self) -> bool:
        """For the drawer: whether every option of this target's pickers is shown (only the contacts
        picker names an action today)."""
        return all(self.may_list(config_field) for config_field in self.schema_fields if config_field.picks)

    def may_list(self, config_field) -> bool:
        """Whether the user may see every option of a picker (the action its schema field names)."""
        if self.actor is None or not config_field.list_action:
            return True
        service = config_field.list_action.split(":", 1)[0]
        resource = account_arn(service, self.workspace.account, config_field.list_resource)
        return is_allowed(self.actor, config_field.list_action, resource)

    def saved_hint(self, name: str) -> str:
        if name not in self.schema.secret_fields():
            return ""
        return self.saved_shown.get(name, "")

    def raw_values(self) -> dict:
        values = {}
        for config_field in self.schema_fields:
            name = self.add_prefix(config_field.name)
            if config_field.multiple:
                values[config_field.name] = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            elif self.removes(config_field):
                values[config_field.name] = None  # the schema's "remove this optional secret"
            else:
                values[config_field.name] = self.data.get(name, "")
        return values

    def removes(self, config_field) -> bool:
        """The "Remove" box ticked beside a saved optional secret."""
        return (config_field.secret and not config_field.required and bool(self.saved_hint(config_field.name))
                and self.data.get(self.add_prefix(f"remove_{config_field.name}")) == "on")

    def units(self) -> int:
        return self.schema.count_units(self.raw_values())

    def spec(self) -> dict:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        values = {f.name: None if self.removes(f) else data.get(f.name, "") for f in self.schema_fields}
        return {"id": data.get("id"), "method": self.delivery_method.key, "values": values,
                "message": self.message_values()}

    def rows(self):
        """The schema's fields as the template draws them, with the saved (masked) hint of secrets."""
        return [{"field": self[f.name], "config": f, "saved": self.saved_hint(f.name),
                 "removable": f.secret and not f.required, "remove_name": self.add_prefix(f"remove_{f.name}"),
                 "removed": self.removes(f)} for f in self.schema_fields]


class RuleEditor:
    """The drawer's state: a RuleForm, the TargetForms in order, units, and errors to show."""

    def __init__(self, data: QueryDict, *, workspace, rule=None, show_errors: bool = False, actor=None):
        self.data = data
        self.actor = actor
        self.workspace = workspace
        self.rule = rule
        self.show_errors = show_errors
        self.non_field_errors: list[str] = []
        self.target_errors: list[str] = []
        self.rule_form = RuleForm(data, workspace=workspace)
        source_key = self.rule_form.source_def.key
        keys = [k for k in data.getlist("target_keys") if k.isdigit()][:MAX_TARGET_BLOCKS]
        self.targets = [TargetForm(data, key=k, source_key=source_key, workspace=workspace, actor=actor)
                        for k in dict.fromkeys(keys)]
        self.limit = quota_limit(account=workspace.account)

    # --- building the posted state ------------------------------------------------------------
    @classmethod
    def blank(cls, *, workspace, actor=None) -> RuleEditor:
        data = QueryDict(mutable=True)
        data["source"] = SOURCES[0].key
        data["scope"] = "all"
        data.setlist("target_keys", ["0"])
        return cls(data, workspace=workspace, actor=actor)

    @classmethod
    def from_rule(cls, rule, *, workspace, actor=None) -> RuleEditor:
        rule = rules_queryset().get(pk=rule.pk)
        data = QueryDict(mutable=True)
        data.update({"name": rule.name, "source": rule.source, "scope": rule.scope})
        data.setlist("event_types", [row.event_type for row in rule.event_types.all()])
        if not data.getlist("event_types"):
            data["all_event_types"] = "on"
        data.setlist("models", [str(m.pk) for m in rule.scope_models.all()])
        keys = []
        for n, target in enumerate(rule.targets.all()):
            key = str(n)
            keys.append(key)
            data[f"t{key}-id"] = str(target.pk)
            data[f"t{key}-method"] = target.method
            method = METHODS_BY_KEY.get(target.method)
            if method is None:
                continue
            for name in MESSAGE_FIELDS if method.templated else ():
                data[f"t{key}-{name}"] = getattr(target, name)
            data[f"t{key}-{DIGEST_FIELD}"] = "on" if target.digest else "off"
            for name, value in method.schema().initial_values(target).items():
                if isinstance(value, list):
                    data.setlist(f"t{key}-{name}", value)
                else:
                    data[f"t{key}-{name}"] = "" if value is None else str(value)
        data.setlist("target_keys", keys)
        return cls(data, workspace=workspace, rule=rule, actor=actor)

    @classmethod
    def refreshed(cls, data: QueryDict, *, workspace, rule=None, actor=None) -> RuleEditor:
        """Apply the drawer's operation (`_op`: source, method, add, remove, contacts, group, all_types,
        types) and rebuild."""
        data = data.copy()
        op, key = data.get("_op", ""), data.get("_key", "")
        keys = [k for k in data.getlist("target_keys") if k.isdigit()]
        if op == "add" and len(keys) < MAX_TARGET_BLOCKS:
            keys.append(str(max((int(k) for k in keys), default=-1) + 1))
        elif op == "remove" and key in keys:
            keys.remove(key)
        data.setlist("target_keys", keys)
        source = SOURCES_BY_KEY.get(data.get("source") or "") or SOURCES[0]
        if op == "group":  # Select all of a group (or clear it, when all of it was chosen)
            data.setlist("event_types", _toggle_group(data.getlist("event_types"), source, data.get("_group", "")))
        data.setlist("event_types", [t for t in data.getlist("event_types") if source.has_type(t)])
        # "All event types" and single types exclude each other: the one just ticked clears the other.
        if op == "all_types" and data.get("all_event_types"):
            data.setlist("event_types", [])
        elif data.getlist("event_types"):
            data.pop("all_event_types", None)
        if data.get("scope") not in source.scopes:
            data["scope"] = "all"
        for name in ("_op", "_key", "_group", "csrfmiddlewaretoken"):
            data.pop(name, None)
        return cls(data, workspace=workspace, rule=rule, actor=actor)

    # --- submitting ---------------------------------------------------------------------------
    def is_valid(self) -> bool:
        self.show_errors = True
        return all([self.rule_form.is_valid(), *[t.is_valid() for t in self.targets]])

    def service_kwargs(self) -> dict:
        cleaned = self.rule_form.cleaned_data
        return {
            "name": cleaned.get("name", ""),
            "source": cleaned.get("source", ""),
            "event_types": cleaned.get("event_types", []),
            "all_event_types": bool(cleaned.get("all_event_types")),  # neither this nor a type: refused
            "scope": cleaned.get("scope") or "all",
            "model_ids": cleaned.get("models", []),
            "targets": [t.spec() for t in self.targets],
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put each of the service's field errors under the field that caused it."""
        self.show_errors = True
        messages = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        for key, texts in messages.items():
            match = TARGET_ERROR.match(key)
            if match and int(match.group(1)) < len(self.targets):
                form = self.targets[int(match.group(1))]
                field = match.group(2) if match.group(2) in form.fields else None
                for text in texts:
                    form.add_error(field, text)
            elif key in self.rule_form.fields:
                for text in texts:
                    self.rule_form.add_error(key, text)
            elif key == "targets":
                self.target_errors.extend(texts)
            else:
                self.non_field_errors.extend(texts)

    # --- what the template shows ----------------------------------------------------------------
    @property
    def units(self) -> int:
        return sum(t.units() for t in self.targets)

    @property
    def over_quota_message(self) -> str:
        if self.units > self.limit:
            return f"This rule uses {self.units} target units; the limit is {self.limit}."
        return ""

    @property
    def at_limit(self) -> bool:
        """No room for one more unit: "Add event target" is disabled, a quota link offered."""
        return self.units >= self.limit

    @property
    def over_limit(self) -> bool:
        return self.units > self.limit

    @property
    def chosen_event_types(self) -> list[str]:
        source = self.rule_form.source_def
        return [t for t in self.data.getlist("event_types") if source.has_type(t)]

    def preview_event_types(self) -> list[tuple[str, str]]:
        """What Preview may render: the rule's chosen event types, or all its source's."""
        source = self.rule_form.source_def
        chosen = set(self.chosen_event_types)
        return [(et.key, et.label) for et in source.event_types if not chosen or et.key in chosen]

    def template_variables(self) -> list[dict]:
        return variables_for(self.chosen_event_types or [et.key for et in self.rule_form.source_def.event_types])

    def error_summary(self) -> list[dict]:
        """Every error shown in the drawer, in the order of the fields, each with the id of the field
        (or block) it belongs to: the summary at the top links to them, and focus goes to the first."""
        if not self.show_errors:
            return []
        items = [{"anchor": "rule-errors", "label": "", "message": m} for m in self.non_field_errors]
        form = self.rule_form
        anchors = {"name": "rule-name", "source": "rule-source", "event_types": "event-types",
                   "scope": "scope", "models": "model-picker"}
        for name, anchor in anchors.items():
            for message in form.errors.get(name, []):
                items.append({"anchor": anchor, "label": form.fields[name].label, "message": message})
        for number, target in enumerate(self.targets, start=1):
            for name, messages in target.errors.items():
                if name == NON_FIELD_ERRORS:
                    anchor, label = f"target-{target.key}", ""
                else:
                    anchor, label = target[name].id_for_label, target.fields[name].label
                for message in messages:
                    items.append({"anchor": anchor, "label": label, "message": message, "target": number})
        for message in self.shown_target_errors:
            items.append({"anchor": "target-units", "label": "", "message": message})
        return items

    @property
    def shown_target_errors(self) -> list[str]:
        over = self.over_quota_message
        return [e for e in self.target_errors if e != over] + ([over] if over else [])



def _toggle_group(chosen: list[str], source, group: str) -> list[str]:
    keys = [et.key for et in source.event_types if et.group == group]
    if keys and all(key in chosen for key in keys):
        return [key for key in chosen if key not in keys]
    return chosen + [key for key in keys if key not in chosen]
