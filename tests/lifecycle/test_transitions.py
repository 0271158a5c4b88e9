"""The phase state machine: every (from, to) pair against the table written out here, and the services that
consult it."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError

from golive.errors import TransitionRefused
from golive.lifecycle import services
from golive.lifecycle.models import PHASE_TRANSITIONS, Phase, PhaseStatus

ALLOWED = {
    ("not_started", "active"),
    ("not_started", "skipped"),
    ("active", "done"),
}
PAIRS = list(itertools.product(PhaseStatus.values, repeat=2))


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_can_move_to(source, target):
    assert Phase(status=source).can_move_to(target) is ((source, target) in ALLOWED)


def test_table_covers_every_status():
    assert set(PHASE_TRANSITIONS) == set(PhaseStatus.values)
    assert all(set(targets) <= set(PhaseStatus.values) for targets in PHASE_TRANSITIONS.values())


def test_done_and_skipped_are_final():
    assert not PHASE_TRANSITIONS[PhaseStatus.DONE]
    assert not PHASE_TRANSITIONS[PhaseStatus.SKIPPED]


def test_skip_refuses_a_phase_that_started(world, advance_to):
    advance_to(world.project, "alpha_review", actor=world.lead)
    for key in ("kickoff", "alpha_review"):
        with pytest.raises(TransitionRefused):
            services.phase_skip(actor=world.lead, project=world.project, phase_key=key, reason="late")


def test_skip_unknown_phase_names_the_field(world):
    with pytest.raises(ValidationError) as exc:
        services.phase_skip(actor=world.lead, project=world.project, phase_key="nothing", reason="x")
    assert "phase" in exc.value.message_dict


def test_advance_refuses_a_closed_project(world, advance_to):
    project = advance_to(world.project, "debrief", actor=world.lead)
    project = services.phase_advance(actor=world.lead, project=project, override_reason="done")
    assert project.current_phase is None
    with pytest.raises(TransitionRefused):
        services.phase_advance(actor=world.lead, project=project, override_reason="again")


def test_skipping_every_remaining_phase_then_advance_closes(world):
    for key in ("alpha_review", "beta_review", "uat", "training", "deployment", "hypercare", "debrief"):
        services.phase_skip(actor=world.lead, project=world.project, phase_key=key, reason="pilot only")
    project = services.phase_advance(actor=world.lead, project=world.project, override_reason="pilot")
    assert project.status == "closed" and project.current_phase is None
    statuses = dict(Phase.objects.filter(project=project).values_list("key", "status"))
    assert statuses["kickoff"] == "done"
    assert {s for k, s in statuses.items() if k != "kickoff"} == {"skipped"}
