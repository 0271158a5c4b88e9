"""Builders of deployment-week states, through the real services."""

from __future__ import annotations

from golive.cutover import services
from golive.cutover.models import RunbookStep
from tests.tracker.helpers import to_phase


def runbook(world, steps: list[tuple[str, list[str]]], *, rollback: tuple[str, ...] = (), minutes: int = 30):
    """Create steps ``[(ref, depends_on)]`` in ACME's runbook; refs in ``rollback`` are rollback steps."""
    for ref, depends_on in steps:
        services.step_create(
            actor=world.lead,
            project=world.project,
            ref=ref,
            title=f"Step {ref}",
            planned_minutes=minutes,
            depends_on=depends_on,
            rollback=ref in rollback,
        )


def step(world, ref: str) -> RunbookStep:
    return RunbookStep.objects.select_related("runbook__project").get(runbook__project=world.project, ref=ref)


def run(world, ref: str, *actions: str, actor=None) -> RunbookStep:
    """Apply actions (start, complete, fail, skip) to a step in order."""
    for action in actions:
        services.STEP_ACTIONS[action](actor or world.lead, step(world, ref), "because")
    return step(world, ref)


def ready_for_go(world):
    """ACME in deployment with its runbook done and a passing test report: every go/no-go criterion passes."""
    to_phase(world.project, "deployment", actor=world.lead)
    runbook(world, [("S1", []), ("S2", ["S1"])], rollback=())
    run(world, "S1", "start", "complete")
    run(world, "S2", "start", "complete")
    services.test_report_manual(
        actor=world.lead, project=world.project, title="Smoke", items=[{"name": "Login", "status": "passed"}]
    )
    world.project.refresh_from_db()
    return world.project
