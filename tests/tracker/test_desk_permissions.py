"""The desk's state-dependent permission rows run through the generated checks of ``tests/permissions.py`` (STYLE.md 6):
allowed callers succeed, other members get 403, other tenants 404 exactly like a missing project, anonymous 401,
and a refused call writes nothing."""

from __future__ import annotations

import re

import pytest

from golive import api_urls
from tests.permissions import ALL_USERS, user_for
from tests.tracker.permission_rows import DESK_STATE_ROWS

ROWS = DESK_STATE_ROWS
CASES = [pytest.param(route, user, id=f"{route.id} as {user}") for route in ROWS for user in ALL_USERS]


def _call(client, route, url, payload):
    return getattr(client, route.method.lower())(url, payload, format=route.format)


@pytest.mark.parametrize(("route", "user"), CASES)
def test_desk_route_permission(world, api, nothing_written, route, user):
    params = route.path_params(world)
    payload = route.payload(world)
    client = api(user_for(world, user))
    url = route.url(world.project.key, params)
    if user in route.allowed:
        response = _call(client, route, url, payload)
        assert response.status_code in route.success_statuses, (response.status_code, response.content[:500])
        if route.check:
            route.check(response)
        return
    with nothing_written():
        response = _call(client, route, url, payload)
    assert response.status_code in route.expected(user), (response.status_code, response.content[:500])
    assert "detail" in response.json()
    if response.status_code == 404:
        again = route.payload(world) if route.format == "multipart" else payload
        missing = _call(api(user_for(world, user)), route, route.url("NOSUCH", params), again)
        assert (missing.status_code, missing.json()) == (404, response.json())


def test_state_rows_name_real_routes():
    routes = set()
    for pattern in api_urls.urlpatterns:
        template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        routes |= {(m.upper(), template) for m in ("get", "post", "put", "patch") if hasattr(pattern.callback.cls, m)}
    assert {(r.method, r.path) for r in DESK_STATE_ROWS} <= routes


def test_desk_row_ids_are_unique():
    ids = [r.id for r in ROWS]
    assert len(ids) == len(set(ids))
