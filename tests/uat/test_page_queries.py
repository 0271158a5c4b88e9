"""Pinned query counts of the UAT pages (STYLE.md 8): the tester's page and its htmx result, the board and its
chart data, the scenario list and a scenario's page, and the sign-off page cost the same bound for a few and for
many scenarios, runs, defects, evidence files and sign-offs. Also the page selectors one by one."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from golive.accounts.models import User
from golive.lifecycle import services as lifecycle_services
from golive.uat import selectors, services
from golive.uat.models import Scenario
from tests.tracker.helpers import to_phase
from tests.uat.builders import run, scenario

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# Each bound includes the session and the user of the request. Vendor staff's tester page also loads the
# members (the tester to record for).
MINE_MAX_QUERIES = 13
RUN_HTMX_MAX_QUERIES = 50
BOARD_MAX_QUERIES = 17
CHART_MAX_QUERIES = 8
SCENARIOS_MAX_QUERIES = 12
SCENARIO_MAX_QUERIES = 11
SIGNOFF_MAX_QUERIES = 18
PRIORITIES = ("critical", "high", "medium", "low")


def build(world, count: int) -> None:
    """ACME in UAT with ``count`` scenarios over two rounds: half assigned to the customer member, runs of every
    status, a defect and a file on every failure, and two sign-offs."""
    to_phase(world.project, "uat", actor=world.lead)
    refs = [scenario(world, f"S-{n}", priority=PRIORITIES[n % 4], module=f"M{n % 3}").ref for n in range(count)]
    for ref in refs:
        run(world, ref, "passed")
    lifecycle_services.signoff_record(
        actor=world.customer_lead, project=world.project, phase_key="uat", decision="reject", comment="Round 2"
    )
    cycle = services.cycle_create(actor=world.lead, project=world.project)
    services.assignments_set(
        actor=world.lead,
        cycle=cycle,
        assignments=[{"scenario": ref, "tester": "customer_member"} for ref in refs[::2]],
    )
    for n, ref in enumerate(refs):
        result = run(world, ref, ("passed", "failed", "blocked")[n % 3], cycle=2, actual_result="seen")
        if result.status == "failed":
            services.run_defect_create(actor=world.customer_member, run=result, severity=("P2", "P3")[n % 2])
            services.evidence_add(
                actor=world.customer_member, run=result, upload=SimpleUploadedFile(f"s{n}.txt", b"error log")
            )
    lifecycle_services.signoff_record(
        actor=world.customer_lead, project=world.project, phase_key="uat", decision="approve"
    )


@pytest.fixture
def media(settings, tmp_path):
    """Evidence files go to a throwaway directory."""
    settings.MEDIA_ROOT = tmp_path


def _login(client, user):
    client.force_login(User.objects.get(pk=user.pk))


@pytest.mark.parametrize("count", [4, 60])
@pytest.mark.parametrize("username", ["customer_member", "lead"])
def test_tester_page_query_count_does_not_grow(client, world, media, django_assert_max_num_queries, count, username):
    build(world, count)
    _login(client, getattr(world, username))
    with django_assert_max_num_queries(MINE_MAX_QUERIES):
        response = client.get(reverse("web:uat-mine", args=["ACME"]), {"everyone": "1"})
    assert response.status_code == 200
    assert response.content.decode().count('class="card uat-card') == min(count, 25)
    with django_assert_max_num_queries(RUN_HTMX_MAX_QUERIES):
        response = client.post(
            reverse("web:uat-run", args=["ACME", "S-0"]),
            {"status": "failed", "actual_result": "x", "raise_defect": "on", "severity": "P3", "tester": username},
            **HTMX,
        )
    assert response.status_code == 200, response.content[:500]


@pytest.mark.parametrize("count", [4, 60])
@pytest.mark.parametrize("username", ["customer_member", "lead"])
def test_board_query_count_does_not_grow(client, world, media, django_assert_max_num_queries, count, username):
    build(world, count)
    _login(client, getattr(world, username))
    with django_assert_max_num_queries(BOARD_MAX_QUERIES):
        response = client.get(reverse("web:uat-board", args=["ACME"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('class="failing-row"') == min(len(range(1, count, 3)) + len(range(2, count, 3)), 50)
    with django_assert_max_num_queries(CHART_MAX_QUERIES):
        response = client.get(reverse("web:uat-chart", args=["ACME"]))
    assert response.json()["active"] == count


@pytest.mark.parametrize("count", [4, 60])
def test_scenario_list_and_page_query_counts_do_not_grow(client, world, media, django_assert_max_num_queries, count):
    build(world, count)
    _login(client, world.consultant)
    with django_assert_max_num_queries(SCENARIOS_MAX_QUERIES):
        response = client.get(reverse("web:uat-scenarios", args=["ACME"]))
    assert response.status_code == 200
    assert response.content.decode().count('class="scenario-row') == min(count, 50)
    with django_assert_max_num_queries(SCENARIOS_MAX_QUERIES):
        response = client.get(reverse("web:uat-scenarios", args=["ACME"]), {"status": "failed", "module": "M1"})
    assert response.status_code == 200
    for _ in range(3):
        run(world, "S-1", "failed", cycle=2, actual_result="again")
    with django_assert_max_num_queries(SCENARIO_MAX_QUERIES):
        response = client.get(reverse("web:uat-scenario", args=["ACME", "S-1"]))
    assert response.status_code == 200 and response.content.decode().count('class="run-row"') == 5


@pytest.mark.parametrize("count", [4, 60])
@pytest.mark.parametrize("username", ["customer_member", "customer_lead"])
def test_signoff_page_query_count_does_not_grow(client, world, media, django_assert_max_num_queries, count, username):
    build(world, count)
    _login(client, getattr(world, username))
    with django_assert_max_num_queries(SIGNOFF_MAX_QUERIES):
        response = client.get(reverse("web:uat-signoff", args=["ACME"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('class="uat-record"') == 2
    assert content.count('class="critical-row"') == len(range(0, count, 4))


# ---------------------------------------------------------------------------------------------------------------
# The page selectors (golive.uat.selectors, end of the module)


@pytest.mark.parametrize("count", [4, 60])
def test_page_selectors_cost_a_fixed_number_of_queries(world, media, django_assert_num_queries, count):
    build(world, count)
    cycle = selectors.latest_cycle(project=world.project)
    with django_assert_num_queries(1):
        mine = list(selectors.tester_scenarios(project=world.project, cycle=cycle, user=world.customer_member))
    # Half the scenarios are assigned to the customer member, the other half to nobody.
    assert len(mine) == count and all(s.assigned_to in ("customer_member", None) for s in mine)
    with django_assert_num_queries(1):
        counts = selectors.state_counts(
            selectors.tester_scenarios(project=world.project, cycle=cycle, user=world.customer_member)
        )
    assert counts["total"] == count and counts["not_run"] == 0
    with django_assert_num_queries(2):
        runs = selectors.runs_by_id(project=world.project, run_ids=[s.last_run_id for s in mine])
        files = [len(r.evidence.all()) for r in runs.values()]
        defects = [r.defect.ref for r in runs.values() if r.defect]
    assert len(runs) == count and sum(files) == len(defects) == len(range(1, count, 3))
    with django_assert_num_queries(1):
        linked = selectors.scenario_defects(project=world.project, scenario_ids=[s.pk for s in mine])
        refs = [issue.ref for issues in linked.values() for issue in issues]
    assert len(refs) == len(range(1, count, 3))
    with django_assert_num_queries(3):
        chart = selectors.burn_up(project=world.project)
    assert chart["cycle"] == 2 and chart["active"] == count and chart["points"][-1]["executed"] == count
    with django_assert_num_queries(0):
        assert selectors.runs_by_id(project=world.project, run_ids=[None]) == {}
        assert selectors.scenario_defects(project=world.project, scenario_ids=[]) == {}


def test_tester_scenarios_before_any_cycle_and_for_one_ref(world):
    scenario(world, "S-1")
    scenario(world, "S-2")
    services.scenario_retire(actor=world.lead, scenario=Scenario.objects.get(ref="S-2"))
    listed = list(selectors.tester_scenarios(project=world.project, cycle=None, user=world.customer_member))
    assert [(s.ref, s.state, s.assigned_to) for s in listed] == [("S-1", "not_run", None)]
    # One ref is found whoever it is assigned to, retired or not: the card an action refreshes.
    one = selectors.tester_scenarios(project=world.project, cycle=None, user=world.customer_member, ref="S-2").get()
    assert one.retired_at is not None
