"""Builders of issue-desk and hypercare states, through the real services."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from golive.cutover import services as cutover_services
from golive.lifecycle import services as lifecycle_services
from golive.lifecycle.models import Project
from golive.tracker import services
from golive.tracker.models import Issue, IssueStatus

LA = ZoneInfo("America/Los_Angeles")
# A Monday without a US holiday, well in the past, in Pacific Daylight Time.
MONDAY_9_LA = dt.datetime(2026, 10, 19, 9, 0, tzinfo=LA)


def to_phase(project: Project, key: str, *, actor) -> Project:
    """Advance ``project`` by consultant-lead overrides until ``key`` is its current phase."""
    for _ in range(project.phases.count()):
        project.refresh_from_db()
        if project.current_phase is not None and project.current_phase.key == key:
            return project
        lifecycle_services.phase_advance(actor=actor, project=project, override_reason="test")
    raise AssertionError(f"{project.key} never reached {key}")


def go_live(world, *, at: dt.datetime | None = None, days_ago: float | None = None) -> Project:
    """ACME through deployment into hypercare, gone live at ``at`` (or ``days_ago`` days ago)."""
    if at is None:
        at = timezone.now() - dt.timedelta(days=days_ago or 0)
    to_phase(world.project, "deployment", actor=world.lead)
    cutover_services.golive_record(actor=world.lead, project=world.project, at=at, override_reason="test")
    world.project.refresh_from_db()
    return world.project


def report(world, *, actor=None, at: dt.datetime | None = None, **fields) -> Issue:
    """An ACME issue reported by ``actor`` (default the consultant lead), back-dated to ``at``."""
    fields.setdefault("title", "Something broke")
    return services.issue_create(actor=actor or world.lead, project=world.project, reported_at=at, **fields)


# The moves that bring a new issue to each status (through the guarded services).
PATHS = {
    IssueStatus.NEW: [],
    IssueStatus.TRIAGED: [services.issue_triage],
    IssueStatus.IN_PROGRESS: [services.issue_start],
    IssueStatus.WAITING_ON_CUSTOMER: [services.issue_wait_on_customer],
    IssueStatus.RESOLVED: [services.issue_resolve],
    IssueStatus.CLOSED: [services.issue_resolve, services.issue_close],
}


def issue_in(world, status: str, **fields) -> Issue:
    issue = report(world, **fields)
    for move in PATHS[status]:
        issue = move(actor=world.lead, issue=issue)
    assert issue.status == status
    return issue
