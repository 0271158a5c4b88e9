"""The one generator of HTML permission tests (STYLE.md 6), shared by every table of HTML routes.

A table is a list of rows ``(route name, method, data, allowed roles, state)``. For each row the generated
tests try every member role of ACME (allowed -> one of ``success``, denied -> 403), the users who only belong
to GLOBEX or to no project (404 on ACME routes), and an anonymous visitor (302 to the login page).

The module using it provides a ``build`` fixture (``state`` -> whatever ``call`` needs, built through the
services) and ``call(client, name, method, data, built)``.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

ROLE_USERS = {
    "admin": "admin",
    "consultant_lead": "lead",
    "consultant": "consultant",
    "support": "support",
    "customer_lead": "customer_lead",
    "customer_member": "customer_member",
}
OUTSIDERS = ["other_customer", "other_lead", "outsider"]


def html_permission_tests(routes, call, *, success=(200, 302)):
    """Return ``(test_role, test_other_tenant_is_404, test_anonymous_goes_to_login)`` for ``routes``; assign
    them to module-level names of the same name so pytest collects them."""
    cases = [
        pytest.param(name, method, data, state, role, role in allowed, id=f"{name}-{method}-{i}-{role}")
        for i, (name, method, data, allowed, state) in enumerate(routes)
        for role in ROLE_USERS
    ]
    rows = [
        pytest.param(name, method, data, state, id=f"{name}-{method}-{i}")
        for i, (name, method, data, _allowed, state) in enumerate(routes)
    ]

    @pytest.mark.django_db
    @pytest.mark.parametrize(("name", "method", "data", "state", "role", "allowed"), cases)
    def test_role(client, world, build, name, method, data, state, role, allowed):
        built = build(state)
        client.force_login(getattr(world, ROLE_USERS[role]))
        response = call(client, name, method, data, built)
        if allowed:
            assert response.status_code in success, response.content[:800]
        else:
            assert response.status_code == 403

    @pytest.mark.django_db
    @pytest.mark.parametrize(("name", "method", "data", "state"), rows)
    @pytest.mark.parametrize("outsider", OUTSIDERS)
    def test_other_tenant_is_404(client, world, build, name, method, data, state, outsider):
        built = build(state)
        client.force_login(getattr(world, outsider))
        assert call(client, name, method, data, built).status_code == 404

    @pytest.mark.django_db
    @pytest.mark.parametrize(("name", "method", "data", "state"), rows)
    def test_anonymous_goes_to_login(client, world, build, name, method, data, state):
        built = build(state)
        response = call(client, name, method, data, built)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login") + "?next=")

    return test_role, test_other_tenant_is_404, test_anonymous_goes_to_login
