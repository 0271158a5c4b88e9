"""The UAT summary: counts by state and priority, pass rate per cycle, tester progress, open defects, burn-up."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from golive.tracker import services as tracker_services
from golive.uat import selectors, services
from tests.uat.builders import run, scenario

URL = "/api/v1/projects/ACME/uat/summary/"


def test_summary_before_anything(world, api):
    body = api(world.customer_member).get(URL).json()
    assert body["cycle"] is None
    assert body["scenarios"] == {"active": 0, "retired": 0}
    assert body["by_status"] == {"passed": 0, "failed": 0, "blocked": 0, "not_run": 0}
    assert body["pass_rate"] is None
    assert body["cycles"] == [] and body["testers"] == [] and body["burn_up"] == []
    assert body["open_defects"] == {"P1": 0, "P2": 0, "P3": 0, "P4": 0, "total": 0}


def test_summary_values(world, api):
    zone = zoneinfo.ZoneInfo(world.project.timezone)
    today = timezone.localtime(timezone.now(), zone).date()
    start = dt.datetime.combine(today - dt.timedelta(days=2), dt.time(9), tzinfo=zone)
    for ref, priority in [("C1", "critical"), ("C2", "critical"), ("H1", "high"), ("M1", "medium"), ("L1", "low")]:
        scenario(world, ref, priority=priority)
    gone = scenario(world, "OLD", priority="critical")
    # Cycle 1, two days ago: C1 passed, C2 failed (defect P2), H1 blocked, OLD passed (retired later).
    c2 = None
    for ref, status in [("C1", "passed"), ("C2", "failed"), ("H1", "blocked"), ("OLD", "passed")]:
        made = run(world, ref, status, executed_at=start + dt.timedelta(minutes=len(ref)))
        c2 = made if ref == "C2" else c2
    services.run_defect_create(actor=world.customer_member, run=c2, severity="P2")
    # Cycle 2 opened yesterday by the lead, assigned to two testers; today's results.
    services.cycle_create(actor=world.lead, project=world.project, name="Round 2", at=start + dt.timedelta(days=1))
    cycle2 = selectors.latest_cycle(project=world.project)
    services.assignments_set(
        actor=world.lead,
        cycle=cycle2,
        assignments=[
            {"scenario": "C1", "tester": "customer_member"},
            {"scenario": "C2", "tester": "customer_member"},
            {"scenario": "H1", "tester": "customer_lead"},
            {"scenario": "M1", "tester": "customer_lead"},
        ],
    )
    yesterday = start + dt.timedelta(days=1, hours=1)
    run(world, "C1", "passed", cycle=2, executed_at=yesterday)
    run(world, "C2", "failed", cycle=2, executed_at=yesterday)
    run(world, "C2", "passed", cycle=2)  # fixed, retested now (today; a fixed hour today may still lie ahead)
    run(world, "H1", "passed", cycle=2, actor=world.customer_lead, executed_at=yesterday)
    run(world, "L1", "failed", cycle=2, actor=world.consultant, tester="customer_member", executed_at=yesterday)
    services.scenario_retire(actor=world.lead, scenario=gone)
    tracker_services.issue_create(actor=world.lead, project=world.project, title="Not a defect", severity="P1")

    body = api(world.consultant).get(URL).json()
    assert body["cycle"]["number"] == 2 and body["cycle"]["name"] == "Round 2"
    assert body["scenarios"] == {"active": 5, "retired": 1}
    assert body["by_status"] == {"passed": 3, "failed": 1, "blocked": 0, "not_run": 1}
    assert body["by_priority"]["critical"] == {"passed": 2, "failed": 0, "blocked": 0, "not_run": 0, "total": 2}
    assert body["by_priority"]["high"] == {"passed": 1, "failed": 0, "blocked": 0, "not_run": 0, "total": 1}
    assert body["by_priority"]["medium"] == {"passed": 0, "failed": 0, "blocked": 0, "not_run": 1, "total": 1}
    assert body["by_priority"]["low"] == {"passed": 0, "failed": 1, "blocked": 0, "not_run": 0, "total": 1}
    assert body["pass_rate"] == 60.0
    cycles = {c["number"]: c for c in body["cycles"]}
    # Retired OLD does not count in cycle 1 either: C1 passed of 5 active.
    assert (cycles[1]["passed"], cycles[1]["failed"], cycles[1]["blocked"], cycles[1]["not_run"]) == (1, 1, 1, 2)
    assert cycles[1]["pass_rate"] == 20.0 and cycles[1]["executed"] == 3
    assert cycles[2]["pass_rate"] == 60.0
    testers = {t["tester"]: t for t in body["testers"]}
    assert testers["customer_member"] == {
        "tester": "customer_member",
        "assigned": 2,
        "executed": 3,  # C1, C2 and L1 (run as customer_member though not assigned)
        "passed": 2,
        "failed": 1,
        "blocked": 0,
        "not_run": 0,
    }
    assert testers["customer_lead"] == {
        "tester": "customer_lead",
        "assigned": 2,
        "executed": 1,
        "passed": 1,
        "failed": 0,
        "blocked": 0,
        "not_run": 1,  # M1
    }
    assert body["open_defects"] == {"P1": 0, "P2": 1, "P3": 0, "P4": 0, "total": 1}
    assert body["burn_up"] == [
        {"date": (today - dt.timedelta(days=1)).isoformat(), "passed": 2, "executed": 4},
        {"date": today.isoformat(), "passed": 3, "executed": 4},
    ]


def test_pass_rate_one_decimal(world):
    for n in range(3):
        scenario(world, f"S-{n}")
    run(world, "S-0", "passed")
    summary = selectors.uat_summary(project=world.project)
    assert summary["pass_rate"] == 33.3


def test_burn_up_runs_to_today_with_flat_days(world):
    zone = zoneinfo.ZoneInfo(world.project.timezone)
    today = timezone.localtime(timezone.now(), zone).date()
    start = dt.datetime.combine(today - dt.timedelta(days=3), dt.time(10), tzinfo=zone)
    scenario(world, "A")
    run(world, "A", "passed", executed_at=start)
    points = selectors.uat_summary(project=world.project)["burn_up"]
    assert [p["date"] for p in points] == [(today - dt.timedelta(days=d)).isoformat() for d in (3, 2, 1, 0)]
    assert [p["passed"] for p in points] == [1, 1, 1, 1]
    run(world, "A", "failed")
    assert selectors.uat_summary(project=world.project)["burn_up"][-1]["passed"] == 0


def test_summary_of_another_project_is_404(world, api):
    assert api(world.other_customer).get(URL).status_code == 404


def test_burn_up_counts_a_run_on_the_projects_local_day(world):
    # 00:30 in the project's zone is still the previous day in UTC (Asia/Seoul is UTC+9): the run belongs to the
    # local day, the one its testers lived.
    zone = zoneinfo.ZoneInfo(world.project.timezone)
    today = timezone.localtime(timezone.now(), zone).date()
    local_half_past_midnight = dt.datetime.combine(today - dt.timedelta(days=2), dt.time(0, 30), tzinfo=zone)
    assert local_half_past_midnight.astimezone(dt.UTC).date() != local_half_past_midnight.date()
    scenario(world, "A")
    run(world, "A", "passed", executed_at=local_half_past_midnight)
    points = selectors.uat_summary(project=world.project)["burn_up"]
    assert points[0] == {"date": (today - dt.timedelta(days=2)).isoformat(), "passed": 1, "executed": 1}
