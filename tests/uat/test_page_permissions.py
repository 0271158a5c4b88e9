"""Generated permission table of the UAT HTML routes (STYLE.md 6), like ``tests/cutover/test_page_permissions.py``:
every route, every role of ACME (allowed -> 200/302, denied -> 403), other tenants -> 404, anonymous -> 302 to
the login page. Add every new route of these pages here.

Each row is (route name, method, data, allowed roles, state). ``state`` builds what the route needs through the
services: ``scenarios`` (ACME with scenario UAT-1), ``failed`` (UAT-1 with a failed run), ``evidence`` (that run
with a file), ``uat`` (ACME in UAT with UAT-1), ``signed`` (and the customer lead's approval recorded).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from golive.api import ANY_MEMBER, CONSULTANTS
from golive.lifecycle import services as lifecycle_services
from golive.uat import services
from golive.uat.api import PLANNERS, TESTERS
from golive.web.access import SIGNOFF_ROLES
from tests.tracker.helpers import to_phase
from tests.uat.builders import HEADER, csv_text, csv_upload, run, scenario
from tests.web.html_permissions import html_permission_tests


def _evidence_file(built):
    return {"file": SimpleUploadedFile("screen.txt", b"error 500 at 10:02", content_type="text/plain")}


def _import_file(built):
    return {"file": csv_upload(csv_text([HEADER, ["IMP-1", "Import me", "O2C", "", "", "low"]]))}


NEW_SCENARIO = {"ref": "UAT-9", "title": "수주 등록", "priority": "high"}
EDIT = {"title": "Create an order", "priority": "critical", "order": "1"}

ROUTES = [
    ("web:uat", "get", None, ANY_MEMBER, "scenarios"),
    ("web:uat-mine", "get", None, ANY_MEMBER, "scenarios"),
    # Testers record runs; a customer member as themselves only (the form posts no tester for them).
    ("web:uat-run", "post", {"status": "passed"}, TESTERS, "scenarios"),
    ("web:uat-run-defect", "post", {"severity": "P3"}, TESTERS, "failed"),
    ("web:uat-run-evidence", "post", _evidence_file, TESTERS, "failed"),
    ("web:uat-evidence", "get", None, ANY_MEMBER, "evidence"),
    ("web:uat-board", "get", None, ANY_MEMBER, "failed"),
    ("web:uat-chart", "get", None, ANY_MEMBER, "failed"),
    ("web:uat-cycle-create", "post", {"name": "Round 2"}, PLANNERS, "scenarios"),
    ("web:uat-assign", "post", {"scenarios": ["UAT-1"], "tester": "customer_member"}, PLANNERS, "scenarios"),
    ("web:uat-scenarios", "get", None, ANY_MEMBER, "scenarios"),
    ("web:uat-scenarios", "post", NEW_SCENARIO, PLANNERS, "scenarios"),
    ("web:uat-import", "post", _import_file, PLANNERS, "scenarios"),
    ("web:uat-template", "get", None, ANY_MEMBER, "scenarios"),
    ("web:uat-export", "get", None, ANY_MEMBER, "failed"),
    ("web:uat-scenario", "get", None, ANY_MEMBER, "failed"),
    ("web:uat-scenario", "post", EDIT, PLANNERS, "scenarios"),
    ("web:uat-scenario-retire", "post", {}, PLANNERS, "scenarios"),
    ("web:uat-signoff", "get", None, ANY_MEMBER, "signed"),
    # The customer lead and the consultant lead sign (administrators who are not members are refused).
    ("web:uat-signoff", "post", {"decision": "approve", "comment": "OK"}, SIGNOFF_ROLES, "uat"),
    ("web:uat-signoff-snapshot", "get", None, ANY_MEMBER, "signed"),
]


@pytest.fixture
def build(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def make(state: str) -> dict:
        built = {}
        if state in ("uat", "signed"):
            to_phase(world.project, "uat", actor=world.lead)
        scenario(world, "UAT-1", priority="critical")
        if state in ("failed", "evidence"):
            built["run"] = run(world, "UAT-1", "failed", actual_result="Error 500")
        if state == "evidence":
            upload = SimpleUploadedFile("screen.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, content_type="image/png")
            built["evidence"] = services.evidence_add(actor=world.customer_member, run=built["run"], upload=upload)
        if state == "signed":
            built["signoff"] = lifecycle_services.signoff_record(
                actor=world.customer_lead, project=world.project, phase_key="uat", decision="approve"
            )
        return built

    return make


def _args(name: str, built: dict) -> list:
    if name in ("web:uat-run", "web:uat-scenario", "web:uat-scenario-retire"):
        return ["ACME", "UAT-1"]
    if name in ("web:uat-run-defect", "web:uat-run-evidence"):
        return ["ACME", built["run"].pk]
    if name == "web:uat-evidence":
        return ["ACME", built["run"].pk, built["evidence"].pk]
    if name == "web:uat-signoff-snapshot":
        return ["ACME", built["signoff"].pk]
    return ["ACME"]


def _call(client, name, method, data, built):
    url = reverse(name, args=_args(name, built))
    if method == "get":
        return client.get(url)
    return client.post(url, data(built) if callable(data) else data)


test_role, test_other_tenant_is_404, test_anonymous_goes_to_login = html_permission_tests(ROUTES, _call)


def test_html_roles_mirror_the_api():
    """The pages grant what the API grants for the same action."""
    from golive.lifecycle import api as lifecycle_api
    from golive.uat import api

    assert frozenset({"customer_lead"}) | CONSULTANTS == PLANNERS
    assert frozenset({"customer_member"}) | PLANNERS == TESTERS
    assert api.ScenarioListView.roles == {"GET": ANY_MEMBER, "POST": PLANNERS}
    assert api.ScenarioDetailView.roles["PATCH"] == api.ScenarioRetireView.roles["POST"] == PLANNERS
    assert api.ScenarioImportView.roles["POST"] == api.CycleListView.roles["POST"] == PLANNERS
    assert api.AssignmentListView.roles["POST"] == PLANNERS
    assert api.RunListView.roles["POST"] == api.RunDefectView.roles["POST"] == TESTERS
    assert api.RunEvidenceListView.roles == {"GET": ANY_MEMBER, "POST": TESTERS}
    assert api.SummaryView.roles["GET"] == api.RunEvidenceDownloadView.roles["GET"] == ANY_MEMBER
    assert lifecycle_api.SignOffListView.roles["POST"] == SIGNOFF_ROLES


@pytest.mark.django_db
def test_missing_objects_are_404(client, world):
    client.force_login(world.lead)
    assert client.get(reverse("web:uat-scenario", args=["ACME", "NOPE"])).status_code == 404
    assert client.post(reverse("web:uat-run", args=["ACME", "NOPE"]), {"status": "passed"}).status_code == 404
    assert client.post(reverse("web:uat-run-defect", args=["ACME", 999]), {"severity": "P3"}).status_code == 404
    assert client.get(reverse("web:uat-evidence", args=["ACME", 999, 1])).status_code == 404
    assert client.get(reverse("web:uat-board", args=["NOSUCH"])).status_code == 404
