"""The error envelope as drf-spectacular documents it, so the schema names every 4xx answer."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorEnvelope = inline_serializer(
    name="ErrorEnvelope",
    fields={
        "error": inline_serializer(
            name="ErrorBody",
            fields={
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "fields": serializers.DictField(required=False, child=serializers.ListField(
                    child=serializers.CharField())),
                "action": serializers.CharField(required=False, help_text="the missing action (403)"),
                "resource": serializers.CharField(required=False, help_text="the resource it was missing on (403)"),
            },
        )
    },
)


def errors(*codes: int) -> dict:
    """`responses` entries for the given error status codes (401 and 403 are always possible)."""
    described = {
        400: "Invalid input: the fields that caused it are named",
        401: "No or an invalid token",
        403: "Refused: names the missing action and resource",
        404: "No such object in your account",
        409: "The object's state does not allow this",
    }
    return {code: OpenApiResponse(ErrorEnvelope, description=described[code]) for code in sorted({401, 403, *codes})}
