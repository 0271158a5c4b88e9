"""The ``training_coverage_met`` criterion through the gate of a project in ``training``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from golive.lifecycle.gates import evaluate_gates
from golive.lifecycle.models import Phase
from golive.training.selectors import coverage_for_projects
from tests.factories import make_project
from tests.training.helpers import make_session, mark


@pytest.fixture
def in_training(world, advance_to):
    advance_to(world.project, "training", actor=world.lead)
    return world


def _criterion(api, world) -> dict:
    gate = api(world.lead).get("/api/v1/projects/ACME/gate/").json()
    assert gate["phase"] == "training"
    return next(c for c in gate["criteria"] if c["code"] == "training_coverage_met")


def _attendance(world, session, attended: int, total: int) -> None:
    statuses = {f"guest{i}@example.com": "attended" if i < attended else "absent" for i in range(total)}
    mark(world, session, statuses)


def test_not_met_without_sessions(in_training, api):
    criterion = _criterion(api, in_training)
    assert criterion["passed"] is False
    assert criterion["label"] == "Training coverage met"
    assert "0 of 0" in criterion["detail"]


def test_not_met_while_a_train_the_trainer_session_is_ahead(in_training, api):
    make_session(in_training, kind="train_the_trainer", days=-2)
    make_session(in_training, kind="train_the_trainer", days=1)
    _attendance(in_training, make_session(in_training, kind="end_user", days=-1), 5, 5)
    criterion = _criterion(api, in_training)
    assert criterion["passed"] is False
    assert "1 of 2" in criterion["detail"]


def test_met_at_exactly_80_percent(in_training, api):
    make_session(in_training, kind="train_the_trainer", days=-5)
    _attendance(in_training, make_session(in_training, kind="end_user", days=-1), 4, 5)
    # A session still ahead: its invitations do not count yet.
    mark(in_training, make_session(in_training, kind="end_user", days=2), {"customer_member": "invited"})
    criterion = _criterion(api, in_training)
    assert criterion["passed"] is True, criterion
    assert "80%" in criterion["detail"] and "4 of 5" in criterion["detail"]


def test_not_met_below_80_percent(in_training, api):
    make_session(in_training, kind="train_the_trainer", days=-5)
    session = make_session(in_training, kind="end_user", days=-1)
    _attendance(in_training, session, 3, 4)
    mark(in_training, session, {"customer_member": "invited"})  # invited but never marked counts as not attended
    criterion = _criterion(api, in_training)
    assert criterion["passed"] is False
    assert "60%" in criterion["detail"] and "needs 80%" in criterion["detail"]


def test_not_met_without_end_user_attendance(in_training, api):
    make_session(in_training, kind="train_the_trainer", days=-5)
    criterion = _criterion(api, in_training)
    assert criterion["passed"] is False
    assert "none recorded" in criterion["detail"]


def test_custom_threshold_from_the_template(in_training, api):
    phase = Phase.objects.get(project=in_training.project, key="training")
    phase.gate = [{**spec, "params": {"min_attendance_percent": 70}} for spec in phase.gate]
    phase.save(update_fields=["gate"])
    make_session(in_training, kind="train_the_trainer", days=-5)
    _attendance(in_training, make_session(in_training, kind="end_user", days=-1), 3, 4)
    criterion = _criterion(api, in_training)
    assert criterion["passed"] is True
    assert "needs 70%" in criterion["detail"]
    coverage = api(in_training.customer_member).get("/api/v1/projects/ACME/training/coverage/").json()
    assert (coverage["passed"], coverage["min_attendance_percent"], coverage["attendance_percent"]) == (True, 70, 75)


def test_gate_passes_and_project_advances(in_training, api):
    make_session(in_training, kind="train_the_trainer", days=-5)
    _attendance(in_training, make_session(in_training, kind="end_user", days=-1), 9, 10)
    gate = api(in_training.lead).get("/api/v1/projects/ACME/gate/").json()
    coverage = next(c for c in gate["criteria"] if c["code"] == "training_coverage_met")
    assert coverage["passed"] is True


def test_point_in_time_evaluation(world):
    session = make_session(world, kind="train_the_trainer", days=-1)
    figures = coverage_for_projects([world.project.pk], as_of=session.starts_at - dt.timedelta(minutes=1))
    assert figures[world.project.pk].train_the_trainer_started == 0
    figures = coverage_for_projects([world.project.pk], as_of=timezone.now())
    assert figures[world.project.pk].train_the_trainer_started == 1


def _training_phases(count: int, world) -> list[Phase]:
    for i in range(count):
        project = make_project(actor=world.lead, key=f"TR{i}", customer=world.acme)
        make_session(world, project=project, kind="train_the_trainer", days=-1)
        mark(world, make_session(world, project=project, days=-1), {"lead": "attended"})
    phases = list(Phase.objects.filter(key="training").select_related("project"))
    assert len(phases) >= count
    return phases


@pytest.mark.parametrize("count", [2, 8])
def test_criterion_loads_in_two_queries_for_any_number_of_projects(world, count):
    phases = _training_phases(count, world)
    phases = [p for p in phases if p.gate == [s for s in p.gate if s["code"] == "training_coverage_met"]]
    with CaptureQueriesContext(connection) as queries:
        results = evaluate_gates(phases)
    assert len(queries) == 2
    passed = [r.passed for p, r in ((p, results[p.pk]) for p in phases) if p.project.key.startswith("TR")]
    assert passed == [True] * count
