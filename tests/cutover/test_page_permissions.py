"""Generated permission table of the deployment-week HTML routes (STYLE.md 6), like ``test_desk_permissions.py``:
every route, every role of ACME (allowed -> 200/302, denied -> 403), other tenants -> 404, anonymous -> 302 to
the login page. Add every new route of these pages here.

Each row is (route name, method, data, allowed roles, state). ``state`` builds what the route needs through the
services: ``runbook`` (ACME with step S1, pending, owned by nobody), ``owned`` (S1 owned by the customer member),
``report`` (a manual smoke test), ``deployment`` (ACME in deployment), ``go`` (ACME ready, "go" decided).
Denials decided by the service (a member running a step they do not own, a non-member voting) are 403 too.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from golive.api import ANY_MEMBER, CONSULTANTS, LEADS, VENDOR_STAFF
from golive.cutover import services
from golive.cutover.models import RunbookTemplate
from tests.cutover.builders import ready_for_go, step
from tests.tracker.helpers import to_phase
from tests.web.html_permissions import html_permission_tests


def _junit(built):
    xml = b'<testsuite name="smoke" tests="1"><testcase classname="smoke" name="test_login"/></testsuite>'
    return {"file": SimpleUploadedFile("smoke.xml", xml, content_type="application/xml"), "environment": "sandbox"}


def _clone(built):
    return {"template": RunbookTemplate.objects.get(name="SaaS standard cutover").pk}


MANUAL = {
    "title": "Smoke",
    "environment": "production",
    "items-TOTAL_FORMS": "1",
    "items-INITIAL_FORMS": "0",
    "items-0-name": "Log in",
    "items-0-status": "passed",
}
NEW_STEP = {"ref": "S2", "title": "Load data", "planned_minutes": "30", "depends_on": ["S1"]}

ROUTES = [
    ("web:cutover-board", "get", None, ANY_MEMBER, "runbook"),
    ("web:cutover-runbook-csv", "get", None, ANY_MEMBER, "runbook"),
    # Consultants run any step; another member only the steps they own (the service's 403, shown in the page).
    ("web:cutover-step-action", "post", {}, CONSULTANTS, "runbook"),
    ("web:cutover-step-action", "post", {}, CONSULTANTS | {"customer_member"}, "owned"),
    ("web:cutover-step-add", "post", NEW_STEP, CONSULTANTS, "runbook"),
    ("web:cutover-clone", "post", _clone, CONSULTANTS, "runbook"),
    ("web:cutover-template-save", "post", {"name": "ACME plan"}, CONSULTANTS, "runbook"),
    ("web:cutover-target", "post", {"target_at": "2030-05-04T09:00"}, CONSULTANTS, "runbook"),
    ("web:test-reports", "get", None, ANY_MEMBER, "report"),
    ("web:test-reports", "post", _junit, VENDOR_STAFF, "runbook"),
    ("web:test-report-manual", "get", None, ANY_MEMBER, "runbook"),
    ("web:test-report-manual", "post", MANUAL, ANY_MEMBER, "runbook"),
    ("web:test-report", "get", None, ANY_MEMBER, "report"),
    ("web:go-no-go", "get", None, ANY_MEMBER, "deployment"),
    # Members vote; an administrator who is not a member is refused by the service.
    ("web:go-no-go-vote", "post", {"vote": "go", "comment": "Ready"}, ANY_MEMBER - {"admin"}, "deployment"),
    (
        "web:go-no-go-decide",
        "post",
        {"decision": "no_go", "comment": "Data", "new_target_date": "2099-01-05"},
        LEADS,
        "deployment",
    ),
    ("web:cutover-golive", "post", {"at": ""}, CONSULTANTS, "go"),
]


@pytest.fixture
def build(world):
    def make(state: str) -> dict:
        built = {}
        if state in ("runbook", "owned"):
            services.step_create(actor=world.lead, project=world.project, ref="S1", title="Back up the legacy system")
            if state == "owned":
                services.step_update(actor=world.lead, step=step(world, "S1"), owner=world.customer_member)
        elif state == "report":
            built["report"] = services.test_report_manual(
                actor=world.lead, project=world.project, title="Smoke", items=[{"name": "Login", "status": "passed"}]
            )
        elif state == "deployment":
            to_phase(world.project, "deployment", actor=world.lead)
        elif state == "go":
            ready_for_go(world)
            services.go_no_go_decide(actor=world.lead, project=world.project, decision="go")
        return built

    return make


def _args(name: str, built: dict) -> list:
    if name == "web:cutover-step-action":
        return ["ACME", "S1", "start"]
    if name == "web:test-report":
        return ["ACME", built["report"].pk]
    return ["ACME"]


def _call(client, name, method, data, built):
    url = reverse(name, args=_args(name, built))
    if method == "get":
        return client.get(url)
    return client.post(url, data(built) if callable(data) else data)


test_role, test_other_tenant_is_404, test_anonymous_goes_to_login = html_permission_tests(ROUTES, _call)


def test_html_roles_mirror_the_api():
    """The pages grant what the API grants for the same action."""
    from golive.cutover import api

    assert api.RunbookView.roles == {"GET": ANY_MEMBER, "PATCH": CONSULTANTS}
    assert api.RunbookExportView.roles["GET"] == ANY_MEMBER
    assert api.StepListView.roles["POST"] == api.RunbookCloneView.roles["POST"] == CONSULTANTS
    assert api.RunbookTemplateListView.roles["POST"] == CONSULTANTS
    assert api.StepActionView.roles["POST"] == ANY_MEMBER
    assert api.TestReportListView.roles == {"GET": ANY_MEMBER, "POST": VENDOR_STAFF}
    assert api.ManualTestReportView.roles["POST"] == api.TestReportDetailView.roles["GET"] == ANY_MEMBER
    assert api.GoNoGoView.roles["GET"] == api.GoNoGoVoteView.roles["POST"] == ANY_MEMBER
    assert api.GoNoGoDecideView.roles["POST"] == LEADS
    assert api.GoLiveView.roles["POST"] == CONSULTANTS


@pytest.mark.django_db
def test_missing_objects_are_404(client, world):
    client.force_login(world.lead)
    assert client.get(reverse("web:test-report", args=["ACME", 99])).status_code == 404
    assert client.post(reverse("web:cutover-step-action", args=["ACME", "S9", "start"])).status_code == 404
    assert client.get(reverse("web:cutover-board", args=["NOSUCH"])).status_code == 404
    assert client.post(reverse("web:cutover-clone", args=["ACME"]), {"template": 99999}).status_code == 400
