"""Cross-project figures over the projects the caller may see, overall, by template and by customer.

- hypercare issues per project: new issues reported inside each hypercare window (go-live to exit, or now);
  the median over the projects whose window has started;
- SLA compliance: of the issues whose response (resolution) clock has concluded, the share that met its due
  time. A clock has concluded when the issue was responded to (resolved) or its due time has passed; a
  breached clock counts as missed whether the sweep has flagged it yet or not;
- days to silence: from the go-live day (day 0) to the first day that starts ``quiet_days`` consecutive
  complete days without a new issue; for an exited window that never showed such a run, the projected
  silence day of the hypercare fit (``golive.hypercare.silence``); active windows that have not fallen
  silent yet are left out. The median over the projects that have a value.

A customer user sees only figures of their own projects, since only those are visible to them. A fixed
number of queries: the projects, their customers and templates, one SLA aggregate over their issues, one
count of window arrivals per day.
"""

from __future__ import annotations

import datetime as dt
import statistics
import zoneinfo

from django.db.models import Count, Q
from django.utils import timezone

from golive.accounts.models import Organization
from golive.hypercare.silence import projected_silence_day
from golive.lifecycle.models import LifecycleTemplate
from golive.lifecycle.portfolio import (
    PortfolioFilters,
    WindowDays,
    daily_series,
    filtered_projects,
    matching_health,
    related_or_none,
    window_days,
)

DEFAULT_QUIET_DAYS = 3


def first_quiet_run(counts: list[int], quiet_days: int) -> int | None:
    """Index of the first day that starts ``quiet_days`` consecutive days with no arrivals, or None."""
    run = 0
    for index, count in enumerate(counts):
        run = run + 1 if count == 0 else 0
        if run == quiet_days:
            return index - quiet_days + 1
    return None


def days_to_silence(project, days: WindowDays | None, *, quiet_days: int, now: dt.datetime) -> int | None:
    window = related_or_none(project, "hypercare_window")
    if window is None or window.starts_at > now:
        return None
    exited = window.exited_at is not None and window.exited_at <= now
    series = daily_series(window, days or WindowDays(), zoneinfo.ZoneInfo(project.timezone), now)
    counts = [row["count"] for row in series]
    complete = counts if exited else counts[:-1]
    observed = first_quiet_run(complete, quiet_days)
    if observed is not None:
        return observed
    if exited:
        return projected_silence_day(counts)
    return None


def sla_figures(project_ids, *, now: dt.datetime) -> dict[int, dict]:
    """Per project, one query: concluded and met response and resolution clocks."""
    from golive.lifecycle.portfolio import open_q
    from golive.tracker.models import Issue

    if not project_ids:
        return {}
    response_missed = Q(response_breached=True) | Q(first_response_at__isnull=True, response_due_at__lt=now)
    response_done = Q(response_due_at__isnull=False) & (Q(first_response_at__isnull=False) | response_missed)
    resolution_missed = Q(resolution_breached=True) | (
        open_q() & Q(waiting_since__isnull=True, resolution_due_at__lt=now)
    )
    resolution_done = Q(resolution_due_at__isnull=False) & (Q(resolved_at__isnull=False) | resolution_missed)
    rows = (
        Issue.objects.filter(project_id__in=project_ids)
        .values("project_id")
        .annotate(
            response_total=Count("id", filter=response_done),
            response_met=Count("id", filter=response_done & ~response_missed),
            resolution_total=Count("id", filter=resolution_done),
            resolution_met=Count("id", filter=resolution_done & ~resolution_missed),
        )
        .order_by()
    )
    return {row.pop("project_id"): row for row in rows}


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _percent(met: int, total: int) -> float | None:
    return round(100 * met / total, 1) if total else None


def _summary(stats: list[dict]) -> dict:
    hypercare = [s for s in stats if s["hypercare"]]
    silent = [s["days_to_silence"] for s in stats if s["days_to_silence"] is not None]
    sla = {}
    for metric in ("response", "resolution"):
        met = sum(s[f"{metric}_met"] for s in stats)
        total = sum(s[f"{metric}_total"] for s in stats)
        sla[metric] = {"met": met, "total": total, "percent": _percent(met, total)}
    return {
        "projects": len(stats),
        "hypercare_projects": len(hypercare),
        "median_hypercare_issues": _median([s["hypercare_issues"] for s in hypercare]),
        "sla": sla,
        "silence_projects": len(silent),
        "median_days_to_silence": _median(silent),
    }


def portfolio_figures(
    user,
    filters: PortfolioFilters | None = None,
    *,
    quiet_days: int = DEFAULT_QUIET_DAYS,
    now: dt.datetime | None = None,
) -> dict:
    """``{quiet_days, overall, by_template: [...], by_customer: [...]}`` over the visible, filtered projects."""
    now = now or timezone.now()
    filters = filters or PortfolioFilters()
    # Only the window is joined (a health filter also needs the current phase and the go-live); the few
    # customers and templates are read once each rather than once per project.
    related = ["hypercare_window"]
    if filters.health:
        related += ["current_phase", "golive"]
    qs = filtered_projects(user, filters).select_related(None).prefetch_related(None).select_related(*related)
    projects = matching_health(list(qs), filters, now=now)
    ids = [p.pk for p in projects]
    customers = {o.pk: o for o in Organization.objects.filter(pk__in={p.customer_id for p in projects})}
    templates = {t.pk: t for t in LifecycleTemplate.objects.filter(pk__in={p.template_id for p in projects})}
    sla = sla_figures(ids, now=now)
    days = window_days(projects, now=now)
    stats = []
    empty_sla = {"response_total": 0, "response_met": 0, "resolution_total": 0, "resolution_met": 0}
    for project in projects:
        window = related_or_none(project, "hypercare_window")
        started = window is not None and window.starts_at <= now
        project_days = days.get(project.pk)
        stats.append(
            {
                "project": project,
                "hypercare": started,
                "hypercare_issues": sum(project_days.counts.values()) if project_days else 0,
                "days_to_silence": days_to_silence(project, project_days, quiet_days=quiet_days, now=now),
                **sla.get(project.pk, empty_sla),
            }
        )

    def grouped(key, describe) -> list[dict]:
        groups: dict[int, list[dict]] = {}
        for s in stats:
            groups.setdefault(key(s["project"]), []).append(s)
        return sorted(
            ({**describe(members[0]["project"]), **_summary(members)} for members in groups.values()),
            key=lambda g: g["name"],
        )

    return {
        "as_of": now,
        "quiet_days": quiet_days,
        "overall": _summary(stats),
        "by_template": grouped(
            lambda p: p.template_id,
            lambda p: {"key": templates[p.template_id].key, "name": templates[p.template_id].name},
        ),
        "by_customer": grouped(
            lambda p: p.customer_id,
            lambda p: {"key": customers[p.customer_id].slug, "name": customers[p.customer_id].name},
        ),
    }
