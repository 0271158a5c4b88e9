"""Two overrides of the same project at the same instant: each advance is whole, none is lost or doubled."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from golive.audit.models import AuditEvent
from golive.lifecycle import services
from golive.lifecycle.models import Phase, PhaseStatus, Project
from tests.factories import make_project


def _race(calls):
    """Run the callables in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "an advance never finished"
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_overrides_advance_one_phase_each(world):
    project = world.project
    lead_id = world.lead.pk

    def advance(reason):
        from golive.accounts.models import User

        def call():
            actor = User.objects.get(pk=lead_id)  # each thread its own user and connection
            return services.phase_advance(
                actor=actor, project=Project.objects.get(pk=project.pk), override_reason=reason
            )

        return call

    outcomes = _race([advance("first"), advance("second")])
    assert all(isinstance(o, Project) for o in outcomes), outcomes

    statuses = list(Phase.objects.filter(project=project).order_by("order").values_list("key", "status"))
    active = [i for i, (_, status) in enumerate(statuses) if status == PhaseStatus.ACTIVE]
    assert len(active) == 1
    assert all(status == PhaseStatus.DONE for _, status in statuses[: active[0]])
    assert all(status == PhaseStatus.NOT_STARTED for _, status in statuses[active[0] + 1 :])
    # Serialised by the row lock: kickoff -> alpha_review, then alpha_review -> beta_review.
    assert statuses[active[0]][0] == "beta_review"
    project.refresh_from_db()
    assert project.current_phase.key == "beta_review"
    moves = sorted(
        (e.changes["from"], e.changes["to"])
        for e in AuditEvent.objects.filter(project=project, action="phase.overridden")
    )
    assert moves == [("alpha_review", "beta_review"), ("kickoff", "alpha_review")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_advances_of_different_projects_do_not_interfere(world):
    second = make_project(actor=world.lead, key="SECOND", customer=world.acme)
    lead_id = world.lead.pk

    def advance(pk):
        from golive.accounts.models import User

        def call():
            return services.phase_advance(
                actor=User.objects.get(pk=lead_id), project=Project.objects.get(pk=pk), override_reason="parallel"
            )

        return call

    outcomes = _race([advance(world.project.pk), advance(second.pk)])
    assert all(isinstance(o, Project) for o in outcomes), outcomes
    for project in (world.project, second):
        project.refresh_from_db()
        assert project.current_phase.key == "alpha_review"
