"""The hypercare figures at an instant: daily arrivals by the project's local date, and the window after exit."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from golive.hypercare import selectors, services
from golive.lifecycle import services as lifecycle_services
from golive.tracker import services as tracker_services
from tests.tracker.helpers import go_live, report


@pytest.mark.parametrize("tz_name", ["Asia/Seoul", "America/Los_Angeles"])
def test_daily_new_buckets_by_the_projects_local_date(world, tz_name):
    lifecycle_services.project_update(actor=world.lead, project=world.project, timezone=tz_name)
    tz = ZoneInfo(tz_name)
    today = timezone.now().astimezone(tz).date()
    first = today - dt.timedelta(days=5)
    go_live(world, at=dt.datetime.combine(first, dt.time(0, 0), tzinfo=tz))
    late = dt.datetime.combine(first + dt.timedelta(days=1), dt.time(23, 30), tzinfo=tz)
    early = dt.datetime.combine(first + dt.timedelta(days=2), dt.time(0, 30), tzinfo=tz)
    report(world, at=late)
    report(world, at=early)
    report(world, at=early + dt.timedelta(hours=3))
    status = selectors.hypercare_status(project=world.project)
    assert [(row["date"], row["count"]) for row in status["daily_new"]] == [
        (first + dt.timedelta(days=n), count) for n, count in enumerate([0, 1, 2, 0, 0, 0])
    ]


def test_daily_new_has_one_row_per_day_up_to_as_of(world):
    tz = ZoneInfo(world.project.timezone)
    golive = timezone.now() - dt.timedelta(days=10)
    go_live(world, at=golive)
    as_of = golive + dt.timedelta(days=4)
    rows = selectors.hypercare_status(project=world.project, as_of=as_of)["daily_new"]
    dates = [row["date"] for row in rows]
    assert dates[0] == golive.astimezone(tz).date() and dates[-1] == as_of.astimezone(tz).date()
    assert all(b - a == dt.timedelta(days=1) for a, b in zip(dates, dates[1:], strict=False))


def test_figures_freeze_at_exit(world):
    golive = timezone.now() - dt.timedelta(days=20)
    go_live(world, at=golive)
    report(world, severity="P2", at=golive + dt.timedelta(days=2))
    exit_at = golive + dt.timedelta(days=15)
    services.hypercare_exit(actor=world.lead, project=world.project, override_reason="contract", at=exit_at)
    report(world, severity="P3", at=golive + dt.timedelta(days=17))  # after the exit: support's issue
    after = selectors.hypercare_status(project=world.project)
    assert after["status"] == "exited" and after["exited_at"] == exit_at
    assert after["days_elapsed"] == 15
    assert after["issues_in_window"] == 1
    assert after["days_since_last_p1_p2"] == 13
    assert after["handover"][0]["ref"] == "ACME-1"
    during = selectors.hypercare_status(project=world.project, as_of=golive + dt.timedelta(days=10))
    assert during["status"] == "active" and during["exited_at"] is None and during["handover"] == []
    assert during["days_elapsed"] == 10 and during["days_since_last_issue"] == 8


def test_days_since_count_from_go_live_without_issues(world):
    go_live(world, days_ago=6)
    status = selectors.hypercare_status(project=world.project)
    assert (status["days_since_last_issue"], status["days_since_last_p1_p2"]) == (6, 6)
    assert status["projected_silence_date"] is None


def test_recent_p1_p2_blocks_exit_for_three_business_days(world):
    golive = timezone.now() - dt.timedelta(days=30)
    go_live(world, at=golive)
    p1_at = golive + dt.timedelta(days=20)
    issue = report(world, severity="P1", at=p1_at)
    tracker_services.issue_resolve(actor=world.lead, issue=issue, at=p1_at + dt.timedelta(hours=1))

    def recent_ok(as_of):
        criteria = selectors.hypercare_status(project=world.project, as_of=as_of)["exit"]["criteria"]
        return next(c["passed"] for c in criteria if c["code"] == "no_recent_p1_p2")

    assert recent_ok(p1_at - dt.timedelta(hours=1)) is True
    assert recent_ok(p1_at + dt.timedelta(days=1)) is False
    assert recent_ok(p1_at + dt.timedelta(days=7)) is True  # a week always holds more than 3 business days


def test_projected_silence_date_for_decaying_arrivals(world):
    tz = ZoneInfo(world.project.timezone)
    today = timezone.now().astimezone(tz).date()
    first = today - dt.timedelta(days=9)
    go_live(world, at=dt.datetime.combine(first, dt.time(0, 0), tzinfo=tz))
    for day, count in enumerate([8, 5, 3, 2, 1, 1]):
        for n in range(count):
            report(world, at=dt.datetime.combine(first + dt.timedelta(days=day), dt.time(9, n), tzinfo=tz))
    projected = selectors.hypercare_status(project=world.project)["projected_silence_date"]
    assert projected is not None
    assert first + dt.timedelta(days=5) <= projected <= first + dt.timedelta(days=12)
