"""Generated permission table of the engagement and training HTML routes (STYLE.md 6), like
``test_desk_permissions.py``: every route, every role of ACME (allowed -> 200/201/302, denied -> 403), other
tenants -> 404, anonymous -> 302 to the login page. Add every new route of these pages here.

Each row is (route name, method, data, allowed roles, state). ``state`` builds what the route needs through the
services: ``engagement`` (requirement REQ-1, a review meeting with a small and a large feedback item) or
``training`` (a session and a material with a file).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from golive.api import ANY_MEMBER, CONSULTANTS, VENDOR_STAFF
from golive.engagement import services as engagement_services
from golive.engagement.api import CONTRIBUTORS, REVIEWERS
from golive.training import services as training_services
from golive.training.api import RECORDERS
from tests.web.html_permissions import html_permission_tests

REQUIREMENT = {"ref": "REQ-9", "title": "New", "source": "email", "priority": "must", "scope": "not_started"}
MEETING = {"kind": "review", "title": "Demo", "starts_at": "2026-03-02T10:00", "duration_minutes": 60}
SESSION = {
    "kind": "end_user",
    "title": "Clerks",
    "starts_at": "2026-04-01T09:00",
    "duration_minutes": 60,
    "mode": "virtual",
}
MATERIAL = {"business_process": "Invoicing", "title": "Video", "kind": "video", "url": "https://example.com/v"}

ROUTES = [
    ("web:requirements", "get", None, ANY_MEMBER, "engagement"),
    ("web:requirement-new", "get", None, CONTRIBUTORS, "engagement"),
    ("web:requirement-new", "post", REQUIREMENT, CONTRIBUTORS, "engagement"),
    ("web:requirement", "get", None, ANY_MEMBER, "engagement"),
    ("web:requirement-scope", "post", {"scope": "built"}, CONSULTANTS, "engagement"),
    ("web:review-pack", "get", None, ANY_MEMBER, "engagement"),
    ("web:review-pack", "get", {"format": "md"}, ANY_MEMBER, "engagement"),
    ("web:review-pack", "get", {"format": "xlsx"}, ANY_MEMBER, "engagement"),
    ("web:meetings", "get", None, ANY_MEMBER, "engagement"),
    ("web:meeting-new", "get", None, CONSULTANTS, "engagement"),
    ("web:meeting-new", "post", MEETING, CONSULTANTS, "engagement"),
    ("web:meeting", "get", None, ANY_MEMBER, "engagement"),
    ("web:meeting-notes", "post", {"notes": "Agreed"}, CONSULTANTS, "engagement"),
    ("web:meeting-feedback", "post", {"text": "Bigger", "size": "small"}, REVIEWERS, "engagement"),
    ("web:feedback-status", "post", {"status": "accepted"}, CONSULTANTS, "engagement"),
    ("web:feedback-change-request", "post", {"ref": "CR-1"}, CONSULTANTS, "engagement"),
    ("web:decisions", "get", None, ANY_MEMBER, "engagement"),
    ("web:decision-new", "get", None, CONTRIBUTORS, "engagement"),
    ("web:decision-new", "post", {"title": "Drop fax", "decision": "No fax"}, CONTRIBUTORS, "engagement"),
    ("web:status-report", "get", None, ANY_MEMBER, "engagement"),
    ("web:training", "get", None, ANY_MEMBER, "training"),
    ("web:training-session-new", "get", None, CONSULTANTS, "training"),
    ("web:training-session-new", "post", SESSION, CONSULTANTS, "training"),
    ("web:training-session", "get", None, ANY_MEMBER, "training"),
    ("web:training-attendance", "post", {"attendee": "customer_member", "status": "attended"}, RECORDERS, "training"),
    ("web:training-material-add", "post", MATERIAL, CONSULTANTS, "training"),
    ("web:training-material-file", "get", None, ANY_MEMBER, "training"),
]


def _args(name: str, built: dict) -> list:
    if name == "web:requirement" or name == "web:requirement-scope":
        return ["ACME", "REQ-1"]
    if name in ("web:meeting", "web:meeting-notes", "web:meeting-feedback"):
        return ["ACME", built["meeting"].pk]
    if name == "web:feedback-status":
        return ["ACME", built["meeting"].pk, built["small"].pk]
    if name == "web:feedback-change-request":
        return ["ACME", built["meeting"].pk, built["large"].pk]
    if name in ("web:training-session", "web:training-attendance"):
        return ["ACME", built["session"].pk]
    if name == "web:training-material-file":
        return ["ACME", built["material"].pk]
    return ["ACME"]


@pytest.fixture
def build(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def make(state: str) -> dict:
        lead, project = world.lead, world.project
        if state == "engagement":
            engagement_services.requirement_create(actor=lead, project=project, ref="REQ-1", title="Invoices")
            meeting = engagement_services.meeting_create(
                actor=lead, project=project, kind="review", title="Alpha demo", starts_at=timezone.now()
            )

            def item(text, size):
                return engagement_services.feedback_create(
                    actor=world.customer_member, project=project, meeting=meeting, text=text, size=size
                )

            return {"meeting": meeting, "small": item("Typo", "small"), "large": item("Two-step approval", "large")}
        session = training_services.session_create(
            actor=lead,
            project=project,
            kind="train_the_trainer",
            title="Trainers",
            starts_at=timezone.now() + dt.timedelta(days=1),
        )
        upload = SimpleUploadedFile("steps.txt", b"1. open", content_type="text/plain")
        material = training_services.material_add(
            actor=lead, project=project, business_process="Invoicing", title="Steps", kind="notes", upload=upload
        )
        return {"session": session, "material": material}

    return make


def _call(client, name, method, data, built):
    url = reverse(name, args=_args(name, built))
    if method == "get":
        return client.get(url, data or {})
    return client.post(url, data)


test_role, test_other_tenant_is_404, test_anonymous_goes_to_login = html_permission_tests(
    ROUTES, _call, success=(200, 201, 302)
)


def test_html_roles_mirror_the_api():
    """The pages grant what the API grants for the same action."""
    from golive.engagement import api as engagement_api
    from golive.training import api as training_api

    assert engagement_api.RequirementListView.roles == {"GET": ANY_MEMBER, "POST": CONTRIBUTORS}
    assert engagement_api.RequirementDetailView.roles == {"GET": ANY_MEMBER, "PATCH": CONSULTANTS}
    assert engagement_api.MeetingListView.roles == {"GET": ANY_MEMBER, "POST": CONSULTANTS}
    assert engagement_api.MeetingDetailView.roles == {"GET": ANY_MEMBER, "PATCH": CONSULTANTS}
    assert engagement_api.FeedbackListView.roles == {"GET": ANY_MEMBER, "POST": REVIEWERS}
    assert engagement_api.FeedbackDetailView.roles == {"GET": ANY_MEMBER, "PATCH": CONSULTANTS}
    assert engagement_api.FeedbackChangeRequestView.roles == {"POST": CONSULTANTS}
    assert engagement_api.DecisionListView.roles == {"GET": ANY_MEMBER, "POST": CONTRIBUTORS}
    assert engagement_api.ReviewPackView.roles == engagement_api.StatusReportView.roles == {"GET": ANY_MEMBER}
    assert training_api.SessionListView.roles == {"GET": ANY_MEMBER, "POST": CONSULTANTS}
    assert training_api.AttendanceListView.roles == {"GET": ANY_MEMBER, "POST": RECORDERS}
    assert VENDOR_STAFF | {"customer_lead"} == RECORDERS
    assert training_api.MaterialListView.roles == {"GET": ANY_MEMBER, "POST": CONSULTANTS}
    assert training_api.MaterialFileView.roles == training_api.CoverageView.roles == {"GET": ANY_MEMBER}


@pytest.mark.django_db
def test_objects_of_another_project_are_404(client, world):
    """A GLOBEX requirement, meeting or session is 404 under ACME, even for ACME's consultant lead."""
    other = world.other_project
    engagement_services.requirement_create(actor=world.other_lead, project=other, ref="G-1", title="Theirs")
    meeting = engagement_services.meeting_create(
        actor=world.other_lead, project=other, kind="review", title="Theirs", starts_at=timezone.now()
    )
    item = engagement_services.feedback_create(actor=world.other_lead, project=other, meeting=meeting, text="x")
    session = training_services.session_create(
        actor=world.other_lead, project=other, kind="end_user", title="Theirs", starts_at=timezone.now()
    )
    client.force_login(world.lead)
    assert client.get(reverse("web:requirement", args=["ACME", "G-1"])).status_code == 404
    assert client.post(reverse("web:requirement-scope", args=["ACME", "G-1"]), {"scope": "built"}).status_code == 404
    assert client.get(reverse("web:meeting", args=["ACME", meeting.pk])).status_code == 404
    assert client.post(reverse("web:meeting-feedback", args=["ACME", meeting.pk]), {"text": "x"}).status_code == 404
    status_url = reverse("web:feedback-status", args=["ACME", meeting.pk, item.pk])
    assert client.post(status_url, {"status": "done"}).status_code == 404
    assert client.get(reverse("web:training-session", args=["ACME", session.pk])).status_code == 404
    attendance_url = reverse("web:training-attendance", args=["ACME", session.pk])
    assert client.post(attendance_url, {"attendee": "customer_member", "status": "invited"}).status_code == 404
    assert client.get(reverse("web:requirements", args=["NOSUCH"])).status_code == 404
