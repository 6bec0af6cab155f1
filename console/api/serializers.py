"""Base serializers of the API: input that names a field the endpoint does not know is refused with
that field named, instead of being dropped silently (a typo would otherwise pass for a default)."""

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
