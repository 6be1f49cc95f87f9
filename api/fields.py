"""API field types shared by every serializer.

``DateTimeField``: DRF renders date-times in the current time zone (Europe/Berlin). Before
1893 Berlin was on local mean time, +00:53:28 – an offset with seconds that is no valid
RFC 3339 / ISO 8601 date-time. Such values are given in UTC ("Z") instead; every other value
keeps its Berlin offset. ``ModelSerializer`` maps model date-times to it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import models
from rest_framework import serializers


class DateTimeField(serializers.DateTimeField):
    def enforce_timezone(self, value: datetime) -> datetime:
        value = super().enforce_timezone(value)
        offset = value.utcoffset()
        if offset is not None and (offset.seconds % 60 or offset.microseconds):
            return value.astimezone(UTC)
        return value


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.DateTimeField: DateTimeField}
