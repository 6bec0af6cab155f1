"""`{% rules_section workspace user %}`: the Create Notice Rule button and the rules table, as shown on
the Event Notification Configuration tab once EventBridge is active and the role granted."""

from django import template

register = template.Library()


@register.inclusion_tag("notifications/rules/_section.html", takes_context=True)
def rules_section(context, workspace):
    return {"workspace": workspace, "rules": [], "request": context.get("request"), "user": context.get("user")}
