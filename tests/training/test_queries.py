"""Query counts of the training lists do not grow with the data (STYLE.md 8)."""

from __future__ import annotations

import pytest

from tests.training.helpers import make_session, mark

# The project, the caller's roles, the page count and the page itself (plus the session for its attendance).
MAX_QUERIES = 4


@pytest.mark.parametrize("count", [3, 30])
def test_session_list_queries_do_not_grow(world, api, django_assert_max_num_queries, count):
    for i in range(count):
        session = make_session(world, days=i - 10, trainer=world.consultant)
        mark(world, session, {"customer_member": "attended", f"g{i}@example.com": "absent"})
    client = api(world.customer_member)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/api/v1/projects/ACME/training/sessions/")
    assert response.json()["count"] == count
    assert response.json()["results"][0]["attendance"] == {"invited": 0, "attended": 1, "absent": 1}


@pytest.mark.parametrize("count", [3, 30])
def test_attendance_and_material_lists_do_not_grow(world, api, django_assert_max_num_queries, count):
    from golive.training import services

    session = make_session(world)
    for i in range(count):
        mark(world, session, {f"g{i}@example.com": "attended"})
        services.material_add(
            actor=world.lead,
            project=world.project,
            business_process=f"P{i}",
            title="Link",
            kind="link",
            url=f"https://example.com/{i}",
        )
    client = api(world.customer_member)
    with django_assert_max_num_queries(MAX_QUERIES + 1):
        assert client.get(f"/api/v1/projects/ACME/training/sessions/{session.pk}/attendance/").json()["count"] == count
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/api/v1/projects/ACME/training/materials/").json()["count"] == count
