"""Generated permission table of the issue desk and hypercare HTML routes (STYLE.md 6), like
``test_permissions.py``: every route, every role of ACME (allowed -> 200/302, denied -> 403), other tenants
-> 404, anonymous -> 302 to the login page. Add every new route of these pages here.

Each row is (route name, method, data, allowed roles, state). ``state`` builds what the route needs through
the services: ``issue`` (ACME with issue 1, new), ``attachment`` (plus a file on it), ``hypercare`` (ACME gone
live three days ago, with issue 1), ``deployment`` (ACME in its deployment phase).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from golive.api import ANY_MEMBER, CONSULTANTS, LEADS, VENDOR_STAFF
from golive.tracker import services as tracker_services
from tests.web.html_permissions import html_permission_tests
from tests.web.test_desk_pages import into_hypercare

ISSUE_ARGS = ("ACME", 1)


def _file():
    return SimpleUploadedFile("note.txt", b"hello", content_type="text/plain")


ROUTES = [
    ("web:issues", "get", None, ANY_MEMBER, "issue"),
    ("web:issue-new", "get", None, ANY_MEMBER, "issue"),
    ("web:issue-new", "post", {"title": "New one", "severity": "P3", "kind": "incident"}, ANY_MEMBER, "issue"),
    ("web:issue", "get", None, ANY_MEMBER, "issue"),
    ("web:issue-quick", "post", {"status": "triaged"}, VENDOR_STAFF, "issue"),
    ("web:issue-quick", "post", {"severity": "P2"}, VENDOR_STAFF, "issue"),
    ("web:issue-status", "post", {"status": "in_progress"}, VENDOR_STAFF, "issue"),
    (
        "web:issue-edit",
        "post",
        {"title": "Renamed", "severity": "P2", "kind": "defect", "category": "bug"},
        VENDOR_STAFF,
        "issue",
    ),
    ("web:issue-comment", "post", {"body": "Any news?"}, ANY_MEMBER, "issue"),
    ("web:issue-attach", "post", _file, ANY_MEMBER, "issue"),
    ("web:issue-attachment", "get", None, ANY_MEMBER, "attachment"),
    ("web:hypercare", "get", None, ANY_MEMBER, "hypercare"),
    ("web:hypercare-chart", "get", None, ANY_MEMBER, "hypercare"),
    ("web:hypercare-extend", "post", {"days": 3, "reason": "month-end close"}, LEADS, "hypercare"),
    # With failing criteria only the consultant lead's override completes an exit; the plain consultant and the
    # administrator without membership are refused the override by the service (403), as in the API.
    ("web:hypercare-exit", "post", {"override_reason": "agreed"}, frozenset({"consultant_lead"}), "hypercare"),
    ("web:hypercare-golive", "post", {"override_reason": "go by phone"}, frozenset({"consultant_lead"}), "deployment"),
]


def _args(name: str, state: dict) -> list:
    if name in ("web:issues", "web:issue-new") or name.startswith("web:hypercare"):
        return ["ACME"]
    if name == "web:issue-attachment":
        return [*ISSUE_ARGS, state["attachment"].pk]
    return list(ISSUE_ARGS)


@pytest.fixture
def build(world, advance_to, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def make(state: str) -> dict:
        built = {}
        if state == "deployment":
            advance_to(world.project, "deployment", actor=world.lead)
            return built
        if state == "hypercare":
            into_hypercare(world)
        issue = tracker_services.issue_create(actor=world.customer_member, project=world.project, title="Broken")
        if state == "attachment":
            built["attachment"] = tracker_services.attachment_add(
                actor=world.customer_member, issue=issue, upload=_file()
            )
        return built

    return make


def _call(client, name, method, data, state):
    url = reverse(name, args=_args(name, state))
    if method == "get":
        return client.get(url)
    payload = {"file": data()} if callable(data) else data
    return client.post(url, payload)


test_role, test_other_tenant_is_404, test_anonymous_goes_to_login = html_permission_tests(ROUTES, _call)


def test_html_roles_mirror_the_api():
    """The desk grants what the API grants for the same action."""
    from golive.cutover.api import GoLiveView
    from golive.hypercare.api import HypercareExitView, HypercareExtendView, HypercareView
    from golive.tracker.api import AttachmentListView, CommentListView, IssueDetailView, IssueListView

    assert IssueListView.roles == {"GET": ANY_MEMBER, "POST": ANY_MEMBER}
    assert IssueDetailView.roles == {"GET": ANY_MEMBER, "PATCH": ANY_MEMBER}
    assert CommentListView.roles["POST"] == AttachmentListView.roles["POST"] == ANY_MEMBER
    assert HypercareView.roles["GET"] == ANY_MEMBER
    assert HypercareExtendView.roles["POST"] == LEADS
    assert HypercareExitView.roles["POST"] == GoLiveView.roles["POST"] == CONSULTANTS


@pytest.mark.django_db
def test_missing_issue_is_404(client, world):
    client.force_login(world.lead)
    assert client.get(reverse("web:issue", args=["ACME", 99])).status_code == 404
    assert client.post(reverse("web:issue-quick", args=["ACME", 99]), {"status": "triaged"}).status_code == 404
    assert client.get(reverse("web:issues", args=["NOSUCH"])).status_code == 404
