"""The debrief gate's ``report_published`` criterion: it passes once a report is published during the debrief
phase, so the project can be closed without an override; a mid-project report does not count."""

from __future__ import annotations

import pytest

from golive.debrief import services
from golive.errors import GateFailed
from golive.lifecycle import services as lifecycle_services
from golive.lifecycle.gates import evaluate_gates
from golive.lifecycle.models import Phase, Project
from tests.factories import make_project

pytestmark = pytest.mark.django_db


def _criterion(project) -> dict:
    project.refresh_from_db()
    phase = project.current_phase
    phase.project = project
    evaluation = evaluate_gates([phase])[phase.pk]
    return next(c for c in evaluation.criteria if c["code"] == "report_published")


def test_publishing_in_debrief_opens_the_gate(world, advance_to):
    project = advance_to(world.project, "debrief", actor=world.lead)
    row = _criterion(project)
    assert (row["passed"], row["detail"]) == (False, "No project report has been published yet.")
    with pytest.raises(GateFailed):
        lifecycle_services.phase_advance(actor=world.lead, project=project)
    services.report_publish(actor=world.lead, project=project)
    assert _criterion(project)["passed"] is True
    project = lifecycle_services.phase_advance(actor=world.lead, project=project, comment="Debrief held")
    assert project.status == Project.Status.CLOSED


def test_a_report_published_before_debrief_does_not_count(world, advance_to):
    services.report_publish(actor=world.lead, project=world.project)
    project = advance_to(world.project, "debrief", actor=world.lead)
    row = _criterion(project)
    assert row["passed"] is False
    assert row["detail"] == "Report 1 was published before this phase started."


def test_the_criterion_loads_many_projects_in_one_query(world, advance_to, django_assert_max_num_queries):
    projects = [advance_to(world.project, "debrief", actor=world.lead)]
    for n in range(5):
        project = make_project(actor=world.lead, key=f"D{n}", customer=world.acme)
        projects.append(advance_to(project, "debrief", actor=world.lead))
        services.report_publish(actor=world.lead, project=project)
    phases = list(Phase.objects.filter(key="debrief", project__in=projects).select_related("project"))
    from golive.debrief.criteria import _latest

    with django_assert_max_num_queries(1):
        loaded = _latest(phases)
    assert len(loaded) == 5
    results = evaluate_gates(phases)
    assert sorted(results[p.pk].passed for p in phases) == [False, True, True, True, True, True]
