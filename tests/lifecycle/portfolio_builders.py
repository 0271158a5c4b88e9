"""Builders of portfolio states (several projects, go-lives, issues), through the real services."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from golive.cutover import services as cutover_services
from golive.lifecycle.models import Project
from golive.tracker import services as tracker_services
from tests.factories import make_project
from tests.tracker.helpers import to_phase

# The saas-standard phases before go-live last 84 days; kickoff ends 78 days before the planned go-live.
KICKOFF_ENDS_BEFORE_GO_LIVE = 78
# The time zone of every organization of the ``world`` fixture, so of its users and projects: the portfolio
# counts days in it, and so do these builders and the tests' expectations.
ZONE = ZoneInfo("Asia/Seoul")


def today() -> dt.date:
    """Today in the world's time zone."""
    return timezone.localtime(timezone.now(), ZONE).date()


def project(world, key: str, *, go_live_in: int = 120, customer=None, actor=None, **kwargs) -> Project:
    """A new project (in kickoff) whose planned go-live is ``go_live_in`` days from today."""
    return make_project(
        actor=actor or world.lead,
        key=key,
        customer=customer or world.acme,
        go_live=today() + dt.timedelta(days=go_live_in),
        **kwargs,
    )


def kickoff_due_in(days: int) -> int:
    """The ``go_live_in`` that makes the kickoff phase's planned end fall ``days`` days from today."""
    return KICKOFF_ENDS_BEFORE_GO_LIVE + days


def kickoff_done(project: Project, *, actor) -> Project:
    """``project``'s kickoff gate met: a kickoff meeting held yesterday and one requirement captured."""
    from golive.engagement import services as engagement_services

    engagement_services.meeting_create(
        actor=actor,
        project=project,
        kind="kickoff",
        title="Kickoff",
        starts_at=timezone.now() - dt.timedelta(days=1),
        attendees=[actor],
    )
    engagement_services.requirement_create(actor=actor, project=project, ref="R1", title="Orders")
    return project


def gone_live(project: Project, *, actor, days_ago: float) -> Project:
    """``project`` through deployment into hypercare, gone live ``days_ago`` days ago (an audited override)."""
    to_phase(project, "deployment", actor=actor)
    project.refresh_from_db()
    at = timezone.now() - dt.timedelta(days=days_ago)
    cutover_services.golive_record(actor=actor, project=project, at=at, override_reason="test")
    project.refresh_from_db()
    return project


def report(project: Project, *, actor, days_ago: float = 0, **fields):
    """An issue on ``project`` reported (back-dated by vendor staff) ``days_ago`` days ago."""
    fields.setdefault("title", "Something broke")
    at = timezone.now() - dt.timedelta(days=days_ago) if days_ago else None
    return tracker_services.issue_create(actor=actor, project=project, reported_at=at, **fields)


def mixed_portfolio(world, first: int, last: int, *, issues: int) -> None:
    """Projects ``P{first}`` .. ``P{last - 1}`` of ACME's customer in a mix of states, ``issues`` issues each:
    kickoff (late, failing gate), UAT, deployment (go/no-go votes open), hypercare (gone live, issues in the
    window, some breached), each with the customer lead as a member and an open retro action."""
    from golive.accounts import services as account_services
    from golive.accounts.models import Role
    from golive.debrief import services as debrief_services

    for n in range(first, last):
        kind = n % 4
        project = make_project(
            actor=world.lead,
            key=f"P{n:03d}",
            customer=world.acme,
            go_live=today() + dt.timedelta(days=[KICKOFF_ENDS_BEFORE_GO_LIVE - 3, 40, 5, -10][kind]),
        )
        account_services.membership_add(
            actor=world.lead, project=project, user=world.customer_lead, role=Role.CUSTOMER_LEAD
        )
        if kind == 1:
            to_phase(project, "uat", actor=world.lead)
        elif kind == 2:
            to_phase(project, "deployment", actor=world.lead)
        elif kind == 3:
            gone_live(project, actor=world.lead, days_ago=8.5)
        for i in range(issues):
            report(project, actor=world.lead, days_ago=(i % 8) + 0.3, severity=["P1", "P2", "P3", "P4"][i % 4])
        debrief_services.retro_action_create(
            actor=world.lead,
            project=project,
            title=f"Follow up {n}",
            owner=world.customer_lead,
            due_date=today() - dt.timedelta(days=1),
        )
