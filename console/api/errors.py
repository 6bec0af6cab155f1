"""The API's one error envelope, documented: `{"error": {"code", "message", "fields"?}}` for every 4xx
(`console.api.exception_handler` writes it), its serializers for the OpenAPI schema, and the
`responses=` entries views declare (`errors(400, 404)`, or the ERRORS_* sets)."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from console.api import serializers as api_serializers


class ErrorDetailSerializer(api_serializers.Serializer):
    code = serializers.CharField(help_text="validation_error, not_authenticated, permission_denied, not_found, ...")
    message = serializers.CharField(help_text="What is wrong, naming the field and the limit.")

    def get_fields(self):
        # "fields" cannot be declared as a class attribute: it is the Serializer's own property.
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(
            required=False, help_text="Per-field messages (validation errors only)."
        )
        fields["current"] = serializers.CharField(
            required=False, help_text="409 only: the object's current state or status value.")
        fields["allowed"] = serializers.ListField(
            child=serializers.CharField(), required=False,
            help_text="409 only: the values the object's current state allows (empty: none).")
        fields["job_id"] = serializers.IntegerField(
            required=False, help_text="409 of a replay: the bus's replay queued or running now.")
        return fields


class ErrorResponseSerializer(api_serializers.Serializer):
    # Every 4xx answer: {"error": {"code", "message", "fields"?}} (a comment: the schema shows docstrings).
    error = ErrorDetailSerializer(help_text="What was refused, and what would be accepted.")


# Reusable `responses=` entries for @extend_schema.
ERRORS_AUTH = {401: ErrorResponseSerializer, 403: ErrorResponseSerializer}
ERRORS_READ = {**ERRORS_AUTH, 404: ErrorResponseSerializer}
ERRORS_WRITE = {400: ErrorResponseSerializer, **ERRORS_READ}


DESCRIBED = {
    400: "Invalid input: the fields that caused it are named",
    401: "No or an invalid token",
    403: "Refused: `action` and `resource` name what was missing",
    404: "No such object in your account (for a list: no such page)",
    409: "The object's state does not allow this: `current` names it and `allowed` lists what it allows",
}


def errors(*codes: int) -> dict:
    """`responses` entries for the given error status codes (401 and 403 are always possible)."""
    return {code: OpenApiResponse(ErrorResponseSerializer, description=DESCRIBED[code])
            for code in sorted({401, 403, *codes})}
