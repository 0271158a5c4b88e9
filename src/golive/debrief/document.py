"""The report laid out once: sections of facts, tables and the timeline, with every label translated.

``report_document(data)`` turns the report's data (``golive.debrief.report``) into a ``Document`` in the active
language; the Markdown, HTML and PDF renderers only draw it, so the three formats always say the same thing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from golive.debrief.charts import Timeline, timeline_geometry

DASH = "—"


@dataclass
class Facts:
    items: list[tuple[str, str]]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()  # right-aligned columns
    caption: str = ""
    empty: str = ""


@dataclass
class Paragraph:
    text: str


@dataclass
class Chart:
    timeline: Timeline
    title: str
    planned: str
    actual: str
    today: str
    days: str


@dataclass
class Section:
    id: str
    title: str
    blocks: list = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section]
    language: str
    generated_at: dt.datetime


# ---------------------------------------------------------------------------------------------------------------
# Formatting


def _choice(choices, value) -> str:
    if value is None or value == "":
        return DASH
    for key, label in choices:
        if key == value:
            return str(label)
    return str(value)


def _num(value) -> str:
    return DASH if value is None else f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _pct(value) -> str:
    return DASH if value is None else f"{value:g}%"


def _days(value) -> str:
    if value is None:
        return DASH
    sign = "+" if value > 0 else ""
    return sign + ngettext("%(n)d day", "%(n)d days", abs(value)) % {"n": value}


def _duration(minutes) -> str:
    if minutes is None:
        return DASH
    minutes = round(minutes)
    hours, rest = divmod(minutes, 60)
    if hours >= 48:
        return _("%(d)d d %(h)d h") % {"d": hours // 24, "h": hours % 24}
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": rest}
    return _("%(m)d min") % {"m": rest}


def _date(value) -> str:
    return value[:10] if value else DASH


def _when(value, zone) -> str:
    if not value:
        return DASH
    return dt.datetime.fromisoformat(value).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _span(start, end) -> str:
    if not start and not end:
        return DASH
    return f"{_date(start)} – {_date(end) if end else _('ongoing')}"


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


# ---------------------------------------------------------------------------------------------------------------
# Sections


def _summary(data, zone) -> Section:
    from golive.lifecycle.models import Project

    p = data["project"]
    members = sum(p["members"].values())
    items = [
        (_("Project"), f"{p['name']} ({p['key']})"),
        (_("Customer"), p["customer"]),
        (_("Lifecycle template"), p["template"]),
        (_("Status"), _choice(Project.Status.choices, p["status"])),
        (_("Current phase"), _(p["current_phase_name"]) if p["current_phase_name"] else DASH),
        (_("Planned go-live"), _date(p["planned_go_live"])),
        (_("Actual go-live"), _date(p["actual_go_live"])),
        (_("Go-live slippage"), _days(p["go_live_slippage_days"])),
        (_("Hypercare days"), _num(p["hypercare_days"])),
        (_("Members"), _num(members)),
        (_("Generated"), _when(data["generated_at"], zone)),
    ]
    published = data.get("published")
    if published:
        items.append(
            (
                _("Published"),
                _("Report %(number)d by %(user)s, %(when)s")
                % {"number": published["number"], "user": published["by"], "when": _when(published["at"], zone)},
            )
        )
    return Section("summary", _("Summary"), [Facts(items)])


def _timeline(data) -> Section:
    from golive.lifecycle.models import PhaseStatus

    phases = data["phases"]
    labels = {phase["key"]: _(phase["name"]) for phase in phases}
    chart = Chart(
        timeline=timeline_geometry(phases, today=data["today"], labels=labels),
        title=_("Phases: planned and actual"),
        planned=_("Planned"),
        actual=_("Actual"),
        today=_("Today"),
        days=_("days"),
    )
    table = Table(
        headers=[
            _("Phase"),
            _("Status"),
            _("Planned"),
            _("Actual"),
            _("Planned days"),
            _("Actual days"),
            _("Slippage"),
        ],
        rows=[
            [
                labels[phase["key"]],
                _choice(PhaseStatus.choices, phase["status"]),
                _span(phase["planned_start"], phase["planned_end"]),
                _span(phase["actual_start"], phase["actual_end"]) if phase["actual_start"] else DASH,
                _num(phase["planned_days"]),
                _num(phase["actual_days"]),
                _days(phase["slippage_days"]),
            ]
            for phase in phases
        ],
        numeric=frozenset({4, 5, 6}),
    )
    return Section("timeline", _("Timeline"), [chart, table])


def _engagement(data) -> Section:
    from golive.engagement.models import FeedbackStatus, MeetingKind, Priority, Scope

    e = data["engagement"]
    req = e["requirements"]
    crs = req["change_requests"]
    blocks = [
        Facts(
            [
                (_("Requirements"), _num(req["total"])),
                (_("Change requests"), _num(crs["total"])),
                (_("Review feedback"), _num(e["feedback"]["total"])),
                (_("Decisions"), _num(e["decisions"]["total"])),
                (_("Scope left out"), _num(e["decisions"]["excluded"])),
            ]
        ),
        Table(
            caption=_("Requirements by scope"),
            headers=[_("Scope"), _("Requirements"), _("Change requests")],
            rows=[[str(label), _num(req["by_scope"][key]), _num(crs[key])] for key, label in Scope.choices],
            numeric=frozenset({1, 2}),
        ),
        Table(
            caption=_("Requirements by priority"),
            headers=[_("Priority"), _("Requirements")],
            rows=[[str(label), _num(req["by_priority"][key])] for key, label in Priority.choices],
            numeric=frozenset({1}),
        ),
        Table(
            caption=_("Review feedback: small changes and large requests"),
            headers=[_("Size"), _("Total"), *[str(label) for _key, label in FeedbackStatus.choices]],
            rows=[
                [
                    name,
                    _num(e["feedback"][size]["total"]),
                    *[_num(e["feedback"][size][k]) for k in FeedbackStatus.values],
                ]
                for size, name in (("small", _("Small")), ("large", _("Large")))
            ],
            numeric=frozenset(range(1, 2 + len(FeedbackStatus.values))),
        ),
        Table(
            caption=_("Meetings"),
            headers=[_("Kind"), _("Meetings")],
            rows=[[str(label), _num(e["meetings"].get(key, 0))] for key, label in MeetingKind.choices],
            numeric=frozenset({1}),
        ),
    ]
    return Section("engagement", _("Requirements, reviews and decisions"), blocks)


def _uat(data) -> Section:
    from golive.uat.models import ScenarioPriority

    u = data["uat"]
    blocks = [
        Facts(
            [
                (_("Active scenarios"), _num(u["scenarios"]["active"])),
                (_("Retired scenarios"), _num(u["scenarios"]["retired"])),
                (_("Latest cycle"), u["cycle"]["name"] if u["cycle"] else DASH),
                (_("Pass rate (latest cycle)"), _pct(u["pass_rate"])),
                (_("Open defects"), _num(u["open_defects"]["total"])),
            ]
        ),
        Table(
            caption=_("Pass rate per cycle"),
            headers=[_("Cycle"), _("Passed"), _("Failed"), _("Blocked"), _("Not run"), _("Pass rate")],
            rows=[
                [
                    c["name"] or str(c["number"]),
                    _num(c["passed"]),
                    _num(c["failed"]),
                    _num(c["blocked"]),
                    _num(c["not_run"]),
                    _pct(c["pass_rate"]),
                ]
                for c in u["cycles"]
            ],
            numeric=frozenset({1, 2, 3, 4, 5}),
            empty=_("No UAT cycle."),
        ),
        Table(
            caption=_("Latest cycle by priority"),
            headers=[_("Priority"), _("Scenarios"), _("Passed"), _("Failed"), _("Blocked"), _("Not run")],
            rows=[
                [
                    str(label),
                    _num(u["by_priority"][key]["total"]),
                    _num(u["by_priority"][key]["passed"]),
                    _num(u["by_priority"][key]["failed"]),
                    _num(u["by_priority"][key]["blocked"]),
                    _num(u["by_priority"][key]["not_run"]),
                ]
                for key, label in ScenarioPriority.choices
                if key in u["by_priority"]
            ],
            numeric=frozenset({1, 2, 3, 4, 5}),
        ),
        Table(
            caption=_("Defects by severity"),
            headers=[_("Severity"), _("Defects"), _("Still open")],
            rows=[[s, _num(v["total"]), _num(v["open"])] for s, v in u["defects_by_severity"].items()],
            numeric=frozenset({1, 2}),
        ),
    ]
    return Section("uat", _("User acceptance testing (UAT)"), blocks)


def _training(data, zone) -> Section:
    from golive.training.models import SessionKind

    t = data["training"]
    c = t["coverage"]
    blocks = [
        Facts(
            [
                (
                    _("Train-the-trainer sessions held"),
                    f"{c['train_the_trainer_started']} / {c['train_the_trainer_sessions']}",
                ),
                (_("End-user sessions held"), f"{c['end_user_started']} / {c['end_user_sessions']}"),
                (_("End-user attendance"), _pct(c["attendance_percent"])),
            ]
        ),
        Table(
            caption=_("Sessions"),
            headers=[_("Starts"), _("Title"), _("Kind"), _("Invited"), _("Attended"), _("Absent")],
            rows=[
                [
                    _when(s["starts_at"], zone),
                    s["title"],
                    _choice(SessionKind.choices, s["kind"]),
                    _num(s["invited"]),
                    _num(s["attended"]),
                    _num(s["absent"]),
                ]
                for s in t["sessions"]
            ],
            numeric=frozenset({3, 4, 5}),
            empty=_("No training session."),
        ),
    ]
    return Section("training", _("Training"), blocks)


def _cutover(data, zone) -> Section:
    from golive.cutover.models import StepStatus

    c = data["cutover"]
    r = c["runbook"]
    decision = c["go_no_go"]["decision"]
    go_live = c["go_live"]
    facts = [
        (_("Runbook steps"), _num(r["steps_total"])),
        (_("Done"), _pct(r["percent_done"])),
        (_("Planned minutes"), _duration(r["planned_minutes"])),
        (_("Actual minutes"), _duration(r["actual_minutes"])),
        (
            _("Go/no-go decision"),
            (
                _("%(decision)s by %(user)s, %(when)s (votes: go %(go)d, no-go %(no_go)d)")
                % {
                    "decision": _("Go") if decision["decision"] == "go" else _("No-go"),
                    "user": decision["by"],
                    "when": _when(decision["at"], zone),
                    "go": decision["votes"]["go"],
                    "no_go": decision["votes"]["no_go"],
                }
                if decision
                else _("None recorded")
            ),
        ),
        (
            _("Go-live"),
            (_when(go_live["at"], zone) + (" " + _("(override)") if go_live["override"] else "") if go_live else DASH),
        ),
    ]
    blocks = [
        Facts(facts),
        Table(
            caption=_("Runbook: planned and actual"),
            headers=[_("Step"), _("Title"), _("Status"), _("Planned"), _("Actual"), _("Difference")],
            rows=[
                [
                    s["ref"] + (" ↺" if s["rollback"] else ""),
                    s["title"],
                    _choice(StepStatus.choices, s["status"]),
                    _duration(s["planned_minutes"]),
                    _duration(s["actual_minutes"]),
                    DASH
                    if s["delta_minutes"] is None
                    else ("+" if s["delta_minutes"] > 0 else "") + _("%(m)d min") % {"m": s["delta_minutes"]},
                ]
                for s in r["steps"]
            ],
            numeric=frozenset({3, 4, 5}),
            empty=_("No runbook."),
        ),
        Table(
            caption=_("Test evidence"),
            headers=[_("Uploaded"), _("Title"), _("Tests"), _("Passed"), _("Failures"), _("Errors"), _("Result")],
            rows=[
                [
                    _when(t["uploaded_at"], zone),
                    t["title"],
                    _num(t["tests"]),
                    _num(t["passed"]),
                    _num(t["failures"]),
                    _num(t["errors"]),
                    _("Passed") if t["ok"] else _("Failed"),
                ]
                for t in c["test_reports"]
            ],
            numeric=frozenset({2, 3, 4, 5}),
            empty=_("No test report."),
        ),
    ]
    return Section("cutover", _("Deployment and cutover"), blocks)


def _hypercare(data, zone) -> Section:
    from golive.tracker.models import Category

    h = data["hypercare"]
    statuses = {
        "not_started": _("Not started"),
        "active": _("Active"),
        "extended": _("Extended"),
        "exited": _("Exited"),
    }
    facts = [
        (_("Status"), statuses.get(h["status"], h["status"])),
        (_("Started"), _when(h["starts_at"], zone)),
        (_("Planned end"), _when(h["planned_end"], zone)),
        (_("Exited"), _when(h["exited_at"], zone)),
        (_("Issues in the window"), _num(h["issues_in_window"])),
        (_("Training gaps / bugs"), f"{h['training_gaps']} / {h['bugs']}"),
        (_("Mean time to first response"), _duration(h["mean_first_response_minutes"])),
        (_("Mean time to resolve"), _duration(h["mean_resolve_minutes"])),
        (
            _("Days to silence"),
            _num(h["days_to_silence"]) if h["days_to_silence"] is not None else _("not yet"),
        ),
        (_("Projected silence"), _date(h["projected_silence_date"])),
        (_("SLA breaches"), _("%(issues)d issues (response %(response)d, resolution %(resolution)d)") % h["breaches"]),
        (_("Exit criteria"), _("Passed") if h["exit"]["passed"] else _("Not passed")),
    ]
    daily = h["daily_new"]
    blocks = [
        Facts(facts),
        Table(
            caption=_("New issues per day"),
            headers=[_("Date"), _("New issues")],
            rows=[[row["date"], _num(row["count"])] for row in daily],
            numeric=frozenset({1}),
            empty=_("Hypercare has not started."),
        ),
        Table(
            caption=_("SLA compliance per severity"),
            headers=[
                _("Severity"),
                _("Issues"),
                _("Response met"),
                _("Resolution met"),
                _("Mean first response"),
                _("Mean resolution"),
                _("Breaches"),
            ],
            rows=[
                [
                    severity,
                    _num(row["issues"]),
                    _pct(row["response_compliance"]),
                    _pct(row["resolution_compliance"]),
                    _duration(row["mean_first_response_minutes"]),
                    _duration(row["mean_resolve_minutes"]),
                    _num(row["response_breached"] + row["resolution_breached"]),
                ]
                for severity, row in h["sla"].items()
            ],
            numeric=frozenset({1, 2, 3, 4, 5, 6}),
        ),
        Table(
            caption=_("Issues by category"),
            headers=[_("Category"), _("Issues")],
            rows=[
                [_choice(Category.choices, key) if key != "none" else _("Not set"), _num(n)]
                for key, n in h["by_category"].items()
            ],
            numeric=frozenset({1}),
        ),
        Table(
            caption=_("SLA breaches"),
            headers=[_("Issue"), _("Title"), _("Severity"), _("Response"), _("Resolution")],
            rows=[
                [
                    b["ref"],
                    b["title"],
                    b["severity"],
                    _("Breached") if b["response"] else DASH,
                    _("Breached") if b["resolution"] else DASH,
                ]
                for b in h["breaches"]["list"]
            ],
            empty=_("No SLA breach."),
        ),
    ]
    return Section("hypercare", _("Hypercare"), blocks)


def _retro(data) -> Section:
    r = data["retro"]
    columns = (
        ("went_well", _("Went well")),
        ("to_improve", _("To improve")),
        ("action", pgettext("retrospective", "Actions")),
    )
    blocks = []
    for key, title in columns[:2]:
        blocks.append(
            Table(
                caption=title,
                headers=[_("Item"), _("Group"), _("Votes")],
                rows=[[i["text"], i["group"] or DASH, _num(i["votes"])] for i in r["items"][key]],
                numeric=frozenset({2}),
                empty=_("Nothing yet."),
            )
        )
    blocks.append(
        Table(
            caption=pgettext("retrospective", "Actions"),
            headers=[pgettext("retrospective", "Action"), _("Owner"), _("Due"), _("Status")],
            rows=[
                [a["title"], a["owner"] or DASH, _date(a["due_date"]), _("Open") if a["open"] else _("Done")]
                for a in r["actions"]
            ],
            empty=_("No action."),
        )
    )
    return Section("retro", _("Retrospective"), blocks)


def report_document(data: dict) -> Document:
    """The report of ``data`` laid out in the active language."""
    from django.utils.translation import get_language

    zone = zoneinfo.ZoneInfo(data["project"]["timezone"])
    p = data["project"]
    return Document(
        title=_("Project report: %(name)s") % {"name": p["name"]},
        subtitle=f"{p['key']} · {p['customer']}",
        language=get_language() or "en",
        generated_at=dt.datetime.fromisoformat(data["generated_at"]),
        sections=[
            _summary(data, zone),
            _timeline(data),
            _engagement(data),
            _uat(data),
            _training(data, zone),
            _cutover(data, zone),
            _hypercare(data, zone),
            _retro(data),
        ],
    )
