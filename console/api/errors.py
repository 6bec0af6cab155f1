"""`responses=` entries for the error envelope (the foundation's ErrorResponse component), with a
description per status, so the schema names every 4xx answer of the policy, user and audit endpoints."""

from drf_spectacular.utils import OpenApiResponse

from workspaces.api.serializers import ErrorResponseSerializer

DESCRIBED = {
    400: "Invalid input: the fields that caused it are named",
    401: "No or an invalid token",
    403: "Refused: `action` and `resource` name what was missing",
    404: "No such object in your account (for a list: no such page)",
    409: "The object's state does not allow this",
}


def errors(*codes: int) -> dict:
    """`responses` entries for the given error status codes (401 and 403 are always possible)."""
    return {code: OpenApiResponse(ErrorResponseSerializer, description=DESCRIBED[code])
            for code in sorted({401, 403, *codes})}
