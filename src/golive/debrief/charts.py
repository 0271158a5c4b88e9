"""The report's timeline chart: each phase's planned and actual span on one date axis.

Plain functions, no Django. ``timeline_geometry`` places the bars (fractions of the chart width) and is shared
by the inline SVG of the HTML report (``timeline_svg``) and the PDF, which draws the same bars natively.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr


@dataclass(frozen=True)
class Bar:
    left: float  # fraction of the axis, 0..1
    width: float


@dataclass(frozen=True)
class Row:
    label: str
    status: str
    planned: Bar | None
    actual: Bar | None
    slippage_days: int | None


@dataclass(frozen=True)
class Timeline:
    first: dt.date
    last: dt.date
    rows: list[Row]
    today: float | None  # fraction of the axis where today falls, when inside it
    ticks: list[tuple[float, str]]  # month starts: (fraction, "YYYY-MM")


def _date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def timeline_geometry(phases: list[dict], *, today: dt.date | str, labels: dict[str, str] | None = None) -> Timeline:
    """Bars for ``phases`` (the report's ``phases`` rows). A phase still active runs to ``today``; a phase with
    no actual start has no actual bar. ``labels`` maps a phase key to its display name."""
    today = _date(today)
    labels = labels or {}
    spans = []
    for phase in phases:
        planned = (_date(phase.get("planned_start")), _date(phase.get("planned_end")))
        start, end = _date(phase.get("actual_start")), _date(phase.get("actual_end"))
        actual = (start, end or today) if start and phase.get("status") in ("active", "done") else (None, None)
        spans.append((phase, planned, actual))
    dates = [d for _p, planned, actual in spans for d in (*planned, *actual) if d is not None]
    if not dates:
        return Timeline(first=today, last=today, rows=[], today=None, ticks=[])
    first, last = min(dates), max(dates)
    days = (last - first).days + 1

    def bar(span) -> Bar | None:
        start, end = span
        if start is None or end is None:
            return None
        end = max(end, start)
        return Bar(left=(start - first).days / days, width=((end - start).days + 1) / days)

    rows = [
        Row(
            label=labels.get(phase["key"], phase.get("name") or phase["key"]),
            status=phase.get("status", ""),
            planned=bar(planned),
            actual=bar(actual),
            slippage_days=phase.get("slippage_days"),
        )
        for phase, planned, actual in spans
    ]
    ticks = []
    month = dt.date(first.year, first.month, 1)
    while month <= last:
        if month >= first:
            ticks.append(((month - first).days / days, month.strftime("%Y-%m")))
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    marker = (today - first).days / days if first <= today <= last else None
    return Timeline(first=first, last=last, rows=rows, today=marker, ticks=ticks)


PLANNED_COLOUR = "#b8c4d6"
ACTUAL_COLOUR = "#1f5fa8"
LATE_COLOUR = "#b3261e"
TODAY_COLOUR = "#6b4e16"
EARLY_COLOUR = "#1b6e3a"


def timeline_svg(
    timeline: Timeline, *, title: str, planned_label: str, actual_label: str, today_label: str, days_label: str
) -> str:
    """An accessible inline SVG of ``timeline`` (a title, one row per phase, month ticks, a legend). Every
    text is escaped here, so the result can be embedded as it is."""
    label_width, chart_width, row_height, top = 150, 560, 26, 34
    width = label_width + chart_width + 70
    height = top + row_height * max(len(timeline.rows), 1) + 46
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-timeline" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="timeline-svg-title">',
        f'<title id="timeline-svg-title">{escape(title)}</title>',
        '<g font-family="sans-serif" font-size="11">',
    ]
    for fraction, text in timeline.ticks:
        x = label_width + fraction * chart_width
        out.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{top + row_height * len(timeline.rows)}" '
            'stroke="#d9d9d9" stroke-width="1"/>'
        )
        out.append(f'<text x="{x + 2:.1f}" y="{top - 10}" fill="#555">{escape(text)}</text>')
    for index, row in enumerate(timeline.rows):
        y = top + index * row_height
        out.append(f'<g class="timeline-row" data-status={quoteattr(row.status)}>')
        out.append(f'<text x="0" y="{y + 16}" fill="#222">{escape(row.label)}</text>')
        if row.planned:
            x, w = label_width + row.planned.left * chart_width, max(row.planned.width * chart_width, 2)
            out.append(
                f'<rect class="bar-planned" x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="8" '
                f'fill="{PLANNED_COLOUR}"><title>{escape(planned_label)}</title></rect>'
            )
        if row.actual:
            late = (row.slippage_days or 0) > 0
            x, w = label_width + row.actual.left * chart_width, max(row.actual.width * chart_width, 2)
            out.append(
                f'<rect class="bar-actual" x="{x:.1f}" y="{y + 12}" width="{w:.1f}" height="8" '
                f'fill="{LATE_COLOUR if late else ACTUAL_COLOUR}"><title>{escape(actual_label)}</title></rect>'
            )
        if row.slippage_days:
            colour = LATE_COLOUR if row.slippage_days > 0 else EARLY_COLOUR
            sign = "+" if row.slippage_days > 0 else ""
            out.append(
                f'<text x="{label_width + chart_width + 6}" y="{y + 16}" fill="{colour}">'
                f"{sign}{row.slippage_days} {escape(days_label)}</text>"
            )
        out.append("</g>")
    bottom = top + row_height * len(timeline.rows)
    if timeline.today is not None:
        x = label_width + timeline.today * chart_width
        out.append(
            f'<line class="today" x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{bottom}" stroke="{TODAY_COLOUR}" '
            'stroke-dasharray="3 2"/>'
        )
    legend_y = bottom + 22
    out.append(f'<rect x="{label_width}" y="{legend_y - 8}" width="14" height="8" fill="{PLANNED_COLOUR}"/>')
    out.append(f'<text x="{label_width + 18}" y="{legend_y}" fill="#222">{escape(planned_label)}</text>')
    out.append(f'<rect x="{label_width + 120}" y="{legend_y - 8}" width="14" height="8" fill="{ACTUAL_COLOUR}"/>')
    out.append(f'<text x="{label_width + 138}" y="{legend_y}" fill="#222">{escape(actual_label)}</text>')
    if timeline.today is not None:
        out.append(
            f'<line x1="{label_width + 240}" y1="{legend_y - 8}" x2="{label_width + 240}" y2="{legend_y}" '
            f'stroke="{TODAY_COLOUR}" stroke-dasharray="3 2"/>'
        )
        out.append(f'<text x="{label_width + 246}" y="{legend_y}" fill="#222">{escape(today_label)}</text>')
    out.append("</g></svg>")
    return "".join(out)
