"""The portfolio across projects: filters, red/amber/green health, the hypercare pulse and the go-live calendar.

Reads only, always over the projects the caller may see (``project_list_for_user``). Every figure that needs
more than the project rows is loaded for all the listed projects at once (issues grouped by project, daily
arrivals grouped by project and local date), so a page of the portfolio costs the same number of queries for
3 projects as for 3,000.

Health (``rag``) is the worst of these signals (docs/lifecycle.md, Portfolio):

- slippage: the current phase runs past its planned end (amber; red beyond ``LATE_DAYS``), or the planned
  go-live has passed without a recorded go-live (amber; red beyond ``LATE_DAYS``);
- a gate that fails while its phase is due within ``GATE_DUE_DAYS`` days (amber);
- SLA: an open issue past its response or resolution due time (amber; red for a P1 or P2);
- hypercare: new issues per day rising (amber).

The existing ``health`` field (schedule only: on_track, at_risk, late, closed) stays as it was.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from golive.lifecycle import selectors
from golive.lifecycle.gates import evaluate_gates
from golive.lifecycle.models import Project

LATE_DAYS = 7
GATE_DUE_DAYS = 7
SPARKLINE_DAYS = 14
TREND_DAYS = 3
CALENDAR_WEEKS = 8
MAX_QUERY_LENGTH = 100
HIGH_SEVERITIES = ("P1", "P2")
# Gate criteria that fail as a matter of course until the phase ends: the window that waits for its planned
# date, and the sign-off that comes last, once the evidence is in (a missing one shows as "sign-off waiting"
# in the signer's list, and as lateness once the date has passed). Only the other criteria warn early.
WAITS_FOR_DATE = frozenset({"hypercare_window_elapsed", "signoff_approved"})

RAG_VALUES = ("red", "amber", "green")
SCHEDULE_HEALTH_VALUES = ("on_track", "at_risk", "late", "closed")
HEALTH_FILTER_VALUES = RAG_VALUES + SCHEDULE_HEALTH_VALUES
RAG_LABELS = {"red": gettext_lazy("Red"), "amber": gettext_lazy("Amber"), "green": gettext_lazy("Green")}
TREND_LABELS = {
    "rising": gettext_lazy("Rising"),
    "falling": gettext_lazy("Falling"),
    "flat": gettext_lazy("Flat"),
}
_RAG_RANK = {"red": 0, "amber": 1, "green": 2, None: 3}

# sort value -> the fields it orders by, the key last (``health`` is computed, so it sorts in Python)
SORTS = {
    "key": ("key",),
    "name": ("name", "key"),
    "customer": ("customer__name", "key"),
    "go_live": ("planned_go_live", "key"),
    "phase": ("current_phase__order", "key"),
    "health": None,
}
SORT_VALUES = tuple(SORTS) + tuple(f"-{name}" for name in SORTS)
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")


# ---------------------------------------------------------------------------------------------------------------
# Filters


@dataclass(frozen=True)
class PortfolioFilters:
    """The portfolio's query parameters, validated. Empty strings mean "no filter"."""

    phase: str = ""
    health: str = ""
    customer: str = ""
    template: str = ""
    status: str = ""
    q: str = ""
    sort: str = "key"

    @property
    def needs_rows(self) -> bool:
        """Filtering or sorting by health needs every candidate's computed row, not one page of them."""
        return bool(self.health) or self.sort.lstrip("-") == "health"

    def as_query(self) -> dict[str, str]:
        """The non-empty filters, for links that keep them (pagination, calendar)."""
        values = {name: getattr(self, name) for name in FILTER_NAMES}
        if values["sort"] == "key":
            values["sort"] = ""
        return {name: value for name, value in values.items() if value}


FILTER_NAMES = ("phase", "health", "customer", "template", "status", "q", "sort")


def _choice_error(value: str, allowed) -> str:
    return _("%(value)s is not one of: %(allowed)s.") % {"value": value, "allowed": ", ".join(allowed)}


def parse_filters(params) -> tuple[PortfolioFilters, dict[str, list[str]]]:
    """``(filters, errors)`` from query parameters; an invalid parameter is left out of ``filters`` and named in
    ``errors`` (the API answers 400 with them, the page shows them beside the form)."""
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}

    def get(name: str) -> str:
        return (params.get(name) or "").strip()

    phase = get("phase")
    if phase:
        if re.fullmatch(r"[a-z][a-z0-9_]{0,31}", phase):
            values["phase"] = phase
        else:
            errors["phase"] = [_("A phase key is lower-case letters, digits and underscores.")]
    health = get("health")
    if health:
        if health in HEALTH_FILTER_VALUES:
            values["health"] = health
        else:
            errors["health"] = [_choice_error(health, HEALTH_FILTER_VALUES)]
    for name in ("customer", "template"):
        value = get(name)
        if value:
            if _SLUG.fullmatch(value):
                values[name] = value
            else:
                errors[name] = [_("Give the slug (letters, digits, hyphens and underscores).")]
    status = get("status")
    if status:
        if status in Project.Status.values:
            values["status"] = status
        else:
            errors["status"] = [_choice_error(status, Project.Status.values)]
    query = get("q")
    if query:
        if len(query) <= MAX_QUERY_LENGTH:
            values["q"] = query
        else:
            errors["q"] = [_("Search for at most %(n)d characters.") % {"n": MAX_QUERY_LENGTH}]
    sort = get("sort")
    if sort:
        if sort in SORT_VALUES:
            values["sort"] = sort
        else:
            errors["sort"] = [_choice_error(sort, SORT_VALUES)]
    return PortfolioFilters(**values), errors


# Rows a page of the portfolio page shows: the reader picks one of these (``?page_size=``), 50 unless they do.
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 50


def parse_page_size(params) -> tuple[int, dict[str, list[str]]]:
    """``(page_size, errors)`` from the ``page_size`` query parameter: one of ``PAGE_SIZES``; absent or invalid
    gives ``DEFAULT_PAGE_SIZE`` (an invalid value is also named in ``errors``, as the filters are)."""
    raw = (params.get("page_size") or "").strip()
    if not raw:
        return DEFAULT_PAGE_SIZE, {}
    allowed = [str(size) for size in PAGE_SIZES]
    if raw not in allowed:
        return DEFAULT_PAGE_SIZE, {"page_size": [_choice_error(raw, allowed)]}
    return int(raw), {}


def parse_filters_or_400(params) -> PortfolioFilters:
    filters, errors = parse_filters(params)
    if errors:
        raise ValidationError(errors)
    return filters


def int_param(params, name: str, *, default: int, low: int, high: int) -> int:
    """An integer query parameter in ``[low, high]``; anything else is a ``ValidationError`` naming it."""
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ValidationError({name: [_("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]})
    return value


# ---------------------------------------------------------------------------------------------------------------
# The project list


def visible_projects(user) -> QuerySet[Project]:
    """The caller's projects with everything a portfolio row shows joined or prefetched."""
    return selectors.project_list_with_phases(user).select_related("golive", "hypercare_window")


def filtered_projects(user, filters: PortfolioFilters) -> QuerySet[Project]:
    """The visible projects narrowed by every filter SQL can apply (all but health), in the requested order."""
    qs = visible_projects(user)
    if filters.phase:
        qs = qs.filter(current_phase__key=filters.phase)
    if filters.customer:
        qs = qs.filter(customer__slug=filters.customer)
    if filters.template:
        qs = qs.filter(template__key=filters.template)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(
            Q(key__icontains=filters.q) | Q(name__icontains=filters.q) | Q(customer__name__icontains=filters.q)
        )
    if filters.health in SCHEDULE_HEALTH_VALUES and filters.health == "closed":
        qs = qs.filter(status=Project.Status.CLOSED)
    fields = SORTS[filters.sort.lstrip("-")]
    if fields is not None:
        # Projects without a go-live date or a current phase go last in either direction.
        if filters.sort.startswith("-"):
            qs = qs.order_by(*(F(name).desc(nulls_last=True) for name in fields))
        else:
            qs = qs.order_by(*(F(name).asc(nulls_last=True) for name in fields))
    return qs


def _matches_health(row: dict, health: str) -> bool:
    if health in RAG_VALUES:
        return row["rag"] == health
    return row["health"] == health


def matching_health(projects: list[Project], filters: PortfolioFilters, *, now=None) -> list[Project]:
    """``projects`` narrowed by the health filter (which needs their computed health); all without one."""
    if not filters.health or filters.health == "closed":
        return projects
    ranks = health_ranks(Project.objects.filter(pk__in=[p.pk for p in projects]), now=now)
    keep = {row["pk"] for row in ranks if _matches_health(row, filters.health)}
    return [p for p in projects if p.pk in keep]


def sort_rows_by_health(rows: list[dict], *, descending: bool = False) -> list[dict]:
    """Red first, then amber, green and closed; the latest first within a colour, then by key."""
    rows = sorted(rows, key=lambda r: r["key"])
    rows.sort(key=lambda r: (_RAG_RANK[r["rag"]], -r["days_late"]))
    return rows[::-1] if descending else rows


def light_projects(qs: QuerySet[Project]) -> QuerySet[Project]:
    """``qs`` as health needs it: current phase, go-live and window joined; no phases, customer or template."""
    return qs.select_related(None).prefetch_related(None).select_related("current_phase", "golive", "hypercare_window")


def portfolio_candidates(user, filters: PortfolioFilters, *, now: dt.datetime | None = None):
    """What to paginate: the ORM queryset when only SQL filters apply; else the ids of the matching projects in
    order, from their health ranks (``health_ranks``: SQL figures, the full health only where they cannot tell;
    the full rows are computed for the page only, by ``rows_for_page``)."""
    qs = filtered_projects(user, filters)
    if not filters.needs_rows:
        return qs
    rows = health_ranks(qs, now=now)
    if filters.health:
        rows = [row for row in rows if _matches_health(row, filters.health)]
    if filters.sort.lstrip("-") == "health":
        rows = sort_rows_by_health(rows, descending=filters.sort.startswith("-"))
    return [row["pk"] for row in rows]


def rows_for_page(user, page_items, *, now: dt.datetime | None = None) -> list[dict]:
    """Portfolio rows for one page of ``portfolio_candidates``: projects, or the ids of projects in order."""
    items = list(page_items)
    if items and isinstance(items[0], int):
        found = {p.pk: p for p in visible_projects(user).filter(pk__in=items)}
        items = [found[pk] for pk in items if pk in found]
    return portfolio_rows(items, now=now)


# ---------------------------------------------------------------------------------------------------------------
# Batched loads


def related_or_none(obj, name: str):
    """A reverse one-to-one loaded by ``select_related``, or None when the row has none."""
    try:
        return getattr(obj, name)
    except Exception:  # RelatedObjectDoesNotExist of the reverse relation
        return None


def _local_today(project, now: dt.datetime) -> dt.date:
    return now.astimezone(zoneinfo.ZoneInfo(project.timezone)).date()


def breached_q(now: dt.datetime) -> Q:
    """An issue past its response or resolution due time (flagged by the sweep, or due and not yet swept: the
    earliest due time of its running clocks is past)."""
    return Q(response_breached=True) | Q(resolution_breached=True) | Q(next_due_at__lt=now)


def open_q() -> Q:
    from golive.tracker.models import OPEN_STATUSES

    return Q(status__in=sorted(OPEN_STATUSES))


def issue_figures(project_ids, *, now: dt.datetime) -> dict[int, dict]:
    """Per project, in one query: open issues, open P1/P2, open breached and open breached P1/P2."""
    from golive.tracker.models import Issue

    if not project_ids:
        return {}
    is_open, breached, high = open_q(), breached_q(now), Q(severity__in=HIGH_SEVERITIES)
    rows = (
        Issue.objects.filter(project_id__in=project_ids)
        .filter(is_open)
        .values("project_id")
        .annotate(
            open=Count("id"),
            open_high=Count("id", filter=high),
            breached=Count("id", filter=breached),
            breached_high=Count("id", filter=breached & high),
        )
        .order_by()
    )
    return {row.pop("project_id"): row for row in rows}


def _fixed_offset_minutes(zone: str, since: dt.datetime, until: dt.datetime) -> int | None:
    """The zone's UTC offset in minutes when it is the same all through ``[since, until]`` (no daylight saving
    change in between, checked day by day), else None."""
    tz = zoneinfo.ZoneInfo(zone)
    offset = since.astimezone(tz).utcoffset()
    day = since
    while day < until:
        day += dt.timedelta(days=1)
        if min(day, until).astimezone(tz).utcoffset() != offset:
            return None
    return int(offset.total_seconds()) // 60


def _local_date_expression(zone: str, since: dt.datetime | None, until: dt.datetime | None):
    """``reported_at`` as a local date in ``zone``. A zone with one offset over the period (most of them, over a
    hypercare window) shifts by that offset, without a time zone lookup per row: natively on SQLite, where
    ``TruncDate`` with a time zone calls back into Python for every row (``date(x, '+540 minutes')``), and as a
    UTC date of the shifted instant elsewhere (on PostgreSQL half the cost of ``AT TIME ZONE 'Asia/Seoul'``)."""
    minutes = None
    if since is not None and until is not None:
        minutes = _fixed_offset_minutes(zone, since, until)
    if minutes is None:
        return TruncDate("reported_at", tzinfo=zoneinfo.ZoneInfo(zone))
    if connection.vendor == "sqlite":
        return Func(F("reported_at"), Value(f"{minutes:+d} minutes"), function="date", output_field=DateField())
    shifted = ExpressionWrapper(F("reported_at") + Value(dt.timedelta(minutes=minutes)), output_field=DateTimeField())
    return TruncDate(shifted, tzinfo=dt.UTC)


def local_day(timezones, *, since: dt.datetime | None = None, until: dt.datetime | None = None):
    """``reported_at`` as a date in each issue's project time zone: one expression whatever the zones (the issues
    reported between ``since`` and ``until``, when given, let SQLite shift fixed offsets natively)."""
    zones = sorted(set(timezones)) or ["UTC"]
    if len(zones) == 1:
        return _local_date_expression(zones[0], since, until)
    return Case(
        *[When(project__timezone=zone, then=_local_date_expression(zone, since, until)) for zone in zones],
        output_field=DateField(),
    )


@dataclass
class WindowDays:
    """New issues per local day of one project's hypercare window, and the last P1/P2 in it."""

    counts: dict[dt.date, int] = field(default_factory=dict)
    last_high: dt.datetime | None = None


def window_days(projects, *, now: dt.datetime) -> dict[int, WindowDays]:
    """For every project with a hypercare window, one query: arrivals per (project, local date) between the
    go-live and the exit (or now), with the newest P1/P2 of each day."""
    from golive.tracker.models import Issue

    with_window = [p for p in projects if related_or_none(p, "hypercare_window") is not None]
    if not with_window:
        return {}
    rows = (
        Issue.objects.filter(project_id__in=[p.pk for p in with_window])
        .filter(reported_at__gte=F("project__hypercare_window__starts_at"), reported_at__lte=now)
        .filter(
            Q(project__hypercare_window__exited_at__isnull=True)
            | Q(reported_at__lte=F("project__hypercare_window__exited_at"))
        )
        .annotate(
            day=local_day(
                (p.timezone for p in with_window),
                since=min(p.hypercare_window.starts_at for p in with_window),
                until=now,
            )
        )
        .values("project_id", "day")
        # COUNT(*), not of the id: the (project, reported_at, severity) index holds all this query reads.
        .annotate(n=Count("*"), high=Max("reported_at", filter=Q(severity__in=HIGH_SEVERITIES)))
        .order_by()
    )
    found: dict[int, WindowDays] = {p.pk: WindowDays() for p in with_window}
    for row in rows:
        days = found[row["project_id"]]
        days.counts[row["day"]] = row["n"]
        if row["high"] is not None and (days.last_high is None or row["high"] > days.last_high):
            days.last_high = row["high"]
    return found


def daily_series(window, days: WindowDays, tz: zoneinfo.ZoneInfo, now: dt.datetime) -> list[dict]:
    """One ``{date, count}`` per local day from go-live to the exit (or today)."""
    until = window.exited_at if window.exited_at and window.exited_at <= now else now
    first, last = window.starts_at.astimezone(tz).date(), until.astimezone(tz).date()
    series, day = [], first
    while day <= last:
        series.append({"date": day, "count": days.counts.get(day, 0)})
        day += dt.timedelta(days=1)
    return series


def arrival_trend(counts: list[int]) -> str | None:
    """``rising`` when the latest ``TREND_DAYS`` complete days brought more new issues than the days before
    them, ``falling`` when fewer, ``flat`` when as many; None with fewer than two days to compare."""
    span = min(TREND_DAYS, len(counts) // 2)
    if span < 1:
        return None
    recent, before = sum(counts[-span:]), sum(counts[-2 * span : -span])
    if recent > before:
        return "rising"
    if recent < before:
        return "falling"
    return "flat"


def hypercare_state(project, days: WindowDays | None, *, now: dt.datetime) -> dict:
    """The hypercare pulse of one row: status, days since the last P1/P2, trend and the sparkline series."""
    window = related_or_none(project, "hypercare_window")
    empty = {
        "status": "not_started",
        "starts_at": None,
        "planned_end": None,
        "exited_at": None,
        "days_elapsed": 0,
        "days_since_last_p1_p2": None,
        "issues_in_window": 0,
        "trend": None,
        "sparkline": [],
    }
    if window is None or window.starts_at > now:
        return empty
    days = days or WindowDays()
    tz = zoneinfo.ZoneInfo(project.timezone)
    exited = window.exited_at is not None and window.exited_at <= now
    until = window.exited_at if exited else now
    series = daily_series(window, days, tz, now)
    counts = [row["count"] for row in series]
    # Today is not over while the window is open: the trend compares complete days only.
    complete = counts if exited else counts[:-1]
    last_high = days.last_high or window.starts_at
    return {
        "status": "exited" if exited else window.status,
        "starts_at": window.starts_at,
        "planned_end": window.planned_end,
        "exited_at": window.exited_at if exited else None,
        "days_elapsed": max(0, (until - window.starts_at).days),
        "days_since_last_p1_p2": max(0, (until - last_high).days),
        "issues_in_window": sum(counts),
        "trend": arrival_trend(complete),
        "sparkline": series[-SPARKLINE_DAYS:],
    }


def retro_action_figures(projects, *, now: dt.datetime) -> dict[int, dict]:
    """Open and overdue (due before the project's local today) retrospective actions per project: one aggregate
    query, one row per project however many actions."""
    from golive.debrief.selectors import open_actions

    projects = {p.pk: p for p in projects}
    if not projects:
        return {}
    # "Overdue" is before each project's own local today: one condition per distinct local today.
    by_today: dict[dt.date, list[int]] = {}
    for pk, project in projects.items():
        by_today.setdefault(_local_today(project, now), []).append(pk)
    overdue = Q()
    for today, ids in by_today.items():
        overdue |= Q(project_id__in=ids, due_date__lt=today)
    rows = (
        open_actions(list(projects))
        .order_by()
        .values("project_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=overdue))
    )
    return {row["project_id"]: {"open": row["open"], "overdue": row["overdue"]} for row in rows}


# ---------------------------------------------------------------------------------------------------------------
# Health


def _lateness(days: int) -> str | None:
    if days > LATE_DAYS:
        return "red"
    if days > 0:
        return "amber"
    return None


def project_rag(row: dict, *, today: dt.date, issues: dict, hypercare: dict) -> tuple[str | None, list[dict]]:
    """``(rag, reasons)`` of one row; a closed project has no colour. Each reason is ``{code, level, detail}``."""
    if row["status"] == Project.Status.CLOSED:
        return None, []
    reasons: list[dict] = []

    def add(code: str, level: str, detail: str) -> None:
        reasons.append({"code": code, "level": level, "detail": detail})

    level = _lateness(row["days_late"])
    if level:
        add(
            "phase_late",
            level,
            _("%(phase)s is %(days)d day(s) past its planned end.")
            % {"phase": _(row["phase_name"]), "days": row["days_late"]},
        )
    planned = row["planned_go_live"]
    if planned and row["actual_go_live"] is None:
        overdue = (today - planned).days
        level = _lateness(overdue)
        if level:
            add("go_live_overdue", level, _("Go-live is %(days)d day(s) past its planned date.") % {"days": overdue})
    due = row["phase_planned_end"]
    blocking = [code for code in row["gate_failing_codes"] if code not in WAITS_FOR_DATE]
    if blocking and due is not None and (due - today).days <= GATE_DUE_DAYS:
        add(
            "gate_failing",
            "amber",
            _("The %(phase)s gate fails %(n)d criterion(s); the phase is due %(date)s.")
            % {"phase": _(row["phase_name"]), "n": len(blocking), "date": due.isoformat()},
        )
    if issues.get("breached_high"):
        add("sla_breach", "red", _("%(n)d open P1/P2 issue(s) past an SLA due time.") % {"n": issues["breached_high"]})
    elif issues.get("breached"):
        add("sla_breach", "amber", _("%(n)d open issue(s) past an SLA due time.") % {"n": issues["breached"]})
    if hypercare["status"] in ("active", "extended") and hypercare["trend"] == "rising":
        add("hypercare_rising", "amber", _("New hypercare issues per day are rising."))
    if any(r["level"] == "red" for r in reasons):
        return "red", reasons
    if reasons:
        return "amber", reasons
    return "green", reasons


def health_rows(projects, *, now: dt.datetime | None = None) -> list[dict]:
    """``{key, project, status, health, days_late, rag, rag_reasons, ...}`` of many projects (from
    ``light_projects``) without loading their phases or every gate: only the gates of current phases due within
    ``GATE_DUE_DAYS`` are evaluated, the only ones the health rules look at. For filtering and sorting by
    health over a whole portfolio; the page then gets full rows."""
    now = now or timezone.now()
    projects = list(projects)
    due = []
    for project in projects:
        phase = project.current_phase
        if (
            project.status == Project.Status.ACTIVE
            and phase is not None
            and phase.planned_end is not None
            and (phase.planned_end - _local_today(project, now)).days <= GATE_DUE_DAYS
        ):
            phase.project = project
            due.append(phase)
    evaluations = evaluate_gates(due) if due else {}
    ids = [p.pk for p in projects]
    issues = issue_figures(ids, now=now)
    days = window_days(projects, now=now)
    rows = []
    for project in projects:
        health, days_late = selectors.project_health(project, [])
        phase = project.current_phase
        evaluation = evaluations.get(phase.pk) if phase is not None else None
        golive = related_or_none(project, "golive")
        row = {
            "key": project.key,
            "project": project,
            "status": project.status,
            "health": health,
            "days_late": days_late,
            "phase_name": phase.name if phase else None,
            "phase_planned_end": phase.planned_end if phase else None,
            "planned_go_live": project.planned_go_live,
            "actual_go_live": golive.at if golive else None,
            "gate_failing_codes": [c["code"] for c in evaluation.failing] if evaluation else [],
        }
        state = hypercare_state(project, days.get(project.pk), now=now)
        row["rag"], row["rag_reasons"] = project_rag(
            row, today=_local_today(project, now), issues=issues.get(project.pk, {}), hypercare=state
        )
        rows.append(row)
    return rows


def health_ranks(qs: QuerySet[Project], *, now: dt.datetime | None = None) -> list[dict]:
    """``{pk, key, status, health, days_late, rag}`` of every project of ``qs``, in its order, for filtering and
    sorting by health: the same values as ``health_rows`` at a fraction of the cost.

    One query of plain values (the current phase's planned end, the go-live, the window, and whether an open
    issue is past an SLA due time, with and without P1/P2) decides the schedule health and every red, and every
    amber but two: a failing gate and rising hypercare arrivals only add amber. So only the projects still green
    whose phase is due within ``GATE_DUE_DAYS`` or whose hypercare window is open get the full ``health_rows``
    (their gates, issues and arrivals); the others never load a gate or an issue."""
    from golive.tracker.models import Issue

    now = now or timezone.now()
    real_now = timezone.now()  # the schedule health counts days from now, like ``selectors.project_health``
    open_breached = Issue.objects.filter(project=OuterRef("pk")).filter(open_q(), breached_q(now))
    values = (
        qs.prefetch_related(None)
        .select_related(None)
        .annotate(
            any_breached=Exists(open_breached),
            high_breached=Exists(open_breached.filter(severity__in=HIGH_SEVERITIES)),
        )
        .values(
            "pk",
            "key",
            "status",
            "timezone",
            "planned_go_live",
            "current_phase_id",
            "current_phase__planned_end",
            "golive__at",
            "hypercare_window__starts_at",
            "hypercare_window__exited_at",
            "hypercare_window__status",
            "any_breached",
            "high_breached",
        )
    )
    zones: dict[str, zoneinfo.ZoneInfo] = {}
    rows, uncertain = [], []
    for v in values:
        tz = zones.setdefault(v["timezone"], zoneinfo.ZoneInfo(v["timezone"]))
        row = {"pk": v["pk"], "key": v["key"], "status": v["status"], "health": "on_track", "days_late": 0, "rag": None}
        rows.append(row)
        if v["status"] == Project.Status.CLOSED:
            row["health"] = "closed"
            continue
        today = now.astimezone(tz).date()
        planned_end = v["current_phase__planned_end"]
        if v["current_phase_id"] is not None and planned_end is not None:
            late = (real_now.astimezone(tz).date() - planned_end).days
            if late > 0:
                row["health"], row["days_late"] = ("late" if late > LATE_DAYS else "at_risk"), late
        levels = {_lateness(row["days_late"])}
        if v["planned_go_live"] and v["golive__at"] is None:
            levels.add(_lateness((today - v["planned_go_live"]).days))
        if v["high_breached"]:
            levels.add("red")
        elif v["any_breached"]:
            levels.add("amber")
        if "red" in levels:
            row["rag"] = "red"
        elif "amber" in levels:
            row["rag"] = "amber"
        else:
            row["rag"] = "green"
            gate_may_fail = (
                v["status"] == Project.Status.ACTIVE
                and v["current_phase_id"] is not None
                and planned_end is not None
                and (planned_end - today).days <= GATE_DUE_DAYS
            )
            starts, exited = v["hypercare_window__starts_at"], v["hypercare_window__exited_at"]
            window_open = (
                starts is not None
                and starts <= now
                and not (exited is not None and exited <= now)
                and v["hypercare_window__status"] in ("active", "extended")
            )
            if gate_may_fail or window_open:
                uncertain.append(row)
    if uncertain:
        found = light_projects(Project.objects.filter(pk__in=[row["pk"] for row in uncertain]))
        full = {r["project"].pk: r["rag"] for r in health_rows(found, now=now)}
        for row in uncertain:
            row["rag"] = full[row["pk"]]
    return rows


# ---------------------------------------------------------------------------------------------------------------
# Rows


def portfolio_rows(projects, *, now: dt.datetime | None = None) -> list[dict]:
    """Rows of ``selectors.portfolio_rows`` (same fields) plus health, go-live, SLA, hypercare and retro actions.

    ``projects`` come from ``visible_projects`` (phases prefetched, go-live and window joined). A fixed number of
    queries: the gates' batch loads, one for open issues, one for the hypercare days, one for retro actions.
    """
    now = now or timezone.now()
    projects = list(projects)
    rows = selectors.portfolio_rows(projects)
    ids = [p.pk for p in projects]
    issues = issue_figures(ids, now=now)
    days = window_days(projects, now=now)
    actions = retro_action_figures(projects, now=now)
    for row in rows:
        project = row["project"]
        today = _local_today(project, now)
        golive = related_or_none(project, "golive")
        row["actual_go_live"] = golive.at if golive else None
        row["go_live_variance_days"] = (
            (golive.at.astimezone(zoneinfo.ZoneInfo(project.timezone)).date() - project.planned_go_live).days
            if golive and project.planned_go_live
            else None
        )
        figures = issues.get(project.pk, {})
        row["open_issues"] = figures.get("open", 0)
        row["sla_breaches"] = figures.get("breached", 0)
        row["sla_breaches_p1_p2"] = figures.get("breached_high", 0)
        row["hypercare_state"] = hypercare_state(project, days.get(project.pk), now=now)
        row["retro_actions"] = actions.get(project.pk, {"open": 0, "overdue": 0})
        row["rag"], row["rag_reasons"] = project_rag(row, today=today, issues=figures, hypercare=row["hypercare_state"])
        row["customer_slug"] = project.customer.slug
        row["template"] = project.template.key
    return rows


# ---------------------------------------------------------------------------------------------------------------
# Calendar of go-lives


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def golive_calendar(
    user,
    filters: PortfolioFilters,
    *,
    weeks: int = CALENDAR_WEEKS,
    today: dt.date | None = None,
    matching_pks: set[int] | None = None,
) -> dict:
    """Go-lives of the visible (and filtered) projects by ISO week, from this week for ``weeks`` weeks: planned
    ones not yet recorded, and those recorded in the period; plus the overdue ones (planned date before today,
    no go-live recorded) of active projects.

    One query of plain values; a health filter adds the health of the projects found (a fixed number more),
    unless the caller passes the ids that match it (``matching_pks``)."""
    # "This week" and "overdue" as the caller's calendar shows them, in their time zone.
    today = today or timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(user.timezone)).date()
    first = week_start(today)
    last = first + dt.timedelta(days=7 * weeks - 1)
    qs = filtered_projects(user, filters)
    planned = Q(golive__isnull=True, planned_go_live__lte=last) & (
        Q(planned_go_live__gte=first) | Q(status=Project.Status.ACTIVE)
    )
    start_at = dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(days=1)
    end_at = dt.datetime.combine(last, dt.time.max, tzinfo=dt.UTC) + dt.timedelta(days=1)
    actual = Q(golive__at__gte=start_at, golive__at__lte=end_at)
    candidates = list(
        qs.filter(planned | actual)
        .prefetch_related(None)
        .values(
            "pk",
            "key",
            "name",
            "status",
            "timezone",
            "planned_go_live",
            "customer__name",
            "current_phase__key",
            "current_phase__name",
            "golive__at",
        )
    )
    if filters.health and filters.health != "closed":
        if matching_pks is None:
            found = Project.objects.filter(pk__in=[c["pk"] for c in candidates])
            matching_pks = {row["pk"] for row in health_ranks(found) if _matches_health(row, filters.health)}
        candidates = [c for c in candidates if c["pk"] in matching_pks]
    buckets = []
    for n in range(weeks):
        start = first + dt.timedelta(days=7 * n)
        iso = start.isocalendar()
        buckets.append(
            {"week": f"{iso.year}-W{iso.week:02d}", "start": start, "end": start + dt.timedelta(days=6), "go_lives": []}
        )
    overdue = []
    for project in candidates:
        live_at = project["golive__at"]
        entry = {
            "key": project["key"],
            "name": project["name"],
            "customer": project["customer__name"],
            "planned": project["planned_go_live"],
            "actual": live_at,
            "phase": project["current_phase__key"],
            "phase_name": project["current_phase__name"],
        }
        day = live_at.astimezone(zoneinfo.ZoneInfo(project["timezone"])).date() if live_at else entry["planned"]
        if day is None or day > last:
            continue
        if live_at is None and day < today:
            if project["status"] == Project.Status.ACTIVE:
                overdue.append({**entry, "days_overdue": (today - day).days})
            continue
        if day < first:
            continue
        buckets[(day - first).days // 7]["go_lives"].append({**entry, "date": day})
    for bucket in buckets:
        bucket["go_lives"].sort(key=lambda e: (e["date"], e["key"]))
    overdue.sort(key=lambda e: (-e["days_overdue"], e["key"]))
    return {"today": today, "from": first, "to": last, "weeks": buckets, "overdue": overdue}


# The page's calendar shows this many go-lives a week and this many overdue ones; the rest are counted ("and 12
# more"), so the page does not grow with the portfolio (the calendar API lists them all).
CALENDAR_SHOWN_PER_WEEK = 5
CALENDAR_SHOWN_OVERDUE = 10


def calendar_shown(
    calendar: dict, *, per_week: int = CALENDAR_SHOWN_PER_WEEK, overdue: int = CALENDAR_SHOWN_OVERDUE
) -> dict:
    """``calendar`` (from ``golive_calendar``) as the page shows it: the first ``per_week`` go-lives of each week
    and the ``overdue`` most overdue, with ``more`` (weeks) and ``overdue_more`` counting the ones left out."""
    weeks = [
        {**week, "go_lives": week["go_lives"][:per_week], "more": max(0, len(week["go_lives"]) - per_week)}
        for week in calendar["weeks"]
    ]
    return {
        **calendar,
        "weeks": weeks,
        "overdue": calendar["overdue"][:overdue],
        "overdue_more": max(0, len(calendar["overdue"]) - overdue),
    }


# ---------------------------------------------------------------------------------------------------------------
# Inline SVG sparkline


def sparkline_points(counts: list[int], *, width: int = 84, height: int = 20, pad: int = 2) -> str:
    """The ``points`` of an SVG polyline drawing ``counts`` left to right in a ``width`` x ``height`` box."""
    if not counts:
        return ""
    top = max(max(counts), 1)
    step = (width - 2 * pad) / max(len(counts) - 1, 1)
    return " ".join(
        f"{pad + i * step:.1f},{height - pad - (height - 2 * pad) * value / top:.1f}" for i, value in enumerate(counts)
    )


def filter_choices(user) -> dict:
    """Choices for the page's filter form, from the visible projects (two small queries)."""
    from golive.accounts.models import Organization

    visible = selectors.project_list_for_user(user)
    customers = Organization.objects.filter(pk__in=visible.values("customer_id")).order_by("name")
    phases: dict[str, str] = {}
    rows = (
        visible.filter(current_phase__isnull=False)
        .order_by()
        .values_list("current_phase__key", "current_phase__name")
        .distinct()
    )
    for key, name in rows:
        phases.setdefault(key, name)
    return {
        "customers": [(c.slug, c.name) for c in customers],
        "phases": sorted(phases.items()),
    }
