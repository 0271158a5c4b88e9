"""Permission tests generated from the route table in ``tests/permissions.py`` (STYLE.md 6)."""

from __future__ import annotations

import re

import pytest

from golive import api_urls
from tests.permissions import ALL_USERS, OUTSIDERS, ROUTES, user_for

CASES = [pytest.param(route, user, id=f"{route.id} as {user}") for route in ROUTES for user in ALL_USERS]


def _call(client, route, url, payload):
    return getattr(client, route.method.lower())(url, payload, format=route.format)


@pytest.mark.parametrize(("route", "user"), CASES)
def test_route_permission(world, api, nothing_written, route, user):
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
        # Outside the tenancy looks exactly like a project that does not exist.
        again = route.payload(world) if route.format == "multipart" else payload  # an upload is read only once
        missing = _call(api(user_for(world, user)), route, route.url("NOSUCH", params), again)
        assert (missing.status_code, missing.json()) == (404, response.json())


def _route_templates() -> set[tuple[str, str]]:
    found = set()
    for pattern in api_urls.urlpatterns:
        template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        if template in {"schema/", "docs/"}:
            continue
        view = pattern.callback.cls
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view, method):
                found.add((method.upper(), template))
    return found


def test_every_api_route_has_a_permission_row():
    table = {(route.method, route.path) for route in ROUTES}
    missing = _route_templates() - table
    assert not missing, f"routes without a row in tests/permissions.py: {sorted(missing)}"
    stale = table - _route_templates()
    assert not stale, f"rows of tests/permissions.py without a route: {sorted(stale)}"


def test_route_table_has_no_duplicates():
    ids = [route.id for route in ROUTES]
    assert len(ids) == len(set(ids))


# Routes outside a project are scoped by filtering: nothing of ACME shows to another tenant.


def _results(client, url):
    response = client.get(url, {"page_size": 1000})
    assert response.status_code == 200
    return response.json()["results"]


@pytest.mark.parametrize("user", OUTSIDERS)
def test_project_lists_hide_other_tenants(world, api, user):
    client = api(user_for(world, user))
    assert "ACME" not in {p["key"] for p in _results(client, "/api/v1/projects/")}
    assert "ACME" not in {p["key"] for p in _results(client, "/api/v1/portfolio/")}


@pytest.mark.parametrize("user", ["other_lead", "other_customer"])
def test_project_lists_show_own_tenant(world, api, user):
    client = api(user_for(world, user))
    assert {p["key"] for p in _results(client, "/api/v1/projects/")} == {"GLOBEX"}
    assert {p["key"] for p in _results(client, "/api/v1/portfolio/")} == {"GLOBEX"}


def test_customer_sees_only_own_organization(world, api):
    client = api(world.other_customer)
    assert {o["slug"] for o in _results(client, "/api/v1/organizations/")} == {"globex"}


def test_customer_sees_no_users_of_another_customer(world, api):
    usernames = {u["username"] for u in _results(api(world.other_customer), "/api/v1/users/")}
    assert usernames == {"other_customer", "other_lead"}
    assert not usernames & {"customer_lead", "customer_member", "lead", "consultant"}


def test_customer_of_acme_sees_acme_team_but_not_globex(world, api):
    usernames = {u["username"] for u in _results(api(world.customer_member), "/api/v1/users/")}
    assert {"customer_lead", "customer_member", "lead", "consultant", "support"} <= usernames
    assert not usernames & {"other_customer", "other_lead", "outsider"}
    slugs = {o["slug"] for o in _results(api(world.customer_member), "/api/v1/organizations/")}
    assert slugs == {"acme"}


def test_me_is_the_caller(world, api):
    body = api(world.other_customer).get("/api/v1/me/").json()
    assert body == {"username": "other_customer", "organization": "globex", "is_admin": False}
