"""Usage and billing over the API: the same figures as the console page, from the same selectors.

Amounts are decimal strings with three places ("0.500"), never floats.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from console.accounts import account_of
from console.api import serializers as api_serializers
from console.api.errors import errors
from notifications.selectors.usage import (
    CURRENCY,
    MONTH_FORMAT_MESSAGE,
    NOTICE_FREE_TIER_EXHAUSTED,
    NOTICE_FREE_TIER_WARNING,
    PRICE_PER_NOTIFICATION,
    month_parse,
    usage_month_summary,
    usage_previous_months,
)

MONTH_PATTERN = r"^[0-9]{4}-[0-9]{2}$"


@extend_schema_field({"type": "string", "pattern": MONTH_PATTERN, "example": "2026-05"})
class MonthField(serializers.Field):
    """A billing month written YYYY-MM."""

    default_error_messages = {"invalid": MONTH_FORMAT_MESSAGE}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return month_parse(data.strip())
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value):
        return f"{value.year:04d}-{value.month:02d}"


class UsageMonthQuerySerializer(api_serializers.Serializer):
    month = MonthField(required=False, help_text="The billing month, YYYY-MM. Default: the current month.")


class UsageMonthsQuerySerializer(api_serializers.Serializer):
    limit = serializers.IntegerField(
        required=False, default=12, min_value=1, max_value=120, help_text="At most this many months (1 to 120)."
    )


SENT_HELP = ("Notifications delivered: deliveries that succeeded (one message to one target or contact), counted "
             "when they succeed. Not counted: dead deliveries, ones still pending or retrying, and Test "
             "Connectivity messages.")


def _amount_field(**kwargs):
    return serializers.DecimalField(max_digits=None, decimal_places=3, coerce_to_string=True, **kwargs)


class UsageDaySerializer(api_serializers.Serializer):
    day = serializers.DateField(help_text="A calendar day in the billing time zone.")
    sent = serializers.IntegerField(help_text=SENT_HELP)


class UsageMonthTotalsSerializer(api_serializers.Serializer):
    month = MonthField(help_text="YYYY-MM, in the billing time zone.")
    sent = serializers.IntegerField(help_text=SENT_HELP)
    free_used = serializers.IntegerField()
    billable = serializers.IntegerField(help_text="Notifications beyond the free tier.")
    amount_due = _amount_field(help_text="billable x unit price, USD, three decimal places.")


class UsageMonthSerializer(UsageMonthTotalsSerializer):
    time_zone = serializers.CharField(help_text="The IANA time zone the billing month follows.")
    period_start = serializers.SerializerMethodField()
    period_end = serializers.SerializerMethodField()
    is_current_month = serializers.BooleanField(source="is_current")
    free_tier = serializers.IntegerField(help_text="Free notifications per month.")
    free_left = serializers.IntegerField()
    free_used_percent = serializers.IntegerField(help_text="Whole percent of the free tier used (0 to 100).")
    unit_price = serializers.SerializerMethodField()
    currency = serializers.SerializerMethodField()
    notice = serializers.ChoiceField(
        choices=[NOTICE_FREE_TIER_WARNING, NOTICE_FREE_TIER_EXHAUSTED],
        allow_null=True,
        help_text="free_tier_80 from 80 % of the free tier, free_tier_exhausted from 100 %; else null.",
    )
    test_connectivity_counted = serializers.BooleanField(
        help_text="Whether Test Connectivity messages count as notifications."
    )
    days = UsageDaySerializer(many=True, help_text="Every day of the month, zero where nothing was sent.")

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_period_start(self, summary) -> str:
        return summary.period_start.isoformat()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_period_end(self, summary) -> str:
        return summary.period_end.isoformat()

    @extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^[0-9]+\.[0-9]{3}$", "example": "0.001"})
    def get_unit_price(self, summary) -> str:
        return f"{PRICE_PER_NOTIFICATION:.3f}"

    @extend_schema_field({"type": "string", "enum": [CURRENCY]})
    def get_currency(self, summary) -> str:
        return CURRENCY


class UsageMonthListSerializer(api_serializers.Serializer):
    time_zone = serializers.CharField()
    currency = serializers.CharField()
    results = UsageMonthTotalsSerializer(many=True, help_text="Months with usage before this one, newest first.")


def _query(serializer_class, request) -> dict:
    # A plain dict, not the QueryDict: DRF would take a blank "?month=" for an omitted one, which the
    # schema (a pattern, an integer) does not allow.
    query = serializer_class(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return query.validated_data

ONE_NOTIFICATION = (" One notification is one message sent: a digest that carries the events waiting for a full "
                    "chat bot counts once, however many events it names.")


class UsageMonthView(APIView):
    @extend_schema(
        operation_id="usage_month",
        summary="A month's usage and amount due",
        description="Sent, free left, billable, amount due and the series by day for one billing month "
        "(needs bss:QueryBill). 500 free a month, then USD 0.001 each." + ONE_NOTIFICATION,
        parameters=[UsageMonthQuerySerializer],
        responses={200: UsageMonthSerializer, **errors(400)},
        examples=[
            OpenApiExample(
                "Bad month",
                value={"error": {"code": "validation_error", "message": f"month: {MONTH_FORMAT_MESSAGE}",
                                 "fields": {"month": [MONTH_FORMAT_MESSAGE]}}},
                response_only=True,
                status_codes=["400"],
            )
        ],
        tags=["usage"],
    )
    def get(self, request):
        account = account_of(request.user)
        month = _query(UsageMonthQuerySerializer, request).get("month")
        summary = usage_month_summary(actor=request.user, account=account, month=month)
        return Response(UsageMonthSerializer(summary).data)


class UsageMonthsView(APIView):
    @extend_schema(
        operation_id="usage_previous_months",
        summary="Previous months' usage",
        description="Totals and amounts due of the months before the current one that had usage, newest "
        "first (needs bss:QueryBill)." + ONE_NOTIFICATION,
        parameters=[UsageMonthsQuerySerializer],
        responses={200: UsageMonthListSerializer, **errors(400)},
        tags=["usage"],
    )
    def get(self, request):
        account = account_of(request.user)
        limit = _query(UsageMonthsQuerySerializer, request)["limit"]
        months = usage_previous_months(actor=request.user, account=account, limit=limit)
        return Response(
            UsageMonthListSerializer(
                {"time_zone": settings.BILLING_TIME_ZONE, "currency": CURRENCY, "results": months}
            ).data
        )
