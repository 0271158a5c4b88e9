"""The weekly status report: content of a given week, Markdown, bad parameters, build progress thresholds."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from golive.lifecycle.models import Phase
from golive.tracker import services as tracker_services
from tests.engagement.builders import decision, meeting, requirement

URL = "/api/v1/projects/ACME/status-report/"


class LastWeek:
    """The ISO week before this one, in the project's timezone: wholly in the past, so it can be back-filled."""

    def __init__(self, project):
        self.tz = zoneinfo.ZoneInfo(project.timezone)
        today = timezone.localtime(timezone.now(), self.tz).date()
        self.monday = today - dt.timedelta(days=today.weekday() + 7)
        year, week, _ = self.monday.isocalendar()
        self.label = f"{year}-W{week:02d}"

    def at(self, day: int, hour: int = 10) -> dt.datetime:
        """``day`` 0 is that Monday; -1 the Sunday before, 7 the Monday after."""
        return dt.datetime.combine(self.monday + dt.timedelta(days=day), dt.time(hour), tzinfo=self.tz)


@pytest.fixture
def last_week(world):
    week = LastWeek(world.project)
    meeting(world, "kickoff", starts_at=week.at(1))
    for ref, scope in [("A", "built"), ("B", "built"), ("C", "in_progress"), ("D", "not_started")]:
        requirement(world, ref, scope=scope)
    requirement(world, "E", scope="deferred")
    requirement(world, "F", scope="built", priority="wont")
    both = [world.lead, world.customer_lead]
    decision(world, "Before the week", decided_at=week.at(-1, 23), stakeholders=both)
    decision(world, "Lead alone", decided_at=week.at(2), stakeholders=[world.lead])
    decision(world, "Both leads", decided_at=week.at(6, 22), stakeholders=both)
    decision(world, "After the week", decided_at=min(week.at(7, 1), timezone.now()), stakeholders=both)

    def issue(severity, day):
        return tracker_services.issue_create(
            actor=world.lead,
            project=world.project,
            title=f"{severity} on {day}",
            severity=severity,
            reported_at=week.at(day),
        )

    issue("P1", -2)
    p2 = issue("P2", 0)
    issue("P3", 3)
    issue("P3", 4)
    tracker_services.issue_resolve(actor=world.lead, issue=p2, at=week.at(5))
    early = issue("P4", -3)
    tracker_services.issue_resolve(actor=world.lead, issue=early, at=week.at(-1))
    return week


def test_report_of_a_given_week(world, api, last_week):
    response = api(world.customer_member).get(URL, {"week": last_week.label})
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["week"] == last_week.label
    assert (report["from"], report["to"]) == (
        last_week.monday.isoformat(),
        (last_week.monday + dt.timedelta(days=6)).isoformat(),
    )
    assert report["phase"]["key"] == "kickoff"
    # Deferred (E) and won't-have (F) are out of scope: 2 of A-D built.
    progress = report["progress"]
    assert (progress["in_scope"], progress["built"], progress["percent_built"]) == (4, 2, 50)
    # The kickoff meeting was held that week; the requirements were captured only after it.
    assert [b["code"] for b in report["blockers"]] == ["requirements_captured"]
    decisions = {d["title"]: d for d in report["decisions"]}
    assert set(decisions) == {"Lead alone", "Both leads"}
    assert decisions["Lead alone"]["missing_roles"] == ["customer_lead"]
    assert decisions["Both leads"]["missing_roles"] == []
    assert sorted(decisions["Both leads"]["stakeholders_present"]) == ["customer_lead", "lead"]
    issues = report["issues"]
    assert issues["opened_by_severity"] == {"P2": 1, "P3": 2} and issues["opened"] == 3
    assert issues["closed_by_severity"] == {"P2": 1} and issues["closed"] == 1
    assert issues["open_by_severity"] == {"P1": 1, "P3": 2}
    assert report["dates_moved"] == []
    go_live = {"phase": "go_live", "planned_start": world.project.planned_go_live.isoformat()}
    assert any(m.items() >= go_live.items() for m in report["next_milestones"])


def test_markdown_report(world, api, last_week):
    response = api(world.lead).get(URL, {"week": last_week.label, "format": "md"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    assert text.startswith(f"# Project ACME (ACME): weekly status {last_week.label}")
    for heading in ("Where we are", "Dates moved", "Blockers", "Decisions", "Issues", "Next milestones"):
        assert f"\n## {heading}\n" in text
    assert "Lead alone" in text and "customer_lead" in text
    assert "Before the week" not in text and "After the week" not in text
    assert "Initial requirements captured" in text


def test_moved_go_live_date_shows_in_the_week_it_was_moved(world, api):
    old = world.project.planned_go_live
    new = timezone.localdate() + dt.timedelta(days=90)
    moved = api(world.lead).patch("/api/v1/projects/ACME/", {"planned_go_live": new.isoformat()}, format="json")
    assert moved.status_code == 200
    report = api(world.customer_lead).get(URL).json()
    assert [(m["what"], m["from"], m["to"], m["by"]) for m in report["dates_moved"]] == [
        ("planned_go_live", old.isoformat(), new.isoformat(), "lead")
    ]
    alpha = Phase.objects.get(project=world.project, key="alpha_review")
    milestones = {m["phase"]: m["planned_start"] for m in report["next_milestones"]}
    assert milestones["alpha_review"] == alpha.planned_start.isoformat()
    assert milestones["go_live"] == new.isoformat()
    previous = api(world.customer_lead).get(URL, {"week": LastWeek(world.project).label}).json()
    assert previous["dates_moved"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"week": "2026-W99"}, "week"),
        ({"week": "garbage"}, "week"),
        ({"week": "2026-48"}, "week"),
        ({"format": "pdf"}, "format"),
    ],
)
def test_bad_parameters_are_400_naming_them(world, api, query, field):
    response = api(world.lead).get(URL, query)
    assert response.status_code == 400
    assert field in response.json()["errors"] and response.json()["detail"].startswith(field)


@pytest.mark.parametrize(
    ("built", "alpha_ready", "beta_ready"),
    [(5, False, False), (6, True, False), (8, True, False), (9, True, True), (10, True, True)],
)
def test_build_progress_thresholds(world, api, built, alpha_ready, beta_ready):
    for n in range(10):
        requirement(world, f"R{n}", scope="built" if n < built else "in_progress")
    # Out of scope, so neither may move the percentage: a deferred item and a built won't-have.
    requirement(world, "DEFER", scope="deferred")
    requirement(world, "WONT", scope="built", priority="wont")
    progress = api(world.lead).get(URL).json()["progress"]
    assert (progress["in_scope"], progress["built"], progress["percent_built"]) == (10, built, built * 10)
    assert (progress["alpha_threshold"], progress["beta_threshold"]) == (60, 90)
    assert (progress["alpha_ready"], progress["beta_ready"]) == (alpha_ready, beta_ready)


def test_empty_register_is_not_ready(world, api):
    progress = api(world.lead).get(URL).json()["progress"]
    assert (progress["percent_built"], progress["alpha_ready"], progress["beta_ready"]) == (0, False, False)
