"""What needs me today: the signed-in user's pending items across every project they may see.

Six kinds, each from one batched read whatever the number of projects or issues:

- ``sla_breach``: open issues past a response or resolution due time, assigned to me or on a project I lead
  (consultant lead);
- ``sla_near_breach``: the same, not yet breached but due within ``hours`` hours;
- ``gate_due``: the current gate fails and its phase is due within ``days`` days (or overdue), on projects
  where I am consultant lead or consultant;
- ``signoff_waiting``: the current gate asks for an approval sign-off by my role, and sign-offs are all it
  still lacks (every other blocking criterion passes);
- ``go_no_go_vote``: a project in deployment where I have not voted in the open round (and no go is decided);
- ``retro_action``: retrospective actions I own that are still open (overdue when past their due date).
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Sequence
from typing import NamedTuple

from django.db import connection
from django.db.models import BooleanField, Case, Count, F, Q, TextField, Value, When
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from golive.accounts.models import Membership, Role
from golive.lifecycle.gates import LoadedGates, criterion_label, load_gates
from golive.lifecycle.models import Phase, Project
from golive.lifecycle.portfolio import breached_q, open_q
from golive.lifecycle.selectors import project_list_for_user
from golive.rows import light

DEFAULT_HOURS = 4
DEFAULT_DAYS = 7
KINDS = ("sla_breach", "sla_near_breach", "gate_due", "signoff_waiting", "go_no_go_vote", "retro_action")
KIND_LABELS = {
    "sla_breach": gettext_lazy("SLA breach"),
    "sla_near_breach": gettext_lazy("SLA due soon"),
    "gate_due": gettext_lazy("Gate due"),
    "signoff_waiting": gettext_lazy("Sign-off waiting"),
    "go_no_go_vote": gettext_lazy("Go/no-go vote"),
    "retro_action": gettext_lazy("Retro action"),
}
GATE_ROLES = frozenset({Role.CONSULTANT_LEAD, Role.CONSULTANT})
# What an SLA item reads of an issue (the rest stays unloaded).
ISSUE_FIELDS = (
    "number",
    "title",
    "severity",
    "response_breached",
    "resolution_breached",
    "first_response_at",
    "waiting_since",
    "response_due_at",
    "resolution_due_at",
)
SIGNOFF_CODE = "signoff_approved"
# What the gate, sign-off and vote items and the gate criteria read of a candidate membership (its role), its
# project and the current phase (criteria read the phase's key, gate, project and start; the rest stays unloaded).
CANDIDATE_MEMBERSHIP = ("role",)
CANDIDATE_PROJECT = ("id", "key", "name", "status", "timezone", "planned_go_live", "current_phase_id")
CANDIDATE_PHASE = ("id", "project_id", "key", "name", "planned_end")


class Candidate(NamedTuple):
    """One of the caller's memberships that could give a gate, sign-off or vote item: the caller's role on the
    project, and the project with its current phase loaded."""

    role: str
    project: Project


def _item(kind: str, project, *, title: str, detail: str, url: str, **extra) -> dict:
    return {
        "kind": kind,
        "project": project.key,
        "project_name": project.name,
        "title": title,
        "detail": detail,
        "url": url,
        "ref": extra.get("ref"),
        "severity": extra.get("severity"),
        "due_at": extra.get("due_at"),
        "due_date": extra.get("due_date"),
        "overdue": extra.get("overdue", False),
        "number": extra.get("number", 0),
    }


def _sla_state(now: dt.datetime) -> dict:
    """``is_breached`` and ``due_at`` (the earliest due time of the clocks still running) of an issue."""
    breached = Case(When(breached_q(now), then=Value(True)), default=Value(False), output_field=BooleanField())
    return {"is_breached": breached, "due_at": F("next_due_at")}


def _my_open_issues(user, visible, led):
    """The open issues whose SLA is the caller's: assigned to them, or on a project they lead."""
    from golive.tracker.models import Issue

    return Issue.objects.filter(project__in=visible).filter(open_q()).filter(Q(assignee=user) | Q(project_id__in=led))


def _flagged_or_due(now: dt.datetime, hours: int) -> Q:
    """Breached or due within ``hours``: flagged, or the earliest running due time by the end of the span (one
    comparison a row)."""
    return Q(response_breached=True) | Q(resolution_breached=True) | Q(next_due_at__lte=now + dt.timedelta(hours=hours))


def _issue_rows(user, visible, led, *, now: dt.datetime, hours: int):
    """The issues that make SLA items, annotated with ``_sla_state`` and ordered as the items are: breached
    first, then by due time, project and number."""
    return (
        _my_open_issues(user, visible, led)
        .filter(_flagged_or_due(now, hours))
        .annotate(**_sla_state(now))
        .order_by("-is_breached", F("due_at").asc(nulls_last=True), "project__key", "number")
    )


def _issue_page(user, visible, led, *, now: dt.datetime, hours: int, limit: int) -> tuple[list[dict], tuple[int, int]]:
    """Items of the first ``limit`` issues in the order of ``_issue_rows`` and the (breached, due soon) counts of
    all of them, in three queries whatever their number: the counts (on PostgreSQL from the open issues' SLA
    index alone), then the first ``limit`` breached issues and as many due-soon issues as the page has room for,
    each by walking the open issues' due-order index (a lead with ten thousand issues past due reads fifty rows,
    not a sort of ten thousand). Both are always read, so the number of queries does not depend on the data."""
    mine = _my_open_issues(user, visible, led)
    breached = breached_q(now)
    # Not breached (no flag, the earliest running due time not past) and due within the span.
    soon_until = now + dt.timedelta(hours=hours)
    soon = Q(response_breached=False, resolution_breached=False, next_due_at__gte=now, next_due_at__lte=soon_until)
    counts = mine.filter(_flagged_or_due(now, hours)).aggregate(
        breached=Count("pk", filter=breached), matched=Count("pk")
    )
    issues: list = []
    for matching in (breached, soon):
        page = (
            _issue_columns(mine.filter(matching))
            .annotate(**_sla_state(now))
            .order_by(F("next_due_at").asc(nulls_last=True), "project__key", "number")
        )
        # The due-soon page only fills what the breached left (a row at least: the query always runs).
        issues += list(page[: max(limit - len(issues), 1)])
    return _issue_items(issues[:limit], now=now), (counts["breached"], counts["matched"] - counts["breached"])


def _issue_columns(rows):
    return rows.select_related("project").only(*ISSUE_FIELDS, "project__key", "project__name")


def _issue_items(issues, *, now: dt.datetime) -> list[dict]:
    """Items of ``issues`` (rows of ``_issue_rows``), in their order."""
    items = []
    for issue in issues:
        is_breached, due_at = issue.is_breached, issue.due_at
        clock = ""  # of two clocks due at the same instant, the resolution's is named (as before the SQL order)
        if due_at is not None:
            clock = "resolution" if issue.waiting_since is None and issue.resolution_due_at == due_at else "response"
        if is_breached and (due_at is None or due_at >= now):
            detail = _("An SLA due time was missed.")
        elif clock == "response":
            detail = _("The first response was due.") if is_breached else _("The first response is due soon.")
        else:
            detail = _("The resolution was due.") if is_breached else _("The resolution is due soon.")
        items.append(
            _item(
                "sla_breach" if is_breached else "sla_near_breach",
                issue.project,
                title=f"{issue.ref} {issue.title}",
                detail=detail,
                url=reverse("web:issue", args=[issue.project.key, issue.number]),
                ref=issue.ref,
                number=issue.number,
                severity=issue.severity,
                due_at=due_at,
                overdue=is_breached,
            )
        )
    return items


def _gate_candidates(user, visible, *, now: dt.datetime, days: int) -> list[Candidate]:
    """The caller's memberships that could give a gate, sign-off or vote item, narrowed in SQL: a phase due
    within ``days`` days of the latest local today anywhere (a superset, checked exactly per project afterwards)
    for the gate roles, a gate that names an approval sign-off, or the deployment phase (votes). The other
    projects are never loaded."""
    latest_today = now.astimezone(dt.UTC).date() + dt.timedelta(days=1)
    due = Q(role__in=GATE_ROLES, project__current_phase__planned_end__lte=latest_today + dt.timedelta(days=days))
    if connection.vendor == "postgresql":
        asks_signoff = Q(project__current_phase__gate__contains=[{"code": SIGNOFF_CODE}])
    else:
        # JSON containment is PostgreSQL's; elsewhere a text match, a superset (the specs are checked below).
        asks_signoff = Q(project__current_phase__gate__icontains=SIGNOFF_CODE)
    columns = (
        *CANDIDATE_MEMBERSHIP,
        *(f"project__{name}" for name in CANDIDATE_PROJECT),
        *(f"project__current_phase__{name}" for name in CANDIDATE_PHASE),
        "start_text",
        "gate_text",
    )
    found = (
        Membership.objects.order_by()
        .filter(
            user=user, project__in=visible, project__status=Project.Status.ACTIVE, project__current_phase__isnull=False
        )
        # As a CASE, evaluated on the joined rows (the current phases) only: as an OR, PostgreSQL also filters
        # every phase of every project with it (JSON containment on eight phases a project) before the join.
        .filter(
            Case(
                When(due, then=Value(True)),
                When(asks_signoff, then=Value(True)),
                When(project__current_phase__key="deployment", then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        # The gate as its JSON text: the phases of one template share a handful of gates, each parsed once below.
        # The start as text too: the ORM's loader of aware datetimes costs more per row than the rest of it.
        .annotate(
            start_text=Cast("project__current_phase__actual_start", TextField()),
            gate_text=Cast("project__current_phase__gate", TextField()),
        )
        .values_list(*columns)
    )
    # Hundreds of rows for a lead of hundreds of projects: light instances of the columns read (as ``only`` and
    # ``select_related`` would give them, at a fraction of the cost). Phases with the same gate share its parsed
    # list (read-only here: nothing on this page changes a gate).
    candidates = []
    first_project, first_phase = len(CANDIDATE_MEMBERSHIP), len(CANDIDATE_MEMBERSHIP) + len(CANDIDATE_PROJECT)
    phases, projects = light(Phase), light(Project)
    gates: dict[str, list] = {}
    for row in found:
        gate_text = row[-1]
        if gate_text not in gates:
            gates[gate_text] = json.loads(gate_text)
        values = dict(zip(CANDIDATE_PHASE, row[first_phase:-2], strict=True))
        phase = phases({**values, "actual_start": _instant(row[-2]), "gate": gates[gate_text]})
        project = projects(
            dict(zip(CANDIDATE_PROJECT, row[first_project:first_phase], strict=True)), {"current_phase": phase}
        )
        phase._state.fields_cache["project"] = project
        candidates.append(Candidate(row[0], project))
    return candidates


def _instant(text: str | None) -> dt.datetime | None:
    """A datetime column read as text: ISO 8601 with the offset on PostgreSQL (the connection's zone is UTC), naive
    UTC on SQLite."""
    if text is None:
        return None
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _gate_items(candidates: list[Candidate], *, now: dt.datetime, days: int) -> list[dict]:
    """Gates due soon and sign-offs waiting, from one batched evaluation of the current gates concerned.

    Whether a gate gives an item needs its evaluation, so every candidate is evaluated (the counts are exact);
    the items themselves are stubs with what the order reads (kind, project, due date, overdue) and what
    ``_built`` needs to make the full item, only for the items of the page."""
    local_today = _local_today_by_zone(now)
    wanted: dict[int, tuple[Candidate, dt.date]] = {}
    for candidate in candidates:
        project = candidate.project  # candidates come with the project and the current phase loaded
        phase = project.current_phase
        if project.status != Project.Status.ACTIVE or phase is None:
            continue
        asks_my_signoff = any(
            spec.get("code") == SIGNOFF_CODE and _signoff_role(spec) == candidate.role for spec in phase.gate
        )
        today = local_today(project.timezone)
        gate_due = (
            candidate.role in GATE_ROLES and phase.planned_end is not None and (phase.planned_end - today).days <= days
        )
        # Only these gates are evaluated: the others could not give an item.
        if gate_due or asks_my_signoff:
            wanted[phase.pk] = (candidate, today)
    if not wanted:
        return []
    # Whether each criterion passes is all the counts need; labels and details are written by ``_built``, only
    # for the items of the page, from the same loaded data (no further query).
    loaded = load_gates([candidate.project.current_phase for candidate, _today in wanted.values()])
    items = []
    for candidate, today in wanted.values():
        project = candidate.project
        phase = project.current_phase
        gate = phase.gate
        # Indexes of the failing blocking criteria, in the order of the phase's gate.
        failing = [
            index
            for index, (spec, passed) in enumerate(zip(gate, loaded.passes(phase), strict=True))
            if not passed and spec.get("blocking", True)
        ]
        if not failing:
            continue
        due = phase.planned_end
        overdue = due is not None and due < today
        if candidate.role in GATE_ROLES and due is not None and (due - today).days <= days:
            items.append(_stub("gate_due", project, phase, loaded, due=due, overdue=overdue, failing=failing))
        mine = [
            index
            for index in failing
            if gate[index]["code"] == SIGNOFF_CODE and _signoff_role(gate[index]) == candidate.role
        ]
        if mine and all(gate[index]["code"] == SIGNOFF_CODE for index in failing):
            items.append(_stub("signoff_waiting", project, phase, loaded, due=due, overdue=overdue, failing=mine))
    return items


def _local_today_by_zone(now: dt.datetime):
    """``today(zone_name)``: the local date at ``now`` in that zone, worked out once per zone."""
    found: dict[str, dt.date] = {}

    def today(zone: str) -> dt.date:
        if zone not in found:
            found[zone] = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
        return found[zone]

    return today


def _stub(kind: str, project, phase, loaded: LoadedGates, *, due, overdue: bool, failing: list[int]) -> dict:
    """What the order of a gate item reads, and under ``gate`` what ``_gate_item`` makes the item from. One gate
    item per project and kind, so the title (the order's last key) never decides between two of them."""
    return {
        "kind": kind,
        "project": project.key,
        "title": "",
        "due_at": None,
        "due_date": due,
        "overdue": overdue,
        "number": 0,
        "gate": (project, phase, loaded, failing),
    }


def _gate_item(stub: dict, words: dict) -> dict:
    """The whole item of a gate stub (translated title, detail, link), from the gate's evaluation (``failing``:
    the indexes of the criteria it names). ``words``: the page's translations so far (a page of fifty kickoff
    gates names the same phase and criteria fifty times)."""
    kind = stub["kind"]
    project, phase, loaded, failing = stub["gate"]
    if (kind, phase.name) not in words:
        text = _("%(phase)s gate fails") if kind == "gate_due" else _("Sign off %(phase)s")
        words[kind, phase.name] = text % {"phase": _(phase.name)}
    title = words[kind, phase.name]
    if kind == "gate_due":
        labels = []
        for index in failing:
            spec = phase.gate[index]
            key = ("label", spec["code"], spec.get("label"))
            if key not in words:
                words[key] = criterion_label(spec)
            labels.append(words[key])
        detail = ", ".join(labels)
    else:
        detail = loaded.row(phase, failing[0])["detail"]
    url = reverse("web:project", args=[project.key])
    return _item(kind, project, title=title, detail=detail, url=url, due_date=stub["due_date"], overdue=stub["overdue"])


def _built(items: list[dict]) -> list[dict]:
    words: dict = {}
    return [_gate_item(item, words) if "gate" in item else item for item in items]


def _signoff_role(spec: dict) -> str:
    """The role a ``signoff_approved`` criterion asks for (the criterion's own default: customer lead)."""
    return (spec.get("params") or {}).get("role", Role.CUSTOMER_LEAD)


def _vote_items(user, candidates: list[Candidate]) -> list[dict]:
    from golive.cutover.models import GoNoGoDecision, GoNoGoVote, Vote

    in_deployment = {
        m.project.pk: m.project
        for m in candidates
        if m.project.status == Project.Status.ACTIVE
        and m.project.current_phase is not None
        and m.project.current_phase.key == "deployment"
    }
    if not in_deployment:
        return []
    voted = set(
        GoNoGoVote.objects.filter(project_id__in=in_deployment, voter=user, decision__isnull=True).values_list(
            "project_id", flat=True
        )
    )
    latest: dict[int, str] = {}
    for project_id, decision in (
        GoNoGoDecision.objects.filter(project_id__in=in_deployment)
        .order_by("project_id", "-decided_at", "-id")
        .values_list("project_id", "decision")
    ):
        latest.setdefault(project_id, decision)
    return [
        _item(
            "go_no_go_vote",
            project,
            title=_("Cast your go/no-go vote"),
            detail=_("No vote from you in the open round."),
            url=reverse("web:go-no-go", args=[project.key]),
            due_date=project.planned_go_live,
        )
        for project_id, project in sorted(in_deployment.items(), key=lambda p: p[1].key)
        if project_id not in voted and latest.get(project_id) != Vote.GO
    ]


def _retro_items(user, *, now: dt.datetime) -> list[dict]:
    from golive.debrief.selectors import open_actions_for_user

    items = []
    for action in open_actions_for_user(user):
        today = now.astimezone(zoneinfo.ZoneInfo(action.project.timezone)).date()
        overdue = action.due_date is not None and action.due_date < today
        items.append(
            _item(
                "retro_action",
                action.project,
                title=action.title,
                detail=_("Agreed in the retrospective."),
                url=reverse("web:retro", args=[action.project.key]),
                due_date=action.due_date,
                overdue=overdue,
            )
        )
    return items


def _sort_key(item: dict):
    if item["due_at"] is not None:
        when = item["due_at"]
    elif item["due_date"] is not None:
        when = dt.datetime.combine(item["due_date"], dt.time.max, tzinfo=dt.UTC)
    else:
        when = dt.datetime.max.replace(tzinfo=dt.UTC)
    return (not item["overdue"], when, KINDS.index(item["kind"]), item["project"], item["number"], item["title"])


class TodayItems(Sequence):
    """The sorted items with their total: every item up to ``loaded``, the rest only counted (a lead with ten
    thousand breached issues gets the page asked for, not ten thousand items built and thrown away)."""

    def __init__(self, items: list[dict], total: int):
        self._items, self._total = items, total

    @property
    def loaded(self) -> int:
        return len(self._items)

    def __len__(self) -> int:
        return self._total

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, _step = index.indices(self._total)
            if stop > len(self._items) and start < stop:
                raise IndexError(f"items {start}..{stop} asked for, only the first {len(self._items)} were loaded")
            return self._items[index]
        if index >= len(self._items):
            raise IndexError(index)
        return self._items[index]


def today_items(
    user,
    *,
    hours: int = DEFAULT_HOURS,
    days: int = DEFAULT_DAYS,
    now: dt.datetime | None = None,
    limit: int | None = None,
) -> dict:
    """``{as_of, hours, days, counts: {kind: n}, items: [...]}`` for ``user``, overdue first, then by due time.

    ``items`` is a :class:`TodayItems`: its length is the total, and with ``limit`` only the first ``limit`` items
    are built (a page ``p`` of ``size`` items needs ``limit=p * size``). SLA items are counted in the database."""
    now = now or timezone.now()
    visible = project_list_for_user(user).values("pk")
    led = Membership.objects.filter(user=user, role=Role.CONSULTANT_LEAD).values("project_id")
    candidates = _gate_candidates(user, visible, now=now, days=days)
    others = _gate_items(candidates, now=now, days=days) + _vote_items(user, candidates) + _retro_items(user, now=now)
    counts = dict.fromkeys(KINDS, 0)
    for item in others:
        counts[item["kind"]] += 1
    if limit is None:
        issue_items = _issue_items(_issue_columns(_issue_rows(user, visible, led, now=now, hours=hours)), now=now)
        for item in issue_items:
            counts[item["kind"]] += 1
    else:
        # The first ``limit`` of the merged order can hold at most ``limit`` issues, in the issues' own order.
        issue_items, (counts["sla_breach"], counts["sla_near_breach"]) = _issue_page(
            user, visible, led, now=now, hours=hours, limit=limit
        )
    items = sorted(issue_items + others, key=_sort_key)
    total = sum(counts.values())
    if limit is not None:
        items = items[:limit]
    items = _built(items)
    return {"as_of": now, "hours": hours, "days": days, "counts": counts, "items": TodayItems(items, total)}
