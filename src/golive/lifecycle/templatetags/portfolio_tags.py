"""Template helpers of the portfolio pages: translated health, trend and item labels, and the inline sparkline."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from golive.lifecycle.portfolio import RAG_LABELS, TREND_LABELS, sparkline_points
from golive.lifecycle.today import KIND_LABELS

register = template.Library()

SPARK_WIDTH, SPARK_HEIGHT = 84, 20


@register.filter
def rag_label(value):
    return RAG_LABELS.get(value, value)


@register.filter
def trend_label(value):
    return TREND_LABELS.get(value, value)


@register.filter
def today_kind_label(value):
    return KIND_LABELS.get(value, value)


@register.simple_tag
def sparkline(series):
    """An inline SVG line of daily new issues (``[{date, count}]``), with the numbers as its accessible name."""
    counts = [row["count"] for row in series or []]
    if not counts:
        return ""
    label = _("New issues per day, last %(days)d days: %(counts)s") % {
        "days": len(counts),
        "counts": ", ".join(str(c) for c in counts),
    }
    points = sparkline_points(counts, width=SPARK_WIDTH, height=SPARK_HEIGHT)
    last_x, last_y = points.rsplit(" ", 1)[-1].split(",")
    return format_html(
        '<svg class="sparkline" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{label}">'
        "<title>{label}</title>"
        '<polyline points="{points}" fill="none" stroke="currentColor" stroke-width="1.5" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
        '<circle cx="{x}" cy="{y}" r="2" fill="currentColor"/></svg>',
        w=SPARK_WIDTH,
        h=SPARK_HEIGHT,
        label=label,
        points=points,
        x=last_x,
        y=last_y,
    )
