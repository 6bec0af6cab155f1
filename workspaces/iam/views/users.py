"""Users and Policies > Users: the account's users, creating a sub-user, attaching and detaching
policies. Row actions post with HTMX and get the re-rendered row back; without JavaScript they are
plain form posts answered with a redirect to the list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from console.accounts import account_of
from workspaces.iam.selectors import policy_get_by_reference, policy_list, user_get, user_list
from workspaces.iam.services.policies import policy_attach, policy_detach
from workspaces.iam.services.users import subuser_create
from workspaces.models import Policy

LIST_TEMPLATE = "workspaces/policies/users.html"
CREATE_TEMPLATE = "workspaces/policies/user_form.html"


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    """{"field": [messages]}; errors of no field under "form" (templates cannot read "__all__")."""
    found = error.message_dict if hasattr(error, "error_dict") else {"form": error.messages}
    return {("form" if key == "__all__" else key): messages for key, messages in found.items()}


def _account_policies(request):
    """The policies the Attach menus offer; None when the reader may not list them."""
    if not policy_list.allowed(request.user):
        return None
    return list(Policy.objects.filter(account=account_of(request.user)).order_by("name"))


def _with_actions(request, member):
    """The row's buttons, asked of the services they lead to (`can_attach`, `can_detach`)."""
    member.can_attach = policy_attach.allowed(request.user, user=member)
    member.can_detach = policy_detach.allowed(request.user, user=member)
    return member


def _row_context(request, user, *, error: str = "", policies=None) -> dict:
    return {"member": _with_actions(request, user), "row_error": error,
            "account_policies": _account_policies(request) if policies is None else policies}


@login_required
@require_GET
def user_list_view(request):
    account = account_of(request.user)
    return render(request, LIST_TEMPLATE, {
        "users": [_with_actions(request, member) for member in user_list(actor=request.user)],
        "account": account,
        "can_create": subuser_create.allowed(request.user, account=account),
        "account_policies": _account_policies(request),
        "active_tab": "users",
    })


@login_required
@require_http_methods(["GET", "POST"])
def user_create_view(request):
    account = account_of(request.user)
    subuser_create.authorize(request.user, account=account)
    values, errors = {"username": "", "email": ""}, {}
    if request.method == "POST":
        values = {"username": request.POST.get("username", "").strip(), "email": request.POST.get("email", "").strip()}
        try:
            user = subuser_create(actor=request.user, account=account, password=request.POST.get("password", ""),
                                  **values)
        except ValidationError as error:
            errors = field_errors(error)
        else:
            messages.success(request, _("Sub-user %(name)s created; it signs in as %(sign_in)s. Attach a policy to "
                                        "let it act.") % {"name": user.username, "sign_in": user.sign_in_name})
            if request.htmx:
                return HttpResponseClientRedirect(f"{reverse('user-list')}#user-{user.pk}")
            return redirect("user-list")
    template = f"{CREATE_TEMPLATE}#user-form" if request.htmx else CREATE_TEMPLATE
    return render(request, template, {"values": values, "errors": errors, "active_tab": "users"},
                  status=400 if errors and not request.htmx else 200)


def _row_answer(request, user, *, error: str = "", notice: str = ""):
    if request.htmx:
        from console.feedback import close_dialog, toast

        response = render(request, f"{LIST_TEMPLATE}#user-row", _row_context(request, user, error=error))
        close_dialog(response)
        return toast(response, notice) if notice and not error else response
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("user-list")


@login_required
@require_POST
def user_attach_policy_view(request, pk: int):
    user = user_get(actor=request.user, pk=pk, authorize_read=False)
    policy_attach.authorize(request.user, user=user)
    reference = request.POST.get("policy", "").strip()
    if not reference:
        return _row_answer(request, user, error=_("Choose a policy to attach."))
    policy = policy_get_by_reference(account=user.account, reference=reference)
    try:
        policy_attach(actor=request.user, policy=policy, user=user)
    except ValidationError as error:
        return _row_answer(request, user, error=" ".join(error.messages))
    return _row_answer(request, user, notice=_("Policy %(policy)s attached to %(user)s.") % {
        "policy": policy.name, "user": user.username})


@login_required
@require_http_methods(["GET", "POST"])
def user_detach_policy_view(request, pk: int, policy_id: int):
    """GET asks first (the console's confirmation dialog); POST detaches."""
    user = user_get(actor=request.user, pk=pk, authorize_read=False)
    policy_detach.authorize(request.user, user=user)
    policy = policy_get_by_reference(account=user.account, reference=policy_id)
    if request.method == "GET":
        from console.feedback import Confirmation, confirm_render

        return confirm_render(request, Confirmation(
            title=_("Detach policy"),
            message=_("Detach %(policy)s from %(user)s? %(user)s loses what it allows at once.") % {
                "policy": policy.name, "user": user.username},
            action_url=reverse("user-detach-policy", kwargs={"pk": user.pk, "policy_id": policy.pk}),
            ok_label=_("Detach"), busy_label=_("Detaching…"), cancel_url=reverse("user-list"),
            target=f"#user-{user.pk}", testid="confirm-detach",
        ))
    try:
        policy_detach(actor=request.user, policy=policy, user=user)
    except ValidationError as error:
        return _row_answer(request, user, error=" ".join(error.messages))
    return _row_answer(request, user, notice=_("Policy %(policy)s detached from %(user)s.") % {
        "policy": policy.name, "user": user.username})
