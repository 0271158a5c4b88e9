"""Query counts of UAT's lists, summary, export and gate do not grow with scenarios or runs (STYLE.md 8)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from golive.accounts.models import User
from golive.lifecycle.gates import evaluate_gates
from golive.lifecycle.models import Phase
from golive.uat import services
from golive.uat.selectors import latest_cycle, uat_summary
from tests.uat.builders import run, scenario

# Pinned bounds: whatever the number of scenarios and runs, a request costs at most this many queries.
SCENARIO_LIST = 7
SUMMARY = 9
GATE = 10
RUN_LIST = 6
EXPORT = 7
ASSIGNMENTS = 6


def build(world, count: int) -> None:
    """``count`` scenarios (every fourth critical) over two cycles, each with runs, some assigned, a defect."""
    refs = [scenario(world, f"S-{n}", priority="critical" if n % 4 == 0 else "medium").ref for n in range(count)]
    for n, ref in enumerate(refs):
        run(world, ref, ("passed", "failed", "blocked")[n % 3])
    services.cycle_create(actor=world.lead, project=world.project)
    services.assignments_set(
        actor=world.lead,
        cycle=latest_cycle(project=world.project),
        assignments=[{"scenario": ref, "tester": "customer_member"} for ref in refs[: count // 2]],
    )
    for n, ref in enumerate(refs):
        if n % 2:
            run(world, ref, "failed", cycle=2)
        run(world, ref, "passed", cycle=2)
    failed = run(world, refs[0], "failed", cycle=2)
    services.run_defect_create(actor=world.customer_member, run=failed, severity="P2")


def _client(api, user):
    """A client for a freshly loaded user, as each real request has: nothing cached from earlier requests."""
    return api(User.objects.get(pk=user.pk))


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:300]
    return len(queries.captured_queries)


@pytest.mark.parametrize("count", [3, 40])
def test_scenario_list(world, api, django_assert_max_num_queries, count):
    build(world, count)
    client = _client(api, world.customer_member)
    with django_assert_max_num_queries(SCENARIO_LIST):
        response = client.get("/api/v1/projects/ACME/uat/scenarios/", {"page_size": 1000, "status": "passed,failed"})
    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [3, 40])
def test_summary(world, api, django_assert_max_num_queries, count):
    build(world, count)
    client = _client(api, world.lead)
    with django_assert_max_num_queries(SUMMARY):
        response = client.get("/api/v1/projects/ACME/uat/summary/")
    assert response.json()["scenarios"]["active"] == count


@pytest.mark.parametrize("count", [3, 40])
def test_gate(world, api, advance_to, django_assert_max_num_queries, count):
    advance_to(world.project, "uat", actor=world.lead)
    build(world, count)
    client = _client(api, world.lead)
    with django_assert_max_num_queries(GATE):
        response = client.get("/api/v1/projects/ACME/gate/")
    assert response.json()["phase"] == "uat"


@pytest.mark.parametrize("count", [3, 40])
def test_run_list_export_and_assignments(world, api, django_assert_max_num_queries, count):
    build(world, count)
    client = _client(api, world.customer_member)
    with django_assert_max_num_queries(RUN_LIST):
        assert client.get("/api/v1/projects/ACME/uat/runs/", {"page_size": 1000}).status_code == 200
    client = _client(api, world.customer_member)
    with django_assert_max_num_queries(EXPORT):
        assert client.get("/api/v1/projects/ACME/uat/scenarios/export/", {"format": "xlsx"}).status_code == 200
    client = _client(api, world.customer_member)
    with django_assert_max_num_queries(ASSIGNMENTS):
        assert client.get("/api/v1/projects/ACME/uat/cycles/2/assignments/", {"page_size": 1000}).status_code == 200


def test_counts_are_equal_for_small_and_large_projects(world, api, advance_to):
    """The same requests cost exactly the same number of queries with 2 and with 30 scenarios."""
    advance_to(world.project, "uat", actor=world.lead)
    urls = [
        ("/api/v1/projects/ACME/uat/scenarios/", {"page_size": 1000}),
        ("/api/v1/projects/ACME/uat/summary/", None),
        ("/api/v1/projects/ACME/gate/", None),
        ("/api/v1/projects/ACME/uat/runs/", {"page_size": 1000}),
        ("/api/v1/projects/ACME/uat/scenarios/export/", None),
    ]
    build(world, 2)
    small = [_count(_client(api, world.lead), url, params) for url, params in urls]
    for n in range(2, 30):
        scenario(world, f"X-{n}", priority="critical")
        run(world, f"X-{n}", "failed", cycle=2)
        run(world, f"X-{n}", "passed", cycle=2)
    large = [_count(_client(api, world.lead), url, params) for url, params in urls]
    assert small == large


def test_summary_selector_and_gate_figures_in_fixed_queries(world, advance_to, django_assert_num_queries):
    advance_to(world.project, "uat", actor=world.lead)
    build(world, 12)
    with django_assert_num_queries(6):
        uat_summary(project=world.project)
    phases = list(Phase.objects.filter(key="uat").select_related("project"))
    with CaptureQueriesContext(connection) as queries:
        evaluate_gates(phases)
    uat_queries = [q["sql"] for q in queries.captured_queries if "uat_" in q["sql"]]
    assert len(uat_queries) == 1  # both criteria share one query, for every project at once
