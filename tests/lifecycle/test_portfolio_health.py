"""The portfolio's red/amber/green health, one rule at a time, on states built through the real services."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from golive.hypercare import services as hypercare_services
from golive.lifecycle import portfolio
from golive.lifecycle import services as lifecycle_services
from golive.tracker import services as tracker_services
from tests.lifecycle import portfolio_builders as build

pytestmark = pytest.mark.django_db


def _row(world, key: str = "ACME", user=None) -> dict:
    visible = portfolio.visible_projects(user or world.admin)
    rows = portfolio.portfolio_rows(visible)
    # Every state built here also checks the ranks that filter and sort by health: the same colours.
    ranks = {r["key"]: (r["health"], r["days_late"], r["rag"]) for r in portfolio.health_ranks(visible)}
    assert ranks == {r["key"]: (r["health"], r["days_late"], r["rag"]) for r in rows}
    return next(row for row in rows if row["key"] == key)


def _codes(row) -> dict[str, str]:
    return {reason["code"]: reason["level"] for reason in row["rag_reasons"]}


def test_a_project_on_schedule_with_nothing_open_is_green(world):
    row = _row(world)
    assert (row["rag"], row["rag_reasons"]) == ("green", [])
    assert row["health"] == "on_track"  # the schedule health is still there, unchanged


@pytest.mark.parametrize(("late", "level"), [(3, "amber"), (10, "red")])
def test_a_phase_past_its_planned_end_is_amber_then_red_after_a_week(world, late, level):
    build.project(world, "SLIP", go_live_in=build.kickoff_due_in(-late))
    row = _row(world, "SLIP")
    assert row["days_late"] == late
    assert _codes(row)["phase_late"] == level
    assert row["rag"] == level


def test_a_failing_gate_due_within_a_week_is_amber(world):
    build.project(world, "SOON", go_live_in=build.kickoff_due_in(3))
    build.project(world, "LATER", go_live_in=build.kickoff_due_in(20))
    soon, later = _row(world, "SOON"), _row(world, "LATER")
    assert soon["gate_passed"] is False and later["gate_passed"] is False
    assert _codes(soon) == {"gate_failing": "amber"} and soon["rag"] == "amber"
    assert later["rag"] == "green"  # the same failing gate, but its phase is not due yet


def test_a_gate_waiting_only_for_its_date_and_sign_off_is_no_warning(world):
    project = build.gone_live(build.project(world, "HC", go_live_in=-10), actor=world.lead, days_ago=10.5)
    row = _row(world, "HC")
    assert row["phase"] == "hypercare" and 0 <= (row["phase_planned_end"] - build.today()).days <= 4
    assert set(row["gate_failing_codes"]) == {"hypercare_window_elapsed", "signoff_approved"}
    assert row["rag"] == "green"
    build.report(project, actor=world.lead, severity="P2")  # open P2: the exit evidence fails
    row = _row(world, "HC")
    assert "no_open_p1_p2" in row["gate_failing_codes"]
    assert _codes(row) == {"gate_failing": "amber"}


def test_a_passing_gate_due_soon_stays_green(world):
    project = build.project(world, "PASS", go_live_in=build.kickoff_due_in(3))
    from golive.engagement import services as engagement_services

    engagement_services.meeting_create(
        actor=world.lead,
        project=project,
        kind="kickoff",
        title="Kickoff",
        starts_at=timezone.now() - dt.timedelta(hours=2),
        duration_minutes=60,
    )
    engagement_services.requirement_create(
        actor=world.lead, project=project, ref="R1", title="Quotes in KRW", source="kickoff"
    )
    row = _row(world, "PASS")
    assert row["gate_passed"] is True
    assert row["rag"] == "green"


@pytest.mark.parametrize(("overdue", "level"), [(3, "amber"), (12, "red")])
def test_a_planned_go_live_passed_without_a_go_live_is_overdue(world, advance_to, overdue, level):
    project = build.project(world, "LATE", go_live_in=-overdue)
    advance_to(project, "deployment", actor=world.lead)
    row = _row(world, "LATE")
    assert row["actual_go_live"] is None
    assert _codes(row)["go_live_overdue"] == level


def test_a_recorded_go_live_is_not_overdue_and_shows_its_variance(world):
    project = build.project(world, "LIVE", go_live_in=-4)
    build.gone_live(project, actor=world.lead, days_ago=1)
    row = _row(world, "LIVE")
    assert "go_live_overdue" not in _codes(row)
    assert row["actual_go_live"] is not None
    assert row["go_live_variance_days"] in (2, 3, 4)  # one day ago against four days ago, in the project's zone


def test_an_open_breached_issue_is_amber_and_a_breached_p1_p2_is_red(world):
    issue = build.report(world.project, actor=world.lead, days_ago=6, severity="P3")
    row = _row(world)
    assert (row["sla_breaches"], row["sla_breaches_p1_p2"]) == (1, 0)
    assert _codes(row) == {"sla_breach": "amber"}
    build.report(world.project, actor=world.lead, days_ago=6, severity="P2")
    row = _row(world)
    assert (row["sla_breaches"], row["sla_breaches_p1_p2"]) == (2, 1)
    assert _codes(row) == {"sla_breach": "red"} and row["rag"] == "red"
    # A resolved issue no longer counts, even though its breach stays on record.
    tracker_services.sweep_breaches()
    for open_issue in world.project.issues.all():
        tracker_services.issue_resolve(actor=world.lead, issue=open_issue)
    issue.refresh_from_db()
    assert issue.response_breached
    assert _row(world)["rag"] == "green"


def test_an_issue_within_its_due_times_is_not_a_breach(world):
    build.report(world.project, actor=world.lead, severity="P3")
    row = _row(world)
    assert row["open_issues"] == 1 and row["sla_breaches"] == 0 and row["rag"] == "green"


def test_rising_hypercare_arrivals_are_amber(world):
    build.gone_live(world.project, actor=world.lead, days_ago=7.5)
    # Complete days 1..6 after go-live: 0 0 0 | 1 2 3 -> the last three days bring more than the three before.
    for day, count in [(4, 1), (5, 2), (6, 3)]:
        for _ in range(count):
            build.report(world.project, actor=world.lead, days_ago=7.5 - day - 0.2, severity="P4")
    tracker_services.sweep_breaches()
    for issue in world.project.issues.all():
        tracker_services.issue_triage(actor=world.lead, issue=issue)
    row = _row(world)
    state = row["hypercare_state"]
    assert state["status"] == "active" and state["trend"] == "rising"
    assert _codes(row).get("hypercare_rising") == "amber"


def test_falling_hypercare_arrivals_are_not_a_warning(world):
    build.gone_live(world.project, actor=world.lead, days_ago=7.5)
    for day, count in [(1, 3), (2, 2), (3, 2), (5, 1)]:
        for _ in range(count):
            issue = build.report(world.project, actor=world.lead, days_ago=7.5 - day - 0.2, severity="P4")
            tracker_services.issue_resolve(actor=world.lead, issue=issue)
    row = _row(world)
    assert row["hypercare_state"]["trend"] == "falling"
    assert "hypercare_rising" not in _codes(row)


def test_hypercare_state_counts_days_since_the_last_p1_p2_and_draws_fourteen_days(world):
    build.gone_live(world.project, actor=world.lead, days_ago=20.5)
    build.report(world.project, actor=world.lead, days_ago=6.2, severity="P2")
    build.report(world.project, actor=world.lead, days_ago=2.2, severity="P3")
    state = _row(world)["hypercare_state"]
    assert state["days_since_last_p1_p2"] == 6
    assert state["issues_in_window"] == 2
    assert len(state["sparkline"]) == portfolio.SPARKLINE_DAYS
    assert sum(day["count"] for day in state["sparkline"]) == 2
    assert state["sparkline"][-1]["date"] == build.today()


def test_without_a_p1_p2_the_days_count_from_go_live(world):
    build.gone_live(world.project, actor=world.lead, days_ago=5.5)
    assert _row(world)["hypercare_state"]["days_since_last_p1_p2"] == 5


def test_an_exited_window_keeps_its_figures_and_has_no_trend_warning(world):
    build.gone_live(world.project, actor=world.lead, days_ago=20)
    build.report(world.project, actor=world.lead, days_ago=18, severity="P2")
    exit_at = timezone.now() - dt.timedelta(days=4)
    hypercare_services.hypercare_exit(actor=world.lead, project=world.project, override_reason="contract", at=exit_at)
    build.report(world.project, actor=world.lead, days_ago=1, severity="P1")  # support's issue, after the exit
    state = _row(world)["hypercare_state"]
    assert state["status"] == "exited"
    assert state["issues_in_window"] == 1
    assert state["days_since_last_p1_p2"] == 14


def test_a_closed_project_has_no_colour(world, advance_to):
    for _ in range(world.project.phases.count()):
        world.project.refresh_from_db()
        if world.project.status == "closed":
            break
        lifecycle_services.phase_advance(actor=world.lead, project=world.project, override_reason="test")
    row = _row(world)
    assert (row["health"], row["rag"], row["rag_reasons"]) == ("closed", None, [])


def test_the_worst_signal_wins(world):
    build.project(world, "MIX", go_live_in=build.kickoff_due_in(-3))  # amber: 3 days late
    mix = world.project.__class__.objects.get(key="MIX")
    build.report(mix, actor=world.lead, days_ago=3, severity="P1")  # red: breached P1
    row = _row(world, "MIX")
    assert _codes(row) == {"phase_late": "amber", "gate_failing": "amber", "sla_breach": "red"}
    assert row["rag"] == "red"


def test_the_light_health_pass_agrees_with_the_full_rows(world):
    """Filtering and sorting by health use ``health_rows`` (no phases, only the gates due soon): the same colours
    and reasons as the rows the page shows."""
    build.mixed_portfolio(world, 0, 8, issues=3)
    build.project(world, "LATER", go_live_in=build.kickoff_due_in(20))
    visible = portfolio.visible_projects(world.admin)
    full = {r["key"]: (r["health"], r["rag"], r["rag_reasons"]) for r in portfolio.portfolio_rows(visible)}
    light = {
        r["key"]: (r["health"], r["rag"], r["rag_reasons"])
        for r in portfolio.health_rows(portfolio.light_projects(visible))
    }
    assert light == full
    assert {rag for _health, rag, _reasons in full.values()} >= {"red", "green"}


def test_the_health_ranks_agree_with_the_full_rows_and_keep_the_order(world):
    """The ranks behind ``?health=`` and ``?sort=health`` (SQL figures, full health only where they cannot tell)
    give the colours, schedule health and days late of the full rows, and so the same order and pages."""
    build.mixed_portfolio(world, 0, 8, issues=3)
    build.project(world, "LATER", go_live_in=build.kickoff_due_in(20))
    build.project(world, "SOON", go_live_in=build.kickoff_due_in(3))
    build.project(world, "SLIP", go_live_in=build.kickoff_due_in(-10))
    visible = portfolio.visible_projects(world.admin)
    full = portfolio.portfolio_rows(visible)
    ranks = portfolio.health_ranks(visible)
    assert {r["key"]: (r["health"], r["days_late"], r["rag"]) for r in ranks} == {
        r["key"]: (r["health"], r["days_late"], r["rag"]) for r in full
    }
    assert {r["rag"] for r in ranks} >= {"red", "amber", "green"}
    for descending in (False, True):
        expected = [r["key"] for r in portfolio.sort_rows_by_health(full, descending=descending)]
        assert [r["key"] for r in portfolio.sort_rows_by_health(ranks, descending=descending)] == expected


def test_only_the_projects_the_figures_cannot_tell_get_the_full_health(world, monkeypatch):
    build.project(world, "LATER", go_live_in=build.kickoff_due_in(20))  # green, not due: decided by SQL
    build.project(world, "SLIP", go_live_in=build.kickoff_due_in(-10))  # red by its lateness: decided by SQL
    build.project(world, "SOON", go_live_in=build.kickoff_due_in(3))  # green so far, its gate is due: full
    seen: list[str] = []
    real = portfolio.health_rows

    def recording(projects, **kwargs):
        projects = list(projects)
        seen.extend(p.key for p in projects)
        return real(projects, **kwargs)

    monkeypatch.setattr(portfolio, "health_rows", recording)
    ranks = {r["key"]: r["rag"] for r in portfolio.health_ranks(portfolio.visible_projects(world.admin))}
    assert (ranks["LATER"], ranks["SLIP"], ranks["SOON"]) == ("green", "red", "amber")
    assert "SOON" in seen and "LATER" not in seen and "SLIP" not in seen


@pytest.mark.parametrize(
    ("zone", "offset"), [("Asia/Seoul", 540), ("Asia/Kolkata", 330), ("UTC", 0), ("America/Los_Angeles", None)]
)
def test_a_zone_without_an_offset_change_over_the_period_has_a_fixed_offset(zone, offset):
    since = dt.datetime(2026, 2, 20, tzinfo=dt.UTC)
    until = dt.datetime(2026, 3, 20, tzinfo=dt.UTC)  # Los Angeles moves its clocks on 8 March
    assert portfolio._fixed_offset_minutes(zone, since, until) == offset


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/Los_Angeles"])
def test_arrivals_count_on_the_local_day_of_the_project(world, zone):
    """Issues just before and after local midnight land on their local days, with a fixed offset (shifted in
    the database) as with daylight saving time (converted per row)."""
    project = build.gone_live(
        build.project(world, "TZ", go_live_in=-10, timezone_name=zone), actor=world.lead, days_ago=6
    )
    tz = ZoneInfo(zone)
    local_midnight = dt.datetime.combine(timezone.now().astimezone(tz).date() - dt.timedelta(days=2), dt.time(), tz)
    for minutes in (-20, -5, 5, 20, 30):
        at = local_midnight + dt.timedelta(minutes=minutes)
        tracker_services.issue_create(actor=world.lead, project=project, title="Edge", severity="P3", reported_at=at)
    project = portfolio.light_projects(portfolio.visible_projects(world.admin).filter(key="TZ")).get()
    days = portfolio.window_days([project], now=timezone.now())[project.pk].counts
    day = local_midnight.date()
    assert (days.get(day - dt.timedelta(days=1)), days.get(day)) == (2, 3)
