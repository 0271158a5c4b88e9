"""Debrief states for tests, built through the real services (STYLE.md 7).

``full_project(world)`` walks ACME through its whole lifecycle with data in every app: requirements and
review feedback, two UAT cycles, training with attendance, a runbook run, test evidence, a "go" decision, a
go-live six days ago, hypercare issues (one P1 that breached both SLA clocks) and a retrospective. The figures
the report must show are in ``EXPECTED``.

Also used by the debrief rows of ``tests/permissions.py``, so it must not import that module.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from golive.cutover import services as cutover_services
from golive.debrief import services as debrief_services
from golive.engagement import services as engagement_services
from golive.hypercare import services as hypercare_services
from golive.lifecycle import services as lifecycle_services
from golive.tracker import services as tracker_services
from golive.training import services as training_services
from golive.uat import services as uat_services
from tests.tracker.helpers import to_phase

KOREAN_NAME = "에이크미 CRM 구축"
ZONE = zoneinfo.ZoneInfo("Asia/Seoul")

EXPECTED = {
    "requirements": 3,
    "change_requests": 1,
    "feedback_small": 2,
    "feedback_large": 1,
    "cycles": [50.0, 100.0],
    "issues_in_window": 4,
    "by_severity": {"P1": 1, "P2": 1, "P3": 1, "P4": 1},
    "training_gaps": 1,
    "bugs": 1,
    "response_breached": 1,
    "resolution_breached": 1,
    "days_to_silence": 3,
    "defects": {"P1": 0, "P2": 1, "P3": 0, "P4": 0},
}


def golive_instant() -> dt.datetime:
    """09:00 in Seoul six days ago: far from a day boundary, so per-day counts are the same at any hour."""
    today = timezone.localtime(timezone.now(), ZONE).date()
    return dt.datetime.combine(today - dt.timedelta(days=6), dt.time(9), tzinfo=ZONE)


def engagement(world) -> None:
    project, lead = world.project, world.lead
    for ref, title, change_request in (("R-1", "Customer 360", False), ("R-2", "Loyalty tiers", False)):
        engagement_services.requirement_create(
            actor=lead, project=project, ref=ref, title=title, scope="built", change_request=change_request
        )
    engagement_services.requirement_create(
        actor=lead, project=project, ref="R-3", title="Two-step approval", scope="deferred", change_request=True
    )
    meeting = engagement_services.meeting_create(
        actor=lead,
        project=project,
        kind="review",
        title="Alpha review",
        starts_at=timezone.now() - dt.timedelta(days=30),
        attendees=[lead, world.customer_lead],
    )
    for text, size in (("Rename a field", "small"), ("Add a validation rule", "small"), ("New process", "large")):
        engagement_services.feedback_create(actor=lead, project=project, meeting=meeting, text=text, size=size)


def uat(world) -> None:
    """Four scenarios; cycle 1: 2 passed, 1 failed, 1 blocked (50%); cycle 2: all passed (100%)."""
    project = world.project
    for n, priority in enumerate(("critical", "high", "medium", "low"), start=1):
        uat_services.scenario_create(
            actor=world.lead, project=project, ref=f"UAT-{n}", title=f"Scenario {n}", priority=priority
        )
    for n, status in enumerate(("passed", "passed", "failed", "blocked"), start=1):
        uat_services.run_record(actor=world.customer_member, project=project, scenario=f"UAT-{n}", status=status)
    for n in range(1, 5):
        uat_services.run_record(
            actor=world.customer_member, project=project, scenario=f"UAT-{n}", status="passed", cycle=2
        )


def training(world) -> None:
    project = world.project
    started = timezone.now() - dt.timedelta(days=10)
    ttt = training_services.session_create(
        actor=world.lead, project=project, kind="train_the_trainer", title="Key users", starts_at=started
    )
    end_user = training_services.session_create(
        actor=world.lead, project=project, kind="end_user", title="Sales team", starts_at=started
    )
    training_services.attendance_record(actor=world.lead, session=ttt, attendee="customer_lead", status="attended")
    training_services.attendance_record(
        actor=world.lead, session=end_user, attendee="customer_member", status="attended"
    )
    training_services.attendance_record(
        actor=world.lead, session=end_user, attendee="guest@acme.example", status="absent"
    )


def deployment(world) -> None:
    """A two-step runbook run, a passing smoke test, a "go" vote and decision, then the go-live."""
    project, lead = world.project, world.lead
    to_phase(project, "deployment", actor=lead)
    for ref, depends_on in (("FREEZE", []), ("LOAD", ["FREEZE"])):
        cutover_services.step_create(
            actor=lead, project=project, ref=ref, title=f"Step {ref}", planned_minutes=30, depends_on=depends_on
        )
    from golive.cutover.models import RunbookStep

    for ref in ("FREEZE", "LOAD"):
        step = RunbookStep.objects.select_related("runbook__project").get(runbook__project=project, ref=ref)
        step = cutover_services.step_start(actor=lead, step=step)
        cutover_services.step_complete(actor=lead, step=step)
    cutover_services.test_report_manual(
        actor=lead, project=project, title="Smoke test", items=[{"name": "Log in", "status": "passed"}]
    )
    cutover_services.vote_cast(actor=lead, project=project, vote="go", comment="ready")
    cutover_services.go_no_go_decide(actor=lead, project=project, decision="go", comment="Go for Monday")
    cutover_services.golive_record(actor=lead, project=project, at=golive_instant())
    project.refresh_from_db()


def uat_defect(world) -> None:
    """A P2 defect found in UAT three days before the go-live and resolved the day after."""
    before = golive_instant() - dt.timedelta(days=3)
    issue = tracker_services.issue_create(
        actor=world.support,
        project=world.project,
        title="Discount rounding is off by one cent",
        severity="P2",
        category="bug",
        kind="defect",
        reported_at=before,
    )
    tracker_services.issue_resolve(actor=world.support, issue=issue, at=before + dt.timedelta(days=1))


def hypercare_issues(world) -> None:
    """Four issues in the window: a P1 answered after 60 minutes and resolved after 6 hours (both clocks
    breached), a P3 training gap, a P2 bug and an open P4, all answered within minutes; none after day 2."""
    project, support = world.project, world.support
    start = golive_instant()
    rows = [
        (dt.timedelta(hours=1), "P1", "access", "SSO login fails", 60, 360),
        (dt.timedelta(days=1, hours=1), "P3", "training_gap", "How do I log a call?", 10, 60),
        (dt.timedelta(days=2, hours=1), "P2", "bug", "Quote PDF shows the wrong currency", 5, 45),
        (dt.timedelta(days=2, hours=3), "P4", "configuration", "Typo in a picklist", 5, None),
    ]
    for offset, severity, category, title, respond, resolve in rows:
        reported = start + offset
        issue = tracker_services.issue_create(
            actor=support,
            project=project,
            title=title,
            severity=severity,
            category=category,
            kind="incident",
            reported_at=reported,
        )
        issue = tracker_services.issue_triage(actor=support, issue=issue, at=reported + dt.timedelta(minutes=respond))
        if resolve is not None:
            tracker_services.issue_resolve(actor=support, issue=issue, at=reported + dt.timedelta(minutes=resolve))


def retro(world) -> dict:
    project = world.project
    well = debrief_services.retro_item_create(
        actor=world.customer_member, project=project, column="went_well", text="Fast answers in hypercare"
    )
    improve = debrief_services.retro_item_create(
        actor=world.consultant, project=project, column="to_improve", text="Training came late", group="Training"
    )
    for user in (world.lead, world.customer_lead):
        debrief_services.retro_vote_toggle(actor=user, item=improve)
    debrief_services.retro_vote_toggle(actor=world.lead, item=well)
    open_action = debrief_services.retro_action_create(
        actor=world.lead,
        project=project,
        title="Train key users before UAT",
        owner=world.consultant,
        due_date=timezone.localdate() + dt.timedelta(days=20),
    )
    done = debrief_services.retro_action_create(
        actor=world.lead, project=project, title="Share the SLA policy at kickoff", owner=world.lead
    )
    debrief_services.retro_action_complete(actor=world.lead, action=done)
    return {"well": well, "improve": improve, "open_action": open_action, "done_action": done}


def full_project(world):
    """ACME in its debrief phase with data in every app (see the module docstring)."""
    lifecycle_services.project_update(actor=world.lead, project=world.project, name=KOREAN_NAME, timezone="Asia/Seoul")
    world.project.refresh_from_db()
    engagement(world)
    uat(world)
    training(world)
    deployment(world)
    uat_defect(world)
    hypercare_issues(world)
    hypercare_services.hypercare_exit(actor=world.lead, project=world.project, override_reason="test: agreed")
    built = retro(world)
    world.project.refresh_from_db()
    return built


# ---------------------------------------------------------------------------------------------------------------
# Path parameters and payloads of the debrief rows of ``tests/permissions.py``


def retro_item_params(world) -> dict:
    """A note of ACME written by the customer member."""
    item = debrief_services.retro_item_create(
        actor=world.customer_member, project=world.project, column="went_well", text="Quick answers"
    )
    return {"item_id": str(item.pk)}


def retro_group_payload(world) -> dict:
    item = debrief_services.retro_item_create(
        actor=world.customer_member, project=world.project, column="to_improve", text="Late data"
    )
    return {"items": [item.pk], "group": "Data"}


def retro_action_params(world) -> dict:
    """An open action of ACME created by the consultant lead and owned by the consultant."""
    action = debrief_services.retro_action_create(
        actor=world.lead, project=world.project, title="Share the SLA", owner=world.consultant
    )
    return {"action_id": str(action.pk)}


def done_action_params(world) -> dict:
    params = retro_action_params(world)
    from golive.debrief.models import RetroAction

    debrief_services.retro_action_complete(
        actor=world.consultant, action=RetroAction.objects.get(pk=params["action_id"])
    )
    return params


def published_params(world) -> dict:
    report = debrief_services.report_publish(actor=world.lead, project=world.project)
    return {"number": str(report.number)}
