"""The web UI pages: rendering for members, tenancy, roles, and the sign-off and advance actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from golive.audit.models import AuditEvent
from golive.lifecycle.models import Project, SignOff

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _phase(project) -> str:
    return Project.objects.select_related("current_phase").get(pk=project.pk).current_phase.key


def test_anonymous_is_redirected_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_login_page_and_login_flow(client, world):
    page = client.get(reverse("web:login"))
    assert page.status_code == 200
    assert b'<label for="id_username">' in page.content
    response = client.post(reverse("web:login"), {"username": "lead", "password": world.password})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:portfolio")
    assert b"ACME" in client.get("/").content


def test_bad_login_shows_error(client, world):
    response = client.post(reverse("web:login"), {"username": "lead", "password": "wrong"})
    assert response.status_code == 200
    assert b'role="alert"' in response.content


def test_logout_is_a_post(client, world):
    client.force_login(world.lead)
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_portfolio_shows_only_visible_projects(client, world):
    client.force_login(world.customer_lead)
    content = client.get("/").content.decode()
    assert "ACME" in content
    assert "GLOBEX" not in content
    client.force_login(world.admin)
    content = client.get("/").content.decode()
    assert "ACME" in content and "GLOBEX" in content
    assert 'href="/admin/"' in content


def test_portfolio_search_and_status_filter(client, world):
    client.force_login(world.admin)
    content = client.get("/", {"q": "glob"}).content.decode()
    assert "GLOBEX" in content and 'href="/projects/ACME/"' not in content
    content = client.get("/", {"status": "closed"}).content.decode()
    assert 'href="/projects/ACME/"' not in content and 'href="/projects/GLOBEX/"' not in content


def test_portfolio_htmx_returns_fragment(client, world):
    client.force_login(world.lead)
    response = client.get("/", {"q": "ACME"}, **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="portfolio-results"')
    assert "<html" not in content
    assert "HX-Request" in response["Vary"]


def test_project_page_renders_for_members(client, world):
    for user in [world.admin, world.lead, world.consultant, world.support, world.customer_lead, world.customer_member]:
        client.force_login(user)
        response = client.get(reverse("web:project", args=["ACME"]))
        assert response.status_code == 200, user
        content = response.content.decode()
        assert "Project ACME" in content
        assert "Kickoff meeting held" in content  # the current gate's criteria
        assert "customer_member" in content  # members list


def test_project_page_shows_actions_by_role(client, world):
    url = reverse("web:project", args=["ACME"])
    client.force_login(world.lead)
    content = client.get(url).content.decode()
    assert 'name="override_reason"' in content and "signoff-decision-approve" in content
    client.force_login(world.consultant)
    content = client.get(url).content.decode()
    assert reverse("web:project-advance", args=["ACME"]) in content
    assert 'name="override_reason"' not in content and "signoff-decision-approve" not in content
    client.force_login(world.customer_lead)
    content = client.get(url).content.decode()
    assert "signoff-decision-approve" in content
    assert reverse("web:project-advance", args=["ACME"]) not in content
    client.force_login(world.customer_member)
    content = client.get(url).content.decode()
    assert '<form method="post" action="/projects/ACME/' not in content


@pytest.mark.parametrize("name", ["web:project", "web:project-audit"])
def test_other_tenant_gets_404(client, world, name):
    for user in [world.other_customer, world.other_lead, world.outsider]:
        client.force_login(user)
        assert client.get(reverse(name, args=["ACME"])).status_code == 404
    client.force_login(world.lead)
    assert client.get(reverse(name, args=["NOSUCH"])).status_code == 404


def test_audit_is_for_vendor_staff(client, world):
    url = reverse("web:project-audit", args=["ACME"])
    for user in [world.customer_lead, world.customer_member]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 403
        assert b"does not allow" in response.content
    for user in [world.admin, world.lead, world.consultant, world.support]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"project.created" in response.content


def test_advance_with_override_moves_the_phase(client, world):
    client.force_login(world.lead)
    url = reverse("web:project-advance", args=["ACME"])
    response = client.post(url, {"comment": "demo done", "override_reason": "kickoff held offline"}, **HTMX)
    assert response.status_code == 200
    assert _phase(world.project) == "alpha_review"
    content = response.content.decode()
    assert "<html" not in content
    assert '<dd id="current-phase">Alpha review</dd>' in content
    assert AuditEvent.objects.filter(project=world.project, action="phase.overridden").count() == 1


def test_advance_without_javascript_redirects(client, world):
    client.force_login(world.lead)
    response = client.post(reverse("web:project-advance", args=["ACME"]), {"override_reason": "agreed"})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:project", args=["ACME"])
    page = client.get(response["Location"]).content.decode()
    assert '<dd id="current-phase">Alpha review</dd>' in page
    assert "The project moved to its next phase." in page


@pytest.mark.parametrize("htmx", [True, False])
def test_failing_advance_shows_criteria_and_changes_nothing(client, world, htmx):
    client.force_login(world.lead)
    before = AuditEvent.objects.count()
    response = client.post(reverse("web:project-advance", args=["ACME"]), {"comment": "try"}, **(HTMX if htmx else {}))
    assert response.status_code == 409
    content = response.content.decode()
    assert 'id="action-error"' in content
    assert "Kickoff meeting held" in content and "Failing criteria" in content
    assert ("<html" in content) is not htmx
    assert _phase(world.project) == "kickoff"
    assert AuditEvent.objects.count() == before


def test_consultant_cannot_override(client, world):
    client.force_login(world.consultant)
    response = client.post(reverse("web:project-advance", args=["ACME"]), {"override_reason": "x"}, **HTMX)
    assert response.status_code == 403
    assert b"Only the consultant lead may override" in response.content
    assert _phase(world.project) == "kickoff"


def test_denied_role_gets_403_on_actions(client, world):
    client.force_login(world.customer_member)
    for name, data in [
        ("web:project-advance", {"override_reason": "x"}),
        ("web:project-signoff", {"phase": "kickoff", "decision": "approve"}),
    ]:
        assert client.post(reverse(name, args=["ACME"]), data).status_code == 403
        response = client.post(reverse(name, args=["ACME"]), data, **HTMX)
        assert response.status_code == 403
        assert b'id="action-error"' in response.content
    assert _phase(world.project) == "kickoff"
    assert not SignOff.objects.exists()


def test_signoff_recorded(client, world):
    client.force_login(world.customer_lead)
    response = client.post(
        reverse("web:project-signoff", args=["ACME"]),
        {"phase": "kickoff", "decision": "approve", "comment": "looks good"},
        **HTMX,
    )
    assert response.status_code == 200
    signoff = SignOff.objects.get()
    assert (signoff.signed_by, signoff.decision, signoff.role) == (world.customer_lead, "approve", "customer_lead")
    assert "looks good" in response.content.decode()
    assert "Sign-off recorded." in response.content.decode()


def test_signoff_bad_input_is_400_with_field_errors(client, world):
    client.force_login(world.customer_lead)
    response = client.post(
        reverse("web:project-signoff", args=["ACME"]), {"phase": "kickoff", "decision": "maybe"}, **HTMX
    )
    assert response.status_code == 400
    assert b'class="field-error"' in response.content
    response = client.post(reverse("web:project-signoff", args=["ACME"]), {"phase": "nope", "decision": "approve"})
    assert response.status_code == 400
    assert b"no phase nope" in response.content
    assert not SignOff.objects.exists()


def test_signoff_of_other_phase_is_409(client, world):
    client.force_login(world.customer_lead)
    response = client.post(reverse("web:project-signoff", args=["ACME"]), {"phase": "uat", "decision": "approve"})
    assert response.status_code == 409
    assert not SignOff.objects.exists()


def test_times_in_viewer_timezone(client, world):
    client.force_login(world.lead)
    content = client.get(reverse("web:project", args=["ACME"])).content.decode()
    assert "Times are shown in Asia/Seoul." in content


def test_htmx_request_after_the_session_expired_goes_to_the_login_page(client, world):
    """A board's auto-refresh after logout must not swap the login form into the page."""
    response = client.get(
        reverse("web:cutover-board", args=["ACME"]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/projects/ACME/cutover/?view=all",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("web:login") + "?next=%2Fprojects%2FACME%2Fcutover%2F%3Fview%3Dall"
    plain = client.get(reverse("web:cutover-board", args=["ACME"]))
    assert plain.status_code == 302 and not plain.has_header("HX-Redirect")
