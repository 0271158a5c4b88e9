"""The weekly status report: where the project stands, what moved, what blocks it, what was decided, issues
opened and closed, what comes next. Built from the project's own data, as JSON or Markdown ready to paste
into an e-mail."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from golive.audit.models import AuditEvent
from golive.engagement import selectors
from golive.lifecycle.gates import evaluate_gate
from golive.lifecycle.models import Phase, PhaseStatus
from golive.tracker.models import Issue

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
MILESTONE_HORIZON_DAYS = 28


def parse_week(value: str | None, *, tz: zoneinfo.ZoneInfo) -> tuple[str, dt.date]:
    """``YYYY-Www`` (ISO week) -> (label, Monday). Default: the current week in the project's timezone."""
    if not value:
        today = timezone.localtime(timezone.now(), tz).date()
        year, week, _weekday = today.isocalendar()
        return f"{year}-W{week:02d}", dt.date.fromisocalendar(year, week, 1)
    match = WEEK_RE.match(value)
    if not match:
        raise ValueError(_("Use an ISO week like 2026-W48."))
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(_("%(week)s is not a week of %(year)d.") % {"week": value, "year": year}) from None
    return value, monday


def status_report(*, project, week: str | None = None) -> dict:
    """The report of one ISO week (Monday 00:00 to the next Monday, project timezone)."""
    tz = zoneinfo.ZoneInfo(project.timezone)
    label, monday = parse_week(week, tz=tz)
    start = dt.datetime.combine(monday, dt.time(), tzinfo=tz)
    end = start + dt.timedelta(days=7)
    now = timezone.now()
    as_of = min(end, now)
    phases = list(Phase.objects.filter(project=project).order_by("order"))
    current = next((p for p in phases if p.pk == project.current_phase_id), None)

    blockers = []
    if current is not None:
        current.project = project
        blockers = evaluate_gate(current, as_of=as_of).failing

    moved = []
    for event in AuditEvent.objects.filter(project=project, action="project.updated", at__gte=start, at__lt=end):
        if "planned_go_live" in event.changes:
            old, new = event.changes["planned_go_live"]
            moved.append(
                {"what": "planned_go_live", "from": old, "to": new, "at": event.at.isoformat(), "by": event.actor_name}
            )
    late = []
    local_end = (end - dt.timedelta(seconds=1)).date()
    for phase in phases:
        if phase.status == PhaseStatus.ACTIVE and phase.planned_end and phase.planned_end < local_end:
            late.append(
                {
                    "phase": phase.key,
                    "planned_end": phase.planned_end.isoformat(),
                    "days_late": (local_end - phase.planned_end).days,
                }
            )
        if (
            phase.status == PhaseStatus.DONE
            and phase.actual_end
            and phase.planned_end
            and start <= phase.actual_end < end
        ):
            slip = (timezone.localtime(phase.actual_end, tz).date() - phase.planned_end).days
            if slip:
                late.append({"phase": phase.key, "planned_end": phase.planned_end.isoformat(), "days_late": slip})

    leads = selectors.key_stakeholders(project=project)
    decisions = []
    for decision in selectors.decision_list(project=project).filter(decided_at__gte=start, decided_at__lt=end):
        decisions.append(
            {
                "title": decision.title,
                "decision": decision.decision,
                "decided_at": decision.decided_at.isoformat(),
                "stakeholders_present": [u.username for u in decision.stakeholders_present.all()],
                "missing_roles": selectors.missing_roles(decision, leads),
            }
        )

    issues = Issue.objects.filter(project=project)
    opened = dict(
        issues.filter(reported_at__gte=start, reported_at__lt=end)
        .values_list("severity")
        .annotate(n=Count("id"))
        .values_list("severity", "n")
    )
    closed = dict(
        issues.filter(resolved_at__gte=start, resolved_at__lt=end)
        .values_list("severity")
        .annotate(n=Count("id"))
        .values_list("severity", "n")
    )
    open_now = dict(
        issues.filter(status__in=("new", "triaged", "in_progress", "waiting_on_customer"))
        .values_list("severity")
        .annotate(n=Count("id"))
        .values_list("severity", "n")
    )

    horizon = local_end + dt.timedelta(days=MILESTONE_HORIZON_DAYS)
    milestones = [
        {"phase": p.key, "name": p.name, "planned_start": p.planned_start.isoformat()}
        for p in phases
        if p.status == PhaseStatus.NOT_STARTED and p.planned_start and local_end < p.planned_start <= horizon
    ]
    if project.planned_go_live and local_end < project.planned_go_live:
        milestones.append(
            {"phase": "go_live", "name": _("Planned go-live"), "planned_start": project.planned_go_live.isoformat()}
        )

    return {
        "project": {"key": project.key, "name": project.name, "customer": project.customer.name},
        "week": label,
        "from": monday.isoformat(),
        "to": (monday + dt.timedelta(days=6)).isoformat(),
        "phase": {
            "key": current.key if current else None,
            "name": current.name if current else None,
            "planned_end": current.planned_end.isoformat() if current and current.planned_end else None,
        },
        "status": project.status,
        "progress": selectors.build_progress(project=project),
        "dates_moved": moved,
        "late_phases": late,
        "blockers": [{"code": c["code"], "label": c["label"], "detail": c["detail"]} for c in blockers],
        "decisions": decisions,
        "issues": {
            "opened": sum(opened.values()),
            "closed": sum(closed.values()),
            "opened_by_severity": opened,
            "closed_by_severity": closed,
            "open_by_severity": open_now,
        },
        "next_milestones": milestones,
    }


def status_report_markdown(report: dict) -> str:
    """The report as Markdown, ready to paste into an e-mail."""
    lines = [
        f"# {report['project']['name']} ({report['project']['key']}): "
        + _("weekly status %(week)s") % {"week": report["week"]},
        "",
        f"{report['from']} - {report['to']} · {report['project']['customer']}",
        "",
    ]
    phase = report["phase"]
    progress = report["progress"]
    lines += [
        f"## {_('Where we are')}",
        "",
        f"- {_('Phase')}: {phase['name'] or _('closed')}"
        + (f" ({_('planned end')} {phase['planned_end']})" if phase["planned_end"] else ""),
        f"- {_('Build progress')}: {progress['percent_built']}% "
        f"({progress['built']}/{progress['in_scope']} {_('requirements built')})",
        "",
    ]
    lines += [f"## {_('Dates moved')}", ""]
    if report["dates_moved"] or report["late_phases"]:
        lines += [f"- {_('Planned go-live')}: {m['from']} -> {m['to']} ({m['by']})" for m in report["dates_moved"]]
        lines += [
            f"- {m['phase']}: {_('%(days)d day(s) late') % {'days': m['days_late']}} "
            f"({_('planned end')} {m['planned_end']})"
            for m in report["late_phases"]
        ]
    else:
        lines.append(f"- {_('None.')}")
    lines += ["", f"## {_('Blockers')}", ""]
    lines += [f"- {b['label']}: {b['detail']}" for b in report["blockers"]] or [f"- {_('None.')}"]
    lines += ["", f"## {_('Decisions')}", ""]
    for d in report["decisions"]:
        flag = f" **{_('Without')}: {', '.join(d['missing_roles'])}**" if d["missing_roles"] else ""
        lines.append(f"- {d['decided_at'][:10]} {d['title']}: {d['decision']}{flag}")
    if not report["decisions"]:
        lines.append(f"- {_('None.')}")
    issues = report["issues"]
    lines += [
        "",
        f"## {_('Issues')}",
        "",
        f"- {_('Opened')}: {issues['opened']}  ·  {_('Resolved')}: {issues['closed']}",
        f"- {_('Open now')}: " + (", ".join(f"{k} {v}" for k, v in sorted(issues["open_by_severity"].items())) or "0"),
        "",
    ]
    lines += [f"## {_('Next milestones')}", ""]
    lines += [f"- {m['planned_start']} {m['name']}" for m in report["next_milestones"]] or [f"- {_('None.')}"]
    return "\n".join(lines) + "\n"
