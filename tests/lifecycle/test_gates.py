"""The gate registry: what is registered is evaluated, what is not fails plainly, batches load once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from golive.lifecycle import gates, selectors, services
from golive.lifecycle.gates import Result, evaluate_gate, evaluate_gates, registered
from golive.lifecycle.models import Phase
from tests.factories import make_project


@pytest.fixture
def registry(monkeypatch):
    """A registry holding only what the test registers."""
    monkeypatch.setattr(gates, "_REGISTRY", {})
    return gates._REGISTRY


def _phase(pk, gate, key="uat"):
    return SimpleNamespace(pk=pk, key=key, gate=gate, project=None)


def test_unknown_code_fails_with_a_clear_detail(registry):
    evaluation = evaluate_gate(_phase(1, [{"code": "moon_phase_full", "label": "Full moon"}]))
    assert evaluation.passed is False
    [row] = evaluation.criteria
    assert (row["code"], row["label"], row["passed"], row["blocking"]) == ("moon_phase_full", "Full moon", False, True)
    assert "no installed component evaluates this criterion" in row["detail"]
    assert evaluation.failing == [row]


def test_unknown_code_without_label_uses_the_code(registry):
    row = evaluate_gate(_phase(1, [{"code": "moon_phase_full"}])).criteria[0]
    assert row["label"] == "moon_phase_full"


def test_registered_criterion_gets_its_params_and_label(registry):
    seen = []

    @gates.register("always", "Always passes")
    def always(phase, params, data):
        seen.append(params)
        return Result(True, "fine")

    evaluation = evaluate_gate(
        _phase(1, [{"code": "always", "params": {"n": 3}}, {"code": "always", "label": "Template's own words"}])
    )
    assert evaluation.passed is True
    assert evaluation.criteria == [
        {"code": "always", "label": "Always passes", "passed": True, "detail": "fine", "blocking": True},
        {"code": "always", "label": "Template's own words", "passed": True, "detail": "fine", "blocking": True},
    ]
    assert seen == [{"n": 3}, {}]
    assert gates.registered("always").code == "always" and gates.registered("nope") is None


def test_non_blocking_failure_does_not_fail_the_gate(registry):
    @gates.register("never", "Never passes")
    def never(phase, params, data):
        return Result(False, "no")

    evaluation = evaluate_gate(_phase(1, [{"code": "never", "blocking": False}]))
    assert evaluation.passed is True
    assert evaluation.failing == []
    assert evaluation.criteria[0]["passed"] is False


def test_empty_gate_passes(registry):
    assert evaluate_gate(_phase(1, [])).as_dict() == {"phase": "uat", "passed": True, "criteria": []}


def test_load_runs_once_per_batch(registry):
    loads = []

    def load(phases):
        loads.append([p.pk for p in phases])
        return {p.pk: p.pk % 2 == 0 for p in phases}

    @gates.register("even", "Even id", load=load)
    def even(phase, params, data):
        return Result(data[phase.pk])

    phases = [_phase(pk, [{"code": "even"}, {"code": "even", "params": {"again": True}}]) for pk in range(1, 8)]
    results = evaluate_gates(phases)
    assert loads == [list(range(1, 8))]
    assert {pk for pk, evaluation in results.items() if evaluation.passed} == {2, 4, 6}


def test_evaluate_gates_across_many_projects(world, advance_to, django_assert_max_num_queries):
    keys = []
    for n in range(6):
        project = make_project(actor=world.lead, key=f"G{n}", customer=world.acme)
        advance_to(project, "uat" if n % 2 else "kickoff", actor=world.lead)
        keys.append(project.key)
    uat_project = selectors.project_list_for_user(world.admin).get(key="G1")
    # The consultant lead's approval does not stand in for the customer lead's.
    services.signoff_record(actor=world.lead, project=uat_project, phase_key="uat", decision="approve")

    projects = list(selectors.project_list_with_phases(world.admin).filter(key__in=keys))
    # One batch query per criterion code that loads data, however many projects share it.
    loading_codes = {
        spec["code"]
        for p in projects
        for spec in p.current_phase.gate
        if registered(spec["code"]) is not None and registered(spec["code"]).load is not None
    }
    assert len(loading_codes) >= 3
    with django_assert_max_num_queries(len(loading_codes)):
        evaluations = selectors.gates_for_projects(projects)
    assert set(evaluations) == {p.pk for p in projects}
    by_key = {p.key: evaluations[p.pk] for p in projects}
    assert {k for k, e in by_key.items() if e.phase == "uat"} == {"G1", "G3", "G5"}
    assert {k for k, e in by_key.items() if e.phase == "kickoff"} == {"G0", "G2", "G4"}
    signoff = next(c for c in by_key["G1"].criteria if c["code"] == "signoff_approved")
    assert signoff["passed"] is False  # only a customer_lead approval counts


def test_signoff_criterion_role_param(world, advance_to):
    project = advance_to(world.project, "uat", actor=world.lead)
    services.signoff_record(actor=world.lead, project=project, phase_key="uat", decision="approve")
    phase = Phase.objects.select_related("project").get(project=project, key="uat")
    phase.gate = [
        {"code": "signoff_approved", "params": {"role": "consultant_lead"}},
        {"code": "signoff_approved", "params": {}},
    ]
    first, second = evaluate_gate(phase).criteria
    assert first["passed"] is True and "lead" in first["detail"]
    assert second["passed"] is False and "customer_lead" in second["detail"]
