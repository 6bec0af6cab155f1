"""Templates hide or disable what a user may not do (the server refuses it anyway).

    {% load permissions %}
    {% if_allowed "eventbridge:CreateRule" workspace|bus_arn %}
      <button class="btn btn-primary">Create Notice Rule</button>
    {% else %}
      <button class="btn btn-primary" disabled>Create Notice Rule</button>
    {% endif_allowed %}

    {% allowed "eventbridge:DeleteRule" workspace|rule_arn:rule.name as can_delete %}

The user is the template's `request.user` (or `user`). ARN filters: `bus_arn`, `rule_arn:<name>`,
`workspace_arn:"<service>"`, `account_arn:"<service>"`, `role_arn`, `policy_arn`, `user_arn`, `audit_arn`.
"""

from django import template

from workspaces.iam import permissions
from workspaces.tenancy import bus

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def allowed(context, action: str, resource: str) -> bool:
    return permissions.is_allowed(_user(context), action, resource)


class IfAllowedNode(template.Node):
    def __init__(self, action, resource, nodelist_true, nodelist_false):
        self.action, self.resource = action, resource
        self.nodelist_true, self.nodelist_false = nodelist_true, nodelist_false

    def render(self, context):
        action = self.action.resolve(context)
        resource = self.resource.resolve(context)
        if resource and permissions.is_allowed(_user(context), action, resource):
            return self.nodelist_true.render(context)
        return self.nodelist_false.render(context)


@register.tag
def if_allowed(parser, token):
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(f'{bits[0]} takes an action and a resource: {{% {bits[0]} "a:B" arn %}}')
    action, resource = parser.compile_filter(bits[1]), parser.compile_filter(bits[2])
    nodelist_true = parser.parse(("else", "endif_allowed"))
    if parser.next_token().contents == "else":
        nodelist_false = parser.parse(("endif_allowed",))
        parser.delete_first_token()
    else:
        nodelist_false = template.NodeList()
    return IfAllowedNode(action, resource, nodelist_true, nodelist_false)


@register.filter
def bus_arn(workspace) -> str:
    return bus.bus_arn(workspace)


@register.filter
def rule_arn(workspace, rule_name) -> str:
    return bus.rule_arn(workspace, str(rule_name))


@register.filter
def workspace_arn(workspace, service: str) -> str:
    return permissions.workspace_arn(service, workspace)


@register.filter
def account_arn(account, service: str) -> str:
    return permissions.account_arn(service, account)


@register.filter
def role_arn(account) -> str:
    return bus.role_arn(account)


@register.filter
def policy_arn(account, name: str = "*") -> str:
    return permissions.policy_arn(account, name)


@register.filter
def user_arn(account, username: str = "*") -> str:
    return permissions.user_arn(account, username)


@register.filter
def audit_arn(account) -> str:
    return permissions.audit_arn(account)
