"""Base serializers of the API: input that names a field the endpoint does not know is refused with
that field named, instead of being dropped silently (a typo would otherwise pass for a default).
`state_field` documents a read-only state by its values."""

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


def state_field(values) -> serializers.CharField:
    """A read-only state, documented by its values in the description rather than as an enum:
    drf-spectacular names enum components by field name, and the many different `status` sets of
    this API would collide (its enum hook warns)."""
    values = [value[0] if isinstance(value, tuple | list) else value for value in values]
    return serializers.CharField(read_only=True, help_text="One of: " + ", ".join(v or '""' for v in values) + ".")
