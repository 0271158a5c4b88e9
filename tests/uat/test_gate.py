"""The ``uat`` gate, criterion by criterion, and the sign-off bound to the UAT evidence."""

from __future__ import annotations

import pytest

from golive.lifecycle import services as lifecycle_services
from golive.lifecycle.evidence import evidence_for, register_evidence
from golive.lifecycle.gates import evaluate_gate, evaluate_gates
from golive.lifecycle.models import Phase, SignOff
from golive.tracker import services as tracker_services
from golive.uat import services
from golive.uat.selectors import gate_figures, template_min_pass_rates
from tests.uat.builders import ago, run, scenario

GATE = "/api/v1/projects/ACME/gate/"


def criterion(world, code: str) -> dict:
    world.project.refresh_from_db()
    phase = Phase.objects.select_related("project").get(project=world.project, key="uat")
    return next(c for c in evaluate_gate(phase).criteria if c["code"] == code)


@pytest.fixture
def in_uat(world, advance_to):
    advance_to(world.project, "uat", actor=world.lead)
    world.project.refresh_from_db()
    return world


# ---------------------------------------------------------------------------------------------------------------
# uat_critical_scenarios_passed


def test_critical_fails_without_any_scenario(in_uat):
    row = criterion(in_uat, "uat_critical_scenarios_passed")
    assert row["passed"] is False and "No UAT scenario" in row["detail"]


def test_critical_passes_without_critical_scenarios(in_uat):
    scenario(in_uat, "LOW-1", priority="low")
    row = criterion(in_uat, "uat_critical_scenarios_passed")
    assert row["passed"] is True and "No critical" in row["detail"]


def test_critical_not_run_fails_before_any_cycle(in_uat):
    scenario(in_uat, "C-1", priority="critical")
    row = criterion(in_uat, "uat_critical_scenarios_passed")
    assert row["passed"] is False and "No test cycle" in row["detail"]


def test_critical_lists_count_and_first_failing_refs(in_uat):
    for n in range(1, 9):
        scenario(in_uat, f"C-{n}", priority="critical")
    scenario(in_uat, "H-1", priority="high")
    run(in_uat, "C-1", "passed")
    run(in_uat, "C-2", "failed")
    run(in_uat, "C-3", "blocked")
    run(in_uat, "H-1", "failed")  # not critical: does not count here
    row = criterion(in_uat, "uat_critical_scenarios_passed")
    assert row["passed"] is False
    assert "7 of 8 critical scenario(s) not passed in cycle 1" in row["detail"]
    assert "C-2 (failed), C-3 (blocked), C-4 (not_run), C-5 (not_run), C-6 (not_run), ..." in row["detail"]


def test_critical_passes_when_every_critical_passed_in_the_latest_cycle(in_uat):
    scenario(in_uat, "C-1", priority="critical")
    scenario(in_uat, "C-2", priority="critical")
    run(in_uat, "C-1", "failed")
    run(in_uat, "C-1", "passed")
    run(in_uat, "C-2", "passed")
    assert criterion(in_uat, "uat_critical_scenarios_passed")["passed"] is True
    # A new cycle starts everything over.
    services.cycle_create(actor=in_uat.lead, project=in_uat.project)
    row = criterion(in_uat, "uat_critical_scenarios_passed")
    assert row["passed"] is False and "cycle 2" in row["detail"]
    run(in_uat, "C-1", "passed", cycle=2)
    run(in_uat, "C-2", "passed", cycle=2)
    assert criterion(in_uat, "uat_critical_scenarios_passed")["passed"] is True


def test_retired_critical_scenario_no_longer_counts(in_uat):
    scenario(in_uat, "C-1", priority="critical")
    broken = scenario(in_uat, "C-2", priority="critical")
    run(in_uat, "C-1", "passed")
    run(in_uat, "C-2", "failed")
    assert criterion(in_uat, "uat_critical_scenarios_passed")["passed"] is False
    services.scenario_retire(actor=in_uat.lead, scenario=broken)
    assert criterion(in_uat, "uat_critical_scenarios_passed")["passed"] is True


# ---------------------------------------------------------------------------------------------------------------
# uat_min_pass_rate


def test_pass_rate_fails_without_scenarios(in_uat):
    row = criterion(in_uat, "uat_min_pass_rate")
    assert row["passed"] is False and "needs 95%" in row["detail"]


def test_pass_rate_threshold_from_the_template_params(in_uat):
    for n in range(20):
        scenario(in_uat, f"S-{n}")
    for n in range(18):
        run(in_uat, f"S-{n}", "passed")
    row = criterion(in_uat, "uat_min_pass_rate")
    assert row["passed"] is False
    assert row["detail"] == "Pass rate 90% (18 of 20) in cycle 1; needs 95%."
    run(in_uat, "S-18", "passed")
    assert criterion(in_uat, "uat_min_pass_rate")["passed"] is True  # 95% exactly


def test_pass_rate_param_and_template_setting(in_uat):
    for n in range(4):
        scenario(in_uat, f"S-{n}")
    for n in range(3):
        run(in_uat, f"S-{n}", "passed")
    phase = Phase.objects.get(project=in_uat.project, key="uat")
    # Without params the template's ``uat_min_pass_rate`` setting (95) applies.
    phase.gate = [{"code": "uat_min_pass_rate"}]
    phase.save()
    assert criterion(in_uat, "uat_min_pass_rate")["passed"] is False
    template = in_uat.project.template
    template.definition["settings"]["uat_min_pass_rate"] = 70
    template.save()
    row = criterion(in_uat, "uat_min_pass_rate")
    assert row["passed"] is True and "needs 70%" in row["detail"]
    phase.gate = [{"code": "uat_min_pass_rate", "params": {"percent": 80}}]
    phase.save()
    assert criterion(in_uat, "uat_min_pass_rate")["passed"] is False


def test_gate_evaluated_at_an_earlier_instant_ignores_later_runs(in_uat):
    scenario(in_uat, "C-1", priority="critical")
    before = ago(seconds=1)
    run(in_uat, "C-1", "passed")
    phase = Phase.objects.select_related("project").get(project=in_uat.project, key="uat")
    then = evaluate_gates([phase], as_of=before)[phase.pk]
    now = evaluate_gate(phase)
    code = "uat_critical_scenarios_passed"
    assert next(c for c in then.criteria if c["code"] == code)["passed"] is False
    assert next(c for c in now.criteria if c["code"] == code)["passed"] is True


# ---------------------------------------------------------------------------------------------------------------
# The whole uat gate: every criterion passes only together


def test_uat_gate_passes_with_results_no_p1_p2_and_customer_lead_approval(in_uat, api):
    scenario(in_uat, "C-1", priority="critical")
    scenario(in_uat, "M-1")
    failed = run(in_uat, "C-1", "failed")
    services.run_defect_create(actor=in_uat.customer_member, run=failed, severity="P2")
    run(in_uat, "C-1", "passed")
    run(in_uat, "M-1", "passed")
    gate = api(in_uat.lead).get(GATE).json()
    failing = {c["code"] for c in gate["criteria"] if not c["passed"]}
    assert failing == {"signoff_approved", "no_open_p1_p2"}
    defect = in_uat.project.issues.get(kind="defect")
    tracker_services.issue_resolve(actor=in_uat.consultant, issue=defect)
    assert {c["code"] for c in api(in_uat.lead).get(GATE).json()["criteria"] if not c["passed"]} == {"signoff_approved"}
    lifecycle_services.signoff_record(
        actor=in_uat.customer_lead, project=in_uat.project, phase_key="uat", decision="approve"
    )
    assert api(in_uat.lead).get(GATE).json()["passed"] is True
    response = api(in_uat.lead).post("/api/v1/projects/ACME/advance/", {"comment": "UAT done"}, format="json")
    assert response.status_code == 200 and response.json()["current_phase"] == "training"


def test_only_the_customer_leads_approval_satisfies_the_gate(in_uat, api):
    scenario(in_uat, "C-1", priority="critical")
    run(in_uat, "C-1", "passed")
    signoffs = "/api/v1/projects/ACME/signoffs/"
    payload = {"phase": "uat", "decision": "approve"}
    # A customer member or consultant cannot sign off at all; the consultant lead's approval does not count.
    assert api(in_uat.customer_member).post(signoffs, payload, format="json").status_code == 403
    assert api(in_uat.consultant).post(signoffs, payload, format="json").status_code == 403
    assert api(in_uat.lead).post(signoffs, payload, format="json").status_code == 201
    assert criterion(in_uat, "signoff_approved")["passed"] is False
    assert api(in_uat.lead).get(GATE).json()["passed"] is False
    # The customer lead's rejection fails it; the approval passes it.
    assert api(in_uat.customer_lead).post(signoffs, {**payload, "decision": "reject"}, format="json").status_code == 201
    assert criterion(in_uat, "signoff_approved")["passed"] is False
    assert api(in_uat.customer_lead).post(signoffs, payload, format="json").status_code == 201
    assert criterion(in_uat, "signoff_approved")["passed"] is True
    assert api(in_uat.lead).get(GATE).json()["passed"] is True


# ---------------------------------------------------------------------------------------------------------------
# The sign-off records the evidence as it stood


def test_signoff_snapshot_holds_the_uat_evidence(in_uat, api):
    scenario(in_uat, "C-1", priority="critical", title="수주 등록")
    scenario(in_uat, "M-1")
    failed = run(in_uat, "C-1", "failed")
    services.run_defect_create(actor=in_uat.customer_member, run=failed, severity="P3")
    run(in_uat, "C-1", "passed")
    response = api(in_uat.customer_lead).post(
        "/api/v1/projects/ACME/signoffs/", {"phase": "uat", "decision": "approve"}, format="json"
    )
    assert response.status_code == 201
    evidence = response.json()["gate_snapshot"]["evidence"]["uat"]
    assert evidence["summary"]["by_status"] == {"passed": 1, "failed": 0, "blocked": 0, "not_run": 1}
    assert evidence["summary"]["pass_rate"] == 50.0
    assert {c["code"]: c["passed"] for c in evidence["criteria"]} == {
        "uat_critical_scenarios_passed": True,
        "uat_min_pass_rate": False,
    }
    results = {r["ref"]: r for r in evidence["scenarios"]}
    assert results["C-1"]["state"] == "passed" and results["C-1"]["title"] == "수주 등록"
    assert results["C-1"]["tester"] == "customer_member" and results["C-1"]["defects"] == ["ACME-1"]
    assert results["M-1"]["state"] == "not_run"


def test_later_runs_do_not_change_a_recorded_signoff(in_uat, api):
    scenario(in_uat, "C-1", priority="critical")
    run(in_uat, "C-1", "passed")
    signoff = lifecycle_services.signoff_record(
        actor=in_uat.customer_lead, project=in_uat.project, phase_key="uat", decision="approve"
    )
    recorded = SignOff.objects.get(pk=signoff.pk).gate_snapshot
    # Everything changes afterwards: a failure, a new scenario, a retirement, a new cycle.
    run(in_uat, "C-1", "failed")
    scenario(in_uat, "C-2", priority="critical")
    services.cycle_create(actor=in_uat.lead, project=in_uat.project)
    services.scenario_retire(actor=in_uat.lead, scenario=in_uat.project.uat_scenarios.get(ref="C-1"))
    stored = SignOff.objects.get(pk=signoff.pk).gate_snapshot
    assert stored == recorded
    assert stored["evidence"]["uat"]["scenarios"][0]["state"] == "passed"
    listed = api(in_uat.customer_member).get("/api/v1/projects/ACME/signoffs/", {"phase": "uat"}).json()["results"]
    assert listed[0]["gate_snapshot"] == recorded
    # ... while the live gate and summary moved on.
    assert criterion(in_uat, "uat_critical_scenarios_passed")["passed"] is False


def test_other_phases_record_no_evidence(world):
    signoff = lifecycle_services.signoff_record(
        actor=world.customer_lead, project=world.project, phase_key="kickoff", decision="approve"
    )
    assert "evidence" not in signoff.gate_snapshot


def test_evidence_registry_merges_registered_functions(world, monkeypatch):
    from golive.lifecycle import evidence

    monkeypatch.setattr(evidence, "_REGISTRY", {})
    assert evidence_for(world.project, "training") is None

    @register_evidence("training")
    def first(project):
        return {"a": project.key}

    @register_evidence("training")
    def second(project):
        return {"b": 2}

    register_evidence("training")(first)  # registering twice does not run it twice
    assert evidence_for(world.project, "training") == {"a": "ACME", "b": 2}


# ---------------------------------------------------------------------------------------------------------------
# Batch figures for many projects


def test_gate_figures_for_many_projects_at_once(world, django_assert_num_queries):
    scenario(world, "C-1", priority="critical")
    run(world, "C-1", "failed")
    scenario(world, "G-1", project=world.other_project, actor=world.other_lead, priority="critical")
    services.run_record(actor=world.other_customer, project=world.other_project, scenario="G-1", status="passed")
    with django_assert_num_queries(1):
        figures = gate_figures([world.project.pk, world.other_project.pk])
    acme, globex = figures[world.project.pk], figures[world.other_project.pk]
    assert (acme.cycle, acme.active, acme.passed, acme.critical_failing) == (1, 1, 0, [("C-1", "failed")])
    assert (globex.cycle, globex.active, globex.passed, globex.critical_failing) == (1, 1, 1, [])
    assert template_min_pass_rates([world.project.pk]) == {world.project.pk: 95}
