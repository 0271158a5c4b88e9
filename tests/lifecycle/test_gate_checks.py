"""``LoadedGates.passes`` (the cheap path of the today page: pass or fail without labels or details) agrees
with the whole evaluation, criterion by criterion, across the states a portfolio goes through."""

from __future__ import annotations

import copy

import pytest
from django.db.models import F

from golive.lifecycle import services
from golive.lifecycle.gates import _REGISTRY, evaluate_gates, load_gates
from golive.lifecycle.models import Phase
from tests.lifecycle import portfolio_builders as build

pytestmark = pytest.mark.django_db

# Every registered criterion, some with params that move their threshold either way.
EXTRA_PARAMS = {
    "requirements_captured": [{"min_requirements": 1}, {"min_requirements": 3}],
    "signoff_approved": [{}, {"role": "consultant_lead"}],
    "uat_min_pass_rate": [{}, {"percent": 0}],
    "no_recent_p1_p2": [{}, {"business_days": 1}],
    "training_coverage_met": [{}, {"min_attendance_percent": 0}],
}


def _every_criterion() -> list[dict]:
    gate = []
    for code in sorted(_REGISTRY):
        for params in EXTRA_PARAMS.get(code, [{}]):
            gate.append({"code": code, "params": params})
    gate.append({"code": "not_installed_anywhere", "label": "Unknown"})
    return gate


@pytest.fixture
def states(world):
    build.mixed_portfolio(world, 0, 8, issues=3)
    build.kickoff_done(build.project(world, "DONE", go_live_in=build.kickoff_due_in(2)), actor=world.lead)
    live = build.gone_live(world.project, actor=world.lead, days_ago=20)
    services.signoff_record(actor=world.customer_lead, project=live, phase_key="hypercare", decision="approve")
    services.signoff_record(actor=world.lead, project=live, phase_key="hypercare", decision="reject")
    return world


def test_passes_agrees_with_the_whole_evaluation_for_every_criterion(states):
    phases = []
    for phase in Phase.objects.select_related("project"):
        # Each phase as its template has it, and once more with every registered criterion.
        phases.append(phase)
        every = copy.copy(phase)
        every.gate = _every_criterion()
        phases.append(every)
    loaded = load_gates(phases)
    outcomes = {}
    for phase in phases:
        whole = loaded.evaluate(phase)
        assert loaded.passes(phase) == [row["passed"] for row in whole.criteria], (phase.project.key, phase.key)
        for spec, row in zip(phase.gate, whole.criteria, strict=True):
            outcomes.setdefault(spec["code"], set()).add(row["passed"])
    # The states reach both outcomes of most criteria (the comparison means something).
    assert sum(1 for seen in outcomes.values() if seen == {True, False}) >= 6


def test_evaluate_gates_is_the_loaded_evaluation(states):
    phases = list(Phase.objects.select_related("project").filter(project__current_phase=F("pk")))
    loaded = load_gates(phases)
    assert {pk: e.as_dict() for pk, e in evaluate_gates(phases).items()} == {
        p.pk: loaded.evaluate(p).as_dict() for p in phases
    }


def test_every_installed_criterion_has_a_cheap_check():
    assert [code for code, criterion in _REGISTRY.items() if criterion.check is None] == []


def test_loading_many_projects_as_one_array_gives_the_same_evaluations(states, monkeypatch):
    """The loaders take the ids of many projects or phases as one array parameter on PostgreSQL (``rows.among``):
    the evaluations are those of the plain id lists."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from golive import rows

    phases = list(Phase.objects.select_related("project"))
    every = []
    for phase in phases:
        copied = copy.copy(phase)
        copied.gate = _every_criterion()
        every.append(copied)

    def evaluations() -> list[dict]:
        loaded = load_gates(phases + every)
        return [loaded.evaluate(phase).as_dict() for phase in phases + every]

    monkeypatch.setattr(rows, "ARRAY_FROM", 10**6)
    by_list = evaluations()
    monkeypatch.setattr(rows, "ARRAY_FROM", 1)
    with CaptureQueriesContext(connection) as queries:
        by_array = evaluations()
    assert by_array == by_list
    if connection.vendor == "postgresql":
        assert sum("unnest" in q["sql"] for q in queries.captured_queries) >= 10


def test_live_evaluation_is_the_point_in_time_evaluation_at_the_same_instant(states):
    """Evaluated live, loaders read current state (the open P1/P2 by status, from the open issues' index); at an
    explicit instant they read the state at that instant. At the present instant both agree, with P1/P2 issues
    open, waiting, resolved and closed on the projects (and every criterion listed on every phase)."""
    from django.utils import timezone

    from golive.lifecycle.models import Project
    from golive.tracker import services as tracker
    from tests.tracker.helpers import PATHS

    for key in ("P000", "P001", "P003"):
        project = Project.objects.get(key=key)
        for status, moves in PATHS.items():
            issue = build.report(project, actor=states.lead, days_ago=0.1, severity="P1", title=f"{key} {status}")
            for move in moves:
                issue = move(actor=states.lead, issue=issue)
    reopened = tracker.issue_resolve(actor=states.lead, issue=build.report(project, actor=states.lead, severity="P2"))
    tracker.issue_reopen(actor=states.lead, issue=reopened)
    # A project whose P1/P2 issues are all resolved or closed: none is open, now or at the instant.
    settled = build.project(states, "SETTLED")
    for moves in (PATHS["resolved"], PATHS["closed"]):
        issue = build.report(settled, actor=states.lead, days_ago=0.2, severity="P1")
        for move in moves:
            issue = move(actor=states.lead, issue=issue)
    phases = []
    for phase in Phase.objects.select_related("project"):
        every = copy.copy(phase)
        every.gate = _every_criterion()
        phases += [phase, every]
    live = load_gates(phases)
    at = load_gates(phases, as_of=timezone.now())
    outcomes = {}
    for phase in phases:
        assert live.passes(phase) == at.passes(phase), (phase.project.key, phase.key)
        for spec, passed in zip(phase.gate, live.passes(phase), strict=True):
            outcomes.setdefault(spec["code"], set()).add(passed)
    assert outcomes["no_open_p1_p2"] == {True, False}
    assert outcomes["no_recent_p1_p2"] == {True, False}
    settled_phase = next(phase for phase in phases if phase.project.key == "SETTLED" and phase.gate == every.gate)
    checks = dict(zip([spec["code"] for spec in settled_phase.gate], live.passes(settled_phase), strict=False))
    assert checks["no_open_p1_p2"] is True
    assert checks["no_recent_p1_p2"] is False  # its P1s were reported hours ago
