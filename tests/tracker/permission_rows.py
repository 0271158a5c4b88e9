"""Permission rows of the issue desk, SLA, go-live and hypercare routes, in the format of ``tests/permissions.py``.

The plain rows (one per method and route) are in the shared table ``tests/permissions.py``.
``DESK_STATE_ROWS`` repeat some routes in the state where the outcome depends on the caller's role beyond the
view's role check: go-live and hypercare exit with an override reason (only the consultant lead succeeds; the
administrator and the consultant pass the view but the service refuses them 403), go-live without override from
deployment (409 naming ``go_decision_recorded``), and extension and exit inside an open hypercare window. They
carry a ``variant`` in their ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from golive.tracker import services as tracker_services
from golive.tracker.models import Issue
from tests.permissions import ANY_MEMBER, CONSULTANTS, LEADS, VENDOR_STAFF, Route
from tests.tracker.helpers import go_live, to_phase

CONSULTANT_LEAD = frozenset({"lead"})


def _issue(world) -> dict:
    """Path parameters of issue 1 of ACME, reported by a customer member."""
    issue = tracker_services.issue_create(actor=world.customer_member, project=world.project, title="Login fails")
    return {"number": str(issue.number)}


def _attachment(world) -> dict:
    params = _issue(world)
    issue = Issue.objects.get(project=world.project, number=params["number"])
    upload = SimpleUploadedFile("steps.txt", b"1. open the login page", content_type="text/plain")
    attachment = tracker_services.attachment_add(actor=world.customer_member, issue=issue, upload=upload)
    return {**params, "attachment_id": str(attachment.pk)}


def _sla_policy(world) -> dict:
    return tracker_services.policy_for(world.project)


def _deployment(world) -> dict:
    to_phase(world.project, "deployment", actor=world.lead)
    return {}


def _hypercare(world) -> dict:
    go_live(world, days_ago=2)
    return {}


def _rule_refusal(response) -> None:
    """An allowed caller may still meet a rule (409 with the reason), never a permission error."""
    if response.status_code == 409:
        assert response.json()["detail"]


def _gate_outcome(response) -> None:
    """Without override: 200, or the rule's 409 that lists the failing criteria."""
    if response.status_code == 409:
        body = response.json()
        assert body["criteria"], body
        assert any(not c["passed"] for c in body["criteria"])


def _go_decision_missing(response) -> None:
    body = response.json()
    assert [c["code"] for c in body["criteria"] if not c["passed"]] == ["go_decision_recorded"], body


def _in_hypercare(response) -> None:
    assert response.json()["status"] in ("active", "extended"), response.json()


def _exited(response) -> None:
    assert response.json()["status"] == "exited", response.json()


@dataclass(frozen=True)
class StateRoute(Route):
    """A route again, in a state of the project named by ``variant``."""

    variant: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.path} [{self.variant}]"


DESK_STATE_ROWS: list[Route] = [
    StateRoute(
        "PATCH",
        "projects/{key}/issues/{number}/",
        VENDOR_STAFF,
        params=_issue,
        payload=lambda w: {"severity": "P1", "category": "access"},
        variant="field edit",
    ),
    StateRoute(
        "POST",
        "projects/{key}/golive/",
        CONSULTANTS,
        409,
        params=_deployment,
        check=_go_decision_missing,
        variant="deployment, no go decision",
    ),
    StateRoute(
        "POST",
        "projects/{key}/golive/",
        CONSULTANT_LEAD,
        200,
        params=_deployment,
        payload=lambda w: {"override_reason": "Go given by phone"},
        check=_in_hypercare,
        variant="deployment, override",
    ),
    StateRoute("GET", "projects/{key}/hypercare/", ANY_MEMBER, params=_hypercare, check=_in_hypercare, variant="open"),
    StateRoute(
        "POST",
        "projects/{key}/hypercare/extend/",
        LEADS,
        params=_hypercare,
        payload=lambda w: {"days": 3, "reason": "Payroll run pending"},
        check=_in_hypercare,
        variant="open",
    ),
    StateRoute(
        "POST",
        "projects/{key}/hypercare/exit/",
        CONSULTANTS,
        409,
        params=_hypercare,
        check=_gate_outcome,
        variant="open, criteria failing",
    ),
    StateRoute(
        "POST",
        "projects/{key}/hypercare/exit/",
        CONSULTANT_LEAD,
        200,
        params=_hypercare,
        payload=lambda w: {"override_reason": "Customer agreed by mail"},
        check=_exited,
        variant="open, override",
    ),
]
