"""The API plumbing every API view shares (named by REST_FRAMEWORK in settings): the exception
handler that writes the one error envelope (documented in `console.api.errors`) and records refusals,
409 Conflict, and pagination. Base serializers: `console.api.serializers`."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler

from workspaces.iam.audit import access_denied_record
from workspaces.iam.permissions import AccessDenied


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        """A `page_size` that is not one whole number from 1 to 200 is refused, not silently ignored."""
        values = request.query_params.getlist(self.page_size_query_param)
        if values and (len(values) > 1 or not (values[0].isdigit() and 1 <= int(values[0]) <= self.max_page_size)):
            raise exceptions.ValidationError(
                {self.page_size_query_param: [f"Must be one whole number from 1 to {self.max_page_size}."]}
            )
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        """`page` is one whole number from 1 (a page past the end is 404, as DRF answers)."""
        values = request.query_params.getlist(self.page_query_param)
        if values and (len(values) > 1 or not (values[0].isdigit() and int(values[0]) >= 1)):
            raise exceptions.ValidationError({self.page_query_param: ["Must be one whole number from 1."]})
        return super().get_page_number(request, paginator)


def requested_field(request, field: str):
    """A field of the request's body before validation (None when the body is not an object): what a
    permission checked before the input is judged is asked on (a create's name)."""
    return request.data.get(field) if hasattr(request.data, "get") else None


class Conflict(exceptions.APIException):
    """The request is well formed but the object's current state forbids it (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The object's current state does not allow this."


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def _message(fields) -> str:
    if isinstance(fields, dict):
        for key, value in fields.items():
            text = _message(value)
            return text if key in ("non_field_errors", "detail", "__all__") else f"{key}: {text}"
    if isinstance(fields, list) and fields:
        return _message(fields[0])
    return str(fields)


def exception_handler(exc, context):
    """Every error answer has the same shape:

    {"error": {"code": "validation_error", "message": "name: ...", "fields": {"name": ["..."]}}}

    A refusal (workspaces.iam.permissions.AccessDenied) is recorded in the audit log and names what was
    missing: {"error": {"code": "access_denied", "message": "...", "action": "...", "resource": "..."}}
    """
    refusal = exc if isinstance(exc, AccessDenied) else None
    if refusal is not None:
        request = context.get("request")
        access_denied_record(actor=getattr(request, "user", None), error=refusal, request=request)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    fields = _flatten(detail)
    code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
    if isinstance(exc, exceptions.ValidationError):
        code = "validation_error"
        if not isinstance(fields, dict):
            fields = {"non_field_errors": fields if isinstance(fields, list) else [fields]}
    body = {"error": {"code": getattr(exc, "error_code", None) or code, "message": _message(fields)}}
    if isinstance(fields, dict) and code == "validation_error":
        body["error"]["fields"] = fields
    if refusal is not None:
        body["error"].update(code=AccessDenied.error_code, action=refusal.action, resource=refusal.resource)
    response.data = body
    return response

