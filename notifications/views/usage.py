"""The Usage and Billing page: this month's figures, a chart by day (server-drawn SVG), a month picker
(HTMX re-renders the summary partial) and the previous months."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from console.accounts import account_of
from notifications.selectors.usage import (
    CURRENCY,
    FREE_NOTIFICATIONS_PER_MONTH,
    FREE_TIER_WARNING_PERCENT,
    PRICE_PER_NOTIFICATION,
    MonthSummary,
    month_current,
    month_key,
    month_parse,
    month_shift,
    usage_month_summary,
    usage_previous_months,
)

TEMPLATE = "notifications/usage/page.html"

# Chart geometry, in SVG user units (the SVG scales to the card's width).
CHART_WIDTH, CHART_HEIGHT = 760, 240
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 56, 8, 12, 28
CHART_MAX_TICKS = 5


def _axis(largest: int) -> tuple[int, int]:
    """(step, ticks): the smallest step of 1, 2, 5, 10, 20, 50... that reaches `largest` in at most
    CHART_MAX_TICKS steps, and how many steps it takes (at least one)."""
    scale = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * scale
            if step * CHART_MAX_TICKS >= largest:
                return step, max(1, -(-largest // step))
        scale *= 10


def usage_chart(summary: MonthSummary) -> dict:
    """Bars per day, each split into the part within the free tier and the billable part (the free
    tier runs out on the day the month's running total passes 500)."""
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    step, tick_count = _axis(max((day.sent for day in summary.days), default=0))
    top = step * tick_count
    band = plot_width / len(summary.days)
    bar_width = max(band * 0.7, 1)
    baseline = CHART_TOP + plot_height

    def height(count: int) -> float:
        return round(count * plot_height / top, 2)

    bars, running = [], 0
    last_day = len(summary.days)
    for index, day in enumerate(summary.days):
        free = max(0, min(running + day.sent, FREE_NOTIFICATIONS_PER_MONTH) - running)
        running += day.sent
        free_height, billable_height = height(free), height(day.sent - free)
        x = round(CHART_LEFT + index * band + (band - bar_width) / 2, 2)
        bars.append({
            "day": day.day,
            "sent": day.sent,
            "x": x,
            "width": round(bar_width, 2),
            "label_x": round(x + bar_width / 2, 2),
            "show_label": day.day.day in (1, 5, 10, 15, 20, 25) or day.day.day == last_day,
            "free_y": round(baseline - free_height, 2),
            "free_height": free_height,
            "billable_y": round(baseline - free_height - billable_height, 2),
            "billable_height": billable_height,
        })
    ticks = [
        {"value": f"{step * n:,}", "y": round(baseline - height(step * n), 2)} for n in range(tick_count + 1)
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "baseline": baseline,
        "label_y": baseline + 18,
        "tick_label_x": CHART_LEFT - 6,
        "bars": bars,
        "ticks": ticks,
    }


def _neighbour_key(month, months: int) -> str | None:
    """The picker's previous/next month, when it is one the picker accepts."""
    try:
        key = month_key(month_shift(month, months))
        month_parse(key)
    except ValueError:
        return None
    return key


@login_required
@require_GET
def usage_page(request):
    account = account_of(request.user)
    month, month_error = None, None
    month_text = request.GET.get("month", "").strip()
    if month_text:  # blank (a cleared picker) means the current month, as in the API
        try:
            month = month_parse(month_text)
        except ValueError as error:
            month_error = gettext(str(error))
    context = {
        "account": account,
        "free_tier": FREE_NOTIFICATIONS_PER_MONTH,
        "unit_price": PRICE_PER_NOTIFICATION,
        "currency": CURRENCY,
        "warning_percent": FREE_TIER_WARNING_PERCENT,
        "month_text": month_text,
        "month_error": month_error,
        "current_key": month_key(month_current()),
    }
    # Without bss:QueryBill this raises AccessDenied: console.middleware answers with the 403 page.
    summary = usage_month_summary(actor=request.user, account=account, month=month)
    previous = usage_previous_months(actor=request.user, account=account)
    context.update(
        summary=summary,
        previous_months=previous,
        chart=usage_chart(summary),
        previous_key=_neighbour_key(summary.month, -1),
        next_key=_neighbour_key(summary.month, 1),
    )
    template = f"{TEMPLATE}#summary" if request.htmx and not request.htmx.boosted else TEMPLATE
    return render(request, template, context)
