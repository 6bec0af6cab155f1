"""Base serializers of the API: input that names a field the endpoint does not know is refused with
that field named, instead of being dropped silently (a typo would otherwise pass for a default).
`state_field` documents a read-only state as an enum of its values."""

from collections.abc import Mapping

from rest_framework import serializers


class RejectUnknownFieldsMixin:
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in set(data) - set(self.fields))
            if unknown:
                known = ", ".join(sorted(self.fields)) or "none"
                raise serializers.ValidationError(
                    {name: [f"Unknown field. This endpoint accepts: {known}."] for name in unknown}
                )
        return super().to_internal_value(data)


class Serializer(RejectUnknownFieldsMixin, serializers.Serializer):
    pass


class ModelSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    pass


def state_field(choices, help_text: str = "") -> serializers.ChoiceField:
    """A read-only state, documented as an enum of its values. drf-spectacular names an enum component
    after its field; sets that share a field name (`status`) get their own names in settings'
    ENUM_NAME_OVERRIDES, and the OpenAPI walk test fails on a collision."""
    return serializers.ChoiceField(choices=choices, read_only=True, help_text=help_text or None)
