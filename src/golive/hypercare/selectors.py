"""The hypercare view of a project at any instant: window, silence figures and exit criteria.

Point in time: with ``as_of`` in the past, issues are counted as they stood then (an issue resolved later
was open), extensions made later are not applied, and the exit criteria are evaluated at that instant.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from golive.hypercare.criteria import planned_end_at
from golive.hypercare.models import HypercareWindow, WindowStatus
from golive.hypercare.silence import projected_silence_date
from golive.lifecycle.gates import evaluate_gate
from golive.lifecycle.models import Phase
from golive.tracker.models import Issue

SEVERITIES = ("P1", "P2", "P3", "P4")


def _days_between(later: dt.datetime, earlier: dt.datetime) -> int:
    return max(0, (later - earlier).days)


def hypercare_status(*, project, as_of: dt.datetime | None = None) -> dict:
    """Every figure of CONTRACT.md's Hypercare section, evaluated at ``as_of`` (default now)."""
    as_of = as_of or timezone.now()
    tz = zoneinfo.ZoneInfo(project.timezone)
    window = HypercareWindow.objects.filter(project=project).prefetch_related("extensions").first()
    phase = Phase.objects.filter(project=project, key="hypercare").first()
    exit_evaluation = None
    if phase is not None:
        phase.project = project
        exit_evaluation = evaluate_gate(phase, as_of=as_of).as_dict()
    open_q = (
        Q(reported_at__lte=as_of)
        & (Q(resolved_at__isnull=True) | Q(resolved_at__gt=as_of))
        & (Q(closed_at__isnull=True) | Q(closed_at__gt=as_of))
    )
    open_rows = Issue.objects.filter(project=project).filter(open_q).values("severity").annotate(n=Count("id"))
    open_by_severity = dict.fromkeys(SEVERITIES, 0) | {row["severity"]: row["n"] for row in open_rows}
    empty = {
        "status": "not_started",
        "as_of": as_of,
        "starts_at": None,
        "planned_end": None,
        "exited_at": None,
        "days_elapsed": 0,
        "days_since_last_issue": None,
        "days_since_last_p1_p2": None,
        "open_by_severity": open_by_severity,
        "daily_new": [],
        "projected_silence_date": None,
        "issues_in_window": 0,
        "extensions": [],
        "handover": [],
        "exit": exit_evaluation or {"phase": None, "passed": False, "criteria": []},
    }
    if window is None or as_of < window.starts_at:
        return empty
    exited = window.exited_at is not None and window.exited_at <= as_of
    extensions = [e for e in window.extensions.all() if e.extended_at <= as_of]
    status = WindowStatus.EXITED if exited else (WindowStatus.EXTENDED if extensions else WindowStatus.ACTIVE)
    planned_end = planned_end_at(window, as_of)
    until = window.exited_at if exited else as_of
    in_window = Issue.objects.filter(project=project, reported_at__gte=window.starts_at, reported_at__lte=until)
    last = in_window.aggregate(any=Max("reported_at"), high=Max("reported_at", filter=Q(severity__in=("P1", "P2"))))
    per_day = dict(
        in_window.annotate(day=TruncDate("reported_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    first_day = window.starts_at.astimezone(tz).date()
    last_day = until.astimezone(tz).date()
    daily = []
    day = first_day
    while day <= last_day:
        daily.append({"date": day, "count": per_day.get(day, 0)})
        day += dt.timedelta(days=1)
    counts = [row["count"] for row in daily]
    return {
        "status": status,
        "as_of": as_of,
        "starts_at": window.starts_at,
        "planned_end": planned_end,
        "exited_at": window.exited_at if exited else None,
        "days_elapsed": _days_between(until, window.starts_at),
        "days_since_last_issue": _days_between(until, last["any"] or window.starts_at),
        "days_since_last_p1_p2": _days_between(until, last["high"] or window.starts_at),
        "open_by_severity": open_by_severity,
        "daily_new": daily,
        "projected_silence_date": projected_silence_date(first_day, counts),
        "issues_in_window": sum(counts),
        "extensions": [
            {"days": e.days, "reason": e.reason, "at": e.extended_at, "by": e.extended_by_id} for e in extensions
        ],
        "handover": window.handover if exited else [],
        "exit": exit_evaluation,
    }


def windows_ready_to_exit(*, as_of: dt.datetime | None = None) -> list[str]:
    """Keys of projects in hypercare whose exit criteria all pass at ``as_of``."""
    from golive.lifecycle.gates import evaluate_gates

    phases = list(
        Phase.objects.filter(
            key="hypercare",
            status="active",
            project__hypercare_window__isnull=False,
            project__hypercare_window__exited_at__isnull=True,
        ).select_related("project")
    )
    results = evaluate_gates(phases, as_of=as_of)
    return [phase.project.key for phase in phases if results[phase.pk].passed]
