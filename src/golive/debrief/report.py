"""The project report's data: one JSON-ready dict built from the project's own records.

Every figure comes through the owning app's selectors (lifecycle phases, engagement registers, the UAT
summary, training coverage, the cutover board, test evidence and go/no-go status, the hypercare status and
the issue desk) and is aggregated in the database, so the number of queries is fixed whatever the number of
issues, scenarios or runs. The renderers (``golive.debrief.render``) turn this dict into Markdown, HTML and
PDF; a published report is this dict frozen (``PublishedReport.data``), so it renders the same way later.

Keys are stable English identifiers; stored labels (phase names) are kept as stored and translated when
rendered, in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.http import Http404
from django.utils import timezone

from golive.tracker.models import OPEN_STATUSES

SCHEMA_VERSION = 1
SEVERITIES = ("P1", "P2", "P3", "P4")
# Days in a row without a new issue that count as silence (DOMAIN.md: "few or no tickets").
SILENCE_RUN_DAYS = 3
MAX_LISTED_SESSIONS = 100
MAX_LISTED_STEPS = 200
MAX_LISTED_TEST_REPORTS = 10
MAX_LISTED_BREACHES = 20


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _local_date(value: dt.datetime | None, zone) -> dt.date | None:
    return value.astimezone(zone).date() if value is not None else None


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _minutes(value: dt.timedelta | None) -> float | None:
    return round(value.total_seconds() / 60, 1) if value is not None else None


def _counts(rows, keys) -> dict[str, int]:
    found = dict.fromkeys(keys, 0)
    for key, n in rows:
        found[key if key is not None else "none"] = found.get(key if key is not None else "none", 0) + n
    return found


# ---------------------------------------------------------------------------------------------------------------
# Sections


def _project_section(project, zone, golive) -> dict:
    from golive.accounts.selectors import membership_list

    members = _counts(
        membership_list(project=project).order_by().values("role").annotate(n=Count("pk")).values_list("role", "n"),
        [],
    )
    actual_go_live = _local_date(golive.at, zone) if golive is not None else None
    slip = (actual_go_live - project.planned_go_live).days if actual_go_live and project.planned_go_live else None
    current = project.current_phase
    return {
        "key": project.key,
        "name": project.name,
        "customer": project.customer.name,
        "template": project.template.name,
        "status": project.status,
        "current_phase": current.key if current else None,
        "current_phase_name": current.name if current else None,
        "timezone": project.timezone,
        "planned_go_live": _iso(project.planned_go_live),
        "actual_go_live": _iso(actual_go_live),
        "go_live_slippage_days": slip,
        "hypercare_days": project.hypercare_days,
        "members": members,
    }


def _phase_section(project, zone, today: dt.date) -> list[dict]:
    from golive.lifecycle.selectors import phase_list

    rows = []
    for phase in phase_list(project=project):
        start = _local_date(phase.actual_start, zone)
        end = _local_date(phase.actual_end, zone)
        start_slip = (start - phase.planned_start).days if start and phase.planned_start else None
        if end and phase.planned_end:
            end_slip = (end - phase.planned_end).days
        elif phase.status == "active" and phase.planned_end and today > phase.planned_end:
            end_slip = (today - phase.planned_end).days  # running late, still open
        else:
            end_slip = None
        planned_days = (
            (phase.planned_end - phase.planned_start).days + 1 if phase.planned_start and phase.planned_end else None
        )
        actual_days = ((end or today) - start).days + 1 if start and phase.status in ("active", "done") else None
        rows.append(
            {
                "key": phase.key,
                "name": phase.name,
                "status": phase.status,
                "planned_start": _iso(phase.planned_start),
                "planned_end": _iso(phase.planned_end),
                "actual_start": _iso(start),
                "actual_end": _iso(end),
                "planned_days": planned_days,
                "actual_days": actual_days,
                "start_slippage_days": start_slip,
                "slippage_days": end_slip,
            }
        )
    return rows


def _engagement_section(project) -> dict:
    from golive.engagement import selectors
    from golive.engagement.models import FeedbackSize, FeedbackStatus, MeetingKind, Priority, RequirementSource, Scope

    requirements = selectors.requirement_list(project=project).order_by()
    by = {"scope": {}, "priority": {}, "source": {}}
    change_requests = {"total": 0, **dict.fromkeys(Scope.values, 0)}
    total = 0
    for scope, priority, source, change_request, n in (
        requirements.values("scope", "priority", "source", "change_request")
        .annotate(n=Count("pk"))
        .values_list("scope", "priority", "source", "change_request", "n")
    ):
        total += n
        for name, value in (("scope", scope), ("priority", priority), ("source", source)):
            by[name][value] = by[name].get(value, 0) + n
        if change_request:
            change_requests["total"] += n
            change_requests[scope] += n
    feedback = {size: {"total": 0, **dict.fromkeys(FeedbackStatus.values, 0)} for size in FeedbackSize.values}
    for size, status, n in (
        selectors.feedback_list(project=project)
        .order_by()
        .values("size", "status")
        .annotate(n=Count("pk"))
        .values_list("size", "status", "n")
    ):
        feedback[size][status] += n
        feedback[size]["total"] += n
    decisions = (
        selectors.decision_list(project=project)
        .order_by()
        .aggregate(total=Count("pk", distinct=True), excluded=Count("pk", filter=Q(excluded_scope=True), distinct=True))
    )
    meetings = _counts(
        selectors.meeting_list(project=project)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk", distinct=True))
        .values_list("kind", "n"),
        MeetingKind.values,
    )
    return {
        "requirements": {
            "total": total,
            "by_scope": {key: by["scope"].get(key, 0) for key in Scope.values},
            "by_priority": {key: by["priority"].get(key, 0) for key in Priority.values},
            "by_source": {key: by["source"].get(key, 0) for key in RequirementSource.values},
            "change_requests": change_requests,
        },
        "feedback": {
            "total": sum(row["total"] for row in feedback.values()),
            "small": feedback[FeedbackSize.SMALL],
            "large": feedback[FeedbackSize.LARGE],
        },
        "decisions": decisions,
        "meetings": meetings,
    }


def _uat_section(project) -> dict:
    from golive.tracker.models import IssueKind
    from golive.tracker.selectors import issue_list
    from golive.uat.selectors import uat_summary

    summary = uat_summary(project=project)
    defects = {severity: {"total": 0, "open": 0} for severity in SEVERITIES}
    for severity, total, still_open in (
        issue_list(project=project, filters={"kind": IssueKind.DEFECT})
        .order_by()
        .values("severity")
        .annotate(total=Count("pk"), still_open=Count("pk", filter=Q(status__in=OPEN_STATUSES)))
        .values_list("severity", "total", "still_open")
    ):
        defects[severity] = {"total": total, "open": still_open}
    return {
        "cycle": summary["cycle"],
        "scenarios": summary["scenarios"],
        "by_status": summary["by_status"],
        "by_priority": summary["by_priority"],
        "pass_rate": summary["pass_rate"],
        "cycles": [
            {key: row[key] for key in ("number", "name", "passed", "failed", "blocked", "not_run", "pass_rate")}
            for row in summary["cycles"]
        ],
        "defects_by_severity": defects,
        "open_defects": summary["open_defects"],
    }


def _training_section(project, now) -> dict:
    from golive.training.selectors import coverage_for_projects, session_list

    coverage = coverage_for_projects([project.pk], as_of=now)[project.pk]
    sessions = [
        {
            "title": s.title,
            "kind": s.kind,
            "starts_at": _iso(s.starts_at),
            "mode": s.mode,
            "invited": s.invited_count,
            "attended": s.attended_count,
            "absent": s.absent_count,
        }
        for s in session_list(project=project)[:MAX_LISTED_SESSIONS]
    ]
    figures = coverage.as_dict()
    figures.pop("as_of")
    return {"coverage": figures, "sessions": sessions}


def _cutover_section(project, now) -> tuple[dict, object]:
    """The cutover section, and the go-live record (``GoLive`` or None) the project section needs too."""
    from golive.cutover.models import GoLive
    from golive.cutover.selectors import go_no_go_status, runbook_board, test_report_list

    board = runbook_board(project=project, now=now)
    planned = actual = 0
    steps = []
    for row in board.steps:
        step = row.step
        minutes = row.actual_minutes
        if not step.rollback:
            planned += step.planned_minutes
            actual += minutes or 0
        if len(steps) < MAX_LISTED_STEPS:
            steps.append(
                {
                    "ref": step.ref,
                    "title": step.title,
                    "status": step.status,
                    "rollback": step.rollback,
                    "owner": step.owner.username if step.owner_id else None,
                    "planned_start": _iso(row.planned_start),
                    "planned_minutes": step.planned_minutes,
                    "started_at": _iso(step.started_at),
                    "finished_at": _iso(step.finished_at),
                    "actual_minutes": minutes,
                    "delta_minutes": minutes - step.planned_minutes if minutes is not None else None,
                }
            )
    reports = [
        {
            "title": r.title,
            "kind": r.kind,
            "environment": r.environment,
            "tests": r.tests,
            "passed": r.passed,
            "failures": r.failures,
            "errors": r.errors,
            "skipped": r.skipped,
            "ok": r.failures == 0 and r.errors == 0,
            "uploaded_at": _iso(r.uploaded_at),
        }
        for r in test_report_list(project=project)[:MAX_LISTED_TEST_REPORTS]
    ]
    try:
        status = go_no_go_status(project=project)
    except Http404:  # a lifecycle without a deployment phase has no go/no-go
        status = None
    golive = GoLive.objects.select_related("recorded_by").filter(project=project).first()
    decision = None
    if status is not None and status.decision is not None:
        d = status.decision
        votes = d.votes_snapshot or []
        decision = {
            "decision": d.decision,
            "by": d.decided_by.username,
            "at": _iso(d.decided_at),
            "comment": d.comment,
            "votes": {choice: sum(1 for v in votes if v.get("vote") == choice) for choice in ("go", "no_go")},
        }
    section = {
        "runbook": {
            "target_at": _iso(board.target_at),
            "steps_total": board.total,
            "counts": board.counts,
            "percent_done": board.percent_done,
            "planned_minutes": planned,
            "actual_minutes": actual,
            "steps": steps,
        },
        "test_reports": reports,
        "go_no_go": {
            "decision": decision,
            "decisions": len(status.decisions) if status is not None else 0,
        },
        "go_live": (
            {
                "at": _iso(golive.at),
                "recorded_by": golive.recorded_by.username,
                "override": bool(golive.override_reason),
            }
            if golive is not None
            else None
        ),
    }
    return section, golive


def _days_to_silence(daily: list[dict]) -> int | None:
    """Days from the window's first day to the first of ``SILENCE_RUN_DAYS`` days in a row without a new issue;
    None when no such run has been observed yet."""
    run = 0
    for index, row in enumerate(daily):
        run = run + 1 if row["count"] == 0 else 0
        if run == SILENCE_RUN_DAYS:
            return index - SILENCE_RUN_DAYS + 1
    return None


def _hypercare_section(project, now) -> dict:
    from golive.hypercare.selectors import hypercare_status
    from golive.tracker.models import Category
    from golive.tracker.selectors import issue_list

    status = hypercare_status(project=project, as_of=now)
    issues = issue_list(project=project).order_by()
    overall = issues.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        **{f"kind_{kind}": Count("pk", filter=Q(kind=kind)) for kind in ("defect", "incident", "question")},
        change_request=Count("pk", filter=Q(kind="change_request")),
    )
    section = {
        "status": status["status"],
        "starts_at": _iso(status["starts_at"]),
        "planned_end": _iso(status["planned_end"]),
        "exited_at": _iso(status["exited_at"]),
        "days_elapsed": status["days_elapsed"],
        "days_since_last_issue": status["days_since_last_issue"],
        "days_since_last_p1_p2": status["days_since_last_p1_p2"],
        "open_by_severity": status["open_by_severity"],
        "daily_new": [{"date": _iso(row["date"]), "count": row["count"]} for row in status["daily_new"]],
        "projected_silence_date": _iso(status["projected_silence_date"]),
        "days_to_silence": _days_to_silence(status["daily_new"]),
        "issues_in_window": status["issues_in_window"],
        "extensions": [{"days": e["days"], "reason": e["reason"]} for e in status["extensions"]],
        "exit": {
            "passed": status["exit"]["passed"],
            "criteria": [
                {"code": c["code"], "label": str(c["label"]), "passed": c["passed"]} for c in status["exit"]["criteria"]
            ],
        },
        "all_issues": {
            "total": overall["total"],
            "open": overall["open"],
            "by_kind": {
                "defect": overall["kind_defect"],
                "incident": overall["kind_incident"],
                "question": overall["kind_question"],
                "change_request": overall["change_request"],
            },
        },
    }
    empty_sla = {
        s: {
            "issues": 0,
            "response_targets": 0,
            "response_breached": 0,
            "response_compliance": None,
            "resolution_targets": 0,
            "resolution_breached": 0,
            "resolution_compliance": None,
            "mean_first_response_minutes": None,
            "mean_resolve_minutes": None,
        }
        for s in SEVERITIES
    }
    section.update(
        {
            "by_severity": dict.fromkeys(SEVERITIES, 0),
            "by_category": dict.fromkeys([*Category.values, "none"], 0),
            "training_gaps": 0,
            "bugs": 0,
            "sla": empty_sla,
            "mean_first_response_minutes": None,
            "mean_resolve_minutes": None,
            "breaches": {"response": 0, "resolution": 0, "issues": 0, "list": []},
        }
    )
    if status["starts_at"] is None:
        return section
    until = status["exited_at"] or now
    window = issues.filter(reported_at__gte=status["starts_at"], reported_at__lte=until)
    response_time = ExpressionWrapper(F("first_response_at") - F("reported_at"), output_field=DurationField())
    resolve_time = ExpressionWrapper(F("resolved_at") - F("reported_at"), output_field=DurationField())
    response_breach = Q(response_breached=True) | Q(
        first_response_at__isnull=True, response_due_at__lt=now, status__in=OPEN_STATUSES
    )
    resolution_breach = Q(resolution_breached=True) | Q(
        resolved_at__isnull=True, resolution_due_at__lt=now, status__in=OPEN_STATUSES
    )
    rows = list(
        window.values("severity", "category")
        .annotate(
            n=Count("pk"),
            response_targets=Count("pk", filter=Q(response_due_at__isnull=False)),
            response_breaches=Count("pk", filter=response_breach),
            resolution_targets=Count("pk", filter=Q(resolution_due_at__isnull=False)),
            resolution_breaches=Count("pk", filter=resolution_breach),
            breached=Count("pk", filter=response_breach | resolution_breach),
            responded=Count("pk", filter=Q(first_response_at__isnull=False)),
            resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
            response_sum=Sum(response_time, filter=Q(first_response_at__isnull=False)),
            resolve_sum=Sum(resolve_time, filter=Q(resolved_at__isnull=False)),
        )
        .order_by()
    )
    sla = {s: dict(v) for s, v in empty_sla.items()}
    sums = {s: {"responded": 0, "resolved": 0, "response": dt.timedelta(), "resolve": dt.timedelta()} for s in sla}
    for row in rows:
        severity, category = row["severity"], row["category"] or "none"
        section["by_severity"][severity] += row["n"]
        section["by_category"][category] = section["by_category"].get(category, 0) + row["n"]
        target = sla[severity]
        target["issues"] += row["n"]
        target["response_targets"] += row["response_targets"]
        target["response_breached"] += row["response_breaches"]
        target["resolution_targets"] += row["resolution_targets"]
        target["resolution_breached"] += row["resolution_breaches"]
        total = sums[severity]
        total["responded"] += row["responded"]
        total["resolved"] += row["resolved"]
        total["response"] += row["response_sum"] or dt.timedelta()
        total["resolve"] += row["resolve_sum"] or dt.timedelta()
    for severity, target in sla.items():
        met = target["response_targets"] - target["response_breached"]
        target["response_compliance"] = _percent(met, target["response_targets"])
        met = target["resolution_targets"] - target["resolution_breached"]
        target["resolution_compliance"] = _percent(met, target["resolution_targets"])
        total = sums[severity]
        if total["responded"]:
            target["mean_first_response_minutes"] = _minutes(total["response"] / total["responded"])
        if total["resolved"]:
            target["mean_resolve_minutes"] = _minutes(total["resolve"] / total["resolved"])
    responded = sum(t["responded"] for t in sums.values())
    resolved = sum(t["resolved"] for t in sums.values())
    if responded:
        section["mean_first_response_minutes"] = _minutes(
            sum((t["response"] for t in sums.values()), dt.timedelta()) / responded
        )
    if resolved:
        section["mean_resolve_minutes"] = _minutes(
            sum((t["resolve"] for t in sums.values()), dt.timedelta()) / resolved
        )
    section["sla"] = sla
    section["training_gaps"] = section["by_category"].get(Category.TRAINING_GAP, 0)
    section["bugs"] = section["by_category"].get(Category.BUG, 0)
    breached = window.filter(response_breach | resolution_breach)
    section["breaches"] = {
        "response": sum(t["response_breached"] for t in sla.values()),
        "resolution": sum(t["resolution_breached"] for t in sla.values()),
        "issues": sum(row["breached"] for row in rows),
        "list": [
            {
                "ref": f"{project.key}-{number}",
                "title": title,
                "severity": severity,
                "response": bool(rb) or (fr is None and rd is not None and rd < now and st in OPEN_STATUSES),
                "resolution": bool(sb) or (ra is None and sd is not None and sd < now and st in OPEN_STATUSES),
            }
            for number, title, severity, rb, sb, fr, rd, ra, sd, st in breached.order_by(
                "severity", "number"
            ).values_list(
                "number",
                "title",
                "severity",
                "response_breached",
                "resolution_breached",
                "first_response_at",
                "response_due_at",
                "resolved_at",
                "resolution_due_at",
                "status",
            )[:MAX_LISTED_BREACHES]
        ],
    }
    return section


def _retro_section(project) -> dict:
    from golive.debrief.models import RetroColumn
    from golive.debrief.selectors import retro_action_list, retro_item_list

    columns = {column: [] for column in RetroColumn.values}
    for item in retro_item_list(project=project):
        columns[item.column].append(
            {"text": item.text, "group": item.group, "votes": item.vote_count, "author": item.author.username}
        )
    actions = [
        {
            "title": a.title,
            "owner": a.owner.username if a.owner_id else None,
            "due_date": _iso(a.due_date),
            "done_at": _iso(a.done_at),
            "open": a.done_at is None,
        }
        for a in retro_action_list(project=project)
    ]
    return {
        "items": columns,
        "actions": actions,
        "open_actions": sum(1 for a in actions if a["open"]),
    }


# ---------------------------------------------------------------------------------------------------------------
# The report


def build_report(*, project, language: str = "en", now: dt.datetime | None = None) -> dict:
    """The whole report of ``project`` as a JSON-ready dict, evaluated at ``now`` (default: now)."""
    from golive.lifecycle.models import Project

    now = now or timezone.now()
    project = Project.objects.select_related("customer", "template", "current_phase").get(pk=project.pk)
    zone = zoneinfo.ZoneInfo(project.timezone)
    today = now.astimezone(zone).date()
    cutover, golive = _cutover_section(project, now)
    return {
        "schema": SCHEMA_VERSION,
        "generated_at": now.isoformat(),
        "today": today.isoformat(),
        "language": language,
        "project": _project_section(project, zone, golive),
        "phases": _phase_section(project, zone, today),
        "engagement": _engagement_section(project),
        "uat": _uat_section(project),
        "training": _training_section(project, now),
        "cutover": cutover,
        "hypercare": _hypercare_section(project, now),
        "retro": _retro_section(project),
        "published": None,
    }
