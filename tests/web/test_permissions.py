"""Generated permission table of the HTML routes (STYLE.md 6): every route, every role, other tenants.

Each row is (route name, method, data, allowed roles). For a row, every member role of ACME is tried:
allowed -> 200/302, denied -> 403; ``other_customer`` and ``other_lead`` (GLOBEX only) -> 404 on ACME routes;
anonymous -> 302 to the login page. Add every new HTML route here.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from golive.web.access import ANY_MEMBER, CONSULTANTS, SIGNOFF_ROLES, VENDOR_STAFF

ROLE_USERS = {
    "admin": "admin",
    "consultant_lead": "lead",
    "consultant": "consultant",
    "support": "support",
    "customer_lead": "customer_lead",
    "customer_member": "customer_member",
}

# Override reason given so the advance passes the (failing) kickoff gate for the consultant lead; for a plain
# consultant or an administrator without membership the service refuses the override (403 from the service
# is still "the role may not do this"), so the advance row lists only who may complete it.
ROUTES = [
    ("web:project", "get", None, ANY_MEMBER),
    ("web:project-audit", "get", None, VENDOR_STAFF),
    ("web:project-signoff", "post", {"phase": "kickoff", "decision": "approve", "comment": "ok"}, SIGNOFF_ROLES),
    (
        "web:project-advance",
        "post",
        {"comment": "go", "override_reason": "agreed in the kickoff call"},
        frozenset({"consultant_lead"}),
    ),
]

CASES = [
    pytest.param(name, method, data, role, role in allowed, id=f"{name}-{method}-{role}")
    for name, method, data, allowed in ROUTES
    for role in ROLE_USERS
]


def _call(client, name, method, data):
    url = reverse(name, args=["ACME"])
    return client.get(url) if method == "get" else client.post(url, data)


def test_html_roles_mirror_the_api():
    """The UI grants exactly what the API grants for the same action."""
    from golive.audit.api import ProjectAuditView
    from golive.lifecycle.api import AdvanceView, ProjectDetailView, SignOffListView

    assert ProjectDetailView.roles["GET"] == ANY_MEMBER
    assert ProjectAuditView.roles["GET"] == VENDOR_STAFF
    assert SignOffListView.roles["POST"] == SIGNOFF_ROLES
    assert AdvanceView.roles["POST"] == CONSULTANTS


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "data", "role", "allowed"), CASES)
def test_role(client, world, name, method, data, role, allowed):
    client.force_login(getattr(world, ROLE_USERS[role]))
    response = _call(client, name, method, data)
    if allowed:
        assert response.status_code in (200, 302), response.content[:500]
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "data"), [(n, m, d) for n, m, d, _a in ROUTES])
@pytest.mark.parametrize("outsider", ["other_customer", "other_lead", "outsider"])
def test_other_tenant_is_404(client, world, name, method, data, outsider):
    client.force_login(getattr(world, outsider))
    assert _call(client, name, method, data).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "data"), [(n, m, d) for n, m, d, _a in ROUTES])
def test_anonymous_goes_to_login(client, world, name, method, data):
    response = _call(client, name, method, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login") + "?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(CONSULTANTS - {"admin"}))
def test_consultants_may_request_an_advance(client, world, role):
    """Without an override the gate decides (409), not the role: the request itself is allowed."""
    client.force_login(getattr(world, ROLE_USERS[role]))
    assert _call(client, "web:project-advance", "post", {"comment": "try"}).status_code == 409


@pytest.mark.django_db
def test_admin_may_request_an_advance(client, world):
    client.force_login(world.admin)
    assert _call(client, "web:project-advance", "post", {"comment": "try"}).status_code == 409
