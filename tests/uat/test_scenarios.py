"""Scenarios through the API: create, edit, retire, delete while never run; cycles and assignments; the
template and the export."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from golive.audit.models import AuditEvent
from golive.uat import services
from golive.uat.models import Assignment, Scenario
from tests.engagement.builders import requirement
from tests.uat.builders import HEADER, run, scenario, uat_counts

BASE = "/api/v1/projects/ACME/uat/"


def test_create_with_requirements_and_read_back(world, api):
    requirement(world, "REQ-1")
    requirement(world, "REQ-2")
    payload = {
        "ref": "UAT-1",
        "title": "수주 등록",
        "module": "O2C",
        "steps": "1. Open\n2. Save",
        "expected_result": "Saved",
        "priority": "critical",
        "requirements": ["REQ-2", "REQ-1"],
    }
    response = api(world.customer_lead).post(BASE + "scenarios/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["requirements"] == ["REQ-1", "REQ-2"]
    assert (body["state"], body["last_run"], body["assigned_to"], body["retired_at"]) == ("not_run", None, None, None)
    assert body["order"] == 1 and body["created_by"] == "customer_lead"
    assert api(world.customer_member).get(BASE + "scenarios/UAT-1/").json()["title"] == "수주 등록"
    assert AuditEvent.objects.filter(action="uat_scenario.created").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ref": "UAT-1", "title": "Again"}, "ref"),
        ({"ref": "has space", "title": "Bad ref"}, "ref"),
        ({"ref": "Export", "title": "Reserved"}, "ref"),
        ({"ref": "UAT-2", "title": "X", "priority": "urgent"}, "priority"),
        ({"ref": "UAT-2", "title": "X", "requirements": ["REQ-404"]}, "requirements"),
        ({"ref": "UAT-2"}, "title"),
        ({"ref": "UAT-2", "title": "X", "state": "passed"}, "state"),
    ],
)
def test_create_refusals_name_the_field(world, api, nothing_written, payload, field):
    scenario(world, "UAT-1")
    before = uat_counts()
    with nothing_written():
        response = api(world.lead).post(BASE + "scenarios/", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"].startswith(f"{field}:")
    assert uat_counts() == before


def test_patch_changes_fields_and_requirements(world, api):
    requirement(world, "REQ-1")
    scenario(world, "UAT-1", requirements=["REQ-1"])
    response = api(world.consultant).patch(
        BASE + "scenarios/UAT-1/", {"priority": "high", "requirements": [], "order": 7}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["priority"], response.json()["requirements"], response.json()["order"]) == ("high", [], 7)
    event = AuditEvent.objects.filter(action="uat_scenario.updated").get()
    assert event.changes["requirements"] == [["REQ-1"], []]
    assert api(world.consultant).patch(BASE + "scenarios/UAT-1/", {"ref": "X"}, format="json").status_code == 400


def test_delete_a_scenario_never_run(world, api):
    scenario(world, "UAT-1")
    assert api(world.lead).delete(BASE + "scenarios/UAT-1/").status_code == 204
    assert not Scenario.objects.exists()
    assert AuditEvent.objects.filter(action="uat_scenario.deleted").exists()


def test_a_scenario_once_run_is_retired_not_deleted(world, api, nothing_written):
    scenario(world, "UAT-1")
    run(world, "UAT-1", "failed")
    with nothing_written():
        response = api(world.lead).delete(BASE + "scenarios/UAT-1/")
    assert response.status_code == 409
    assert "retire" in response.json()["detail"]
    retired = api(world.lead).post(BASE + "scenarios/UAT-1/retire/")
    assert retired.status_code == 200 and retired.json()["retired_at"]
    assert api(world.lead).post(BASE + "scenarios/UAT-1/retire/").status_code == 409
    # Out of the default list, still readable and listed on request.
    listed = api(world.lead).get(BASE + "scenarios/").json()["results"]
    assert listed == []
    assert [
        s["ref"] for s in api(world.lead).get(BASE + "scenarios/", {"include_retired": "true"}).json()["results"]
    ] == ["UAT-1"]
    assert [s["ref"] for s in api(world.lead).get(BASE + "scenarios/", {"retired": "true"}).json()["results"]] == [
        "UAT-1"
    ]
    assert api(world.lead).get(BASE + "scenarios/UAT-1/").json()["state"] == "failed"


def test_list_filters(world, api):
    scenario(world, "A", module="O2C", priority="critical", title="Order entry")
    scenario(world, "B", module="P2P", priority="low", title="Purchase")
    scenario(world, "C", module="O2C", priority="high", title="Invoice")
    client = api(world.customer_member)

    def refs(**params):
        return [s["ref"] for s in client.get(BASE + "scenarios/", params).json()["results"]]

    assert refs() == ["A", "B", "C"]
    assert refs(module="O2C") == ["A", "C"]
    assert refs(priority="critical,low") == ["A", "B"]
    assert refs(q="invo") == ["C"]


def test_scenario_of_another_project_is_404(world, api):
    scenario(world, "G-1", project=world.other_project, actor=world.other_lead)
    assert api(world.lead).get(BASE + "scenarios/G-1/").status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# Cycles and assignments


def test_cycles_and_assignments(world, api):
    scenario(world, "A")
    scenario(world, "B")
    client = api(world.customer_lead)
    first = client.post(BASE + "cycles/", {"name": "Round 1"}, format="json")
    assert first.status_code == 201
    assert (first.json()["number"], first.json()["name"]) == (1, "Round 1")
    payload = {
        "assignments": [{"scenario": "A", "tester": "customer_member"}, {"scenario": "B", "tester": "consultant"}]
    }
    response = client.post(BASE + "cycles/1/assignments/", payload, format="json")
    assert response.status_code == 200, response.content
    assert [(a["scenario"], a["tester"], a["state"]) for a in response.json()] == [
        ("A", "customer_member", "not_run"),
        ("B", "consultant", "not_run"),
    ]
    # Reassigning moves the scenario to the new tester.
    client.post(
        BASE + "cycles/1/assignments/", {"assignments": [{"scenario": "B", "tester": "customer_member"}]}, format="json"
    )
    run(world, "A", "passed")
    listed = client.get(BASE + "cycles/1/assignments/", {"tester": "customer_member"}).json()["results"]
    assert [(a["scenario"], a["state"]) for a in listed] == [("A", "passed"), ("B", "not_run")]
    assert client.get(BASE + "scenarios/", {"assigned_to": "customer_member"}).json()["count"] == 2
    cycles = client.get(BASE + "cycles/").json()["results"]
    assert [(c["number"], c["runs"], c["assignments"]) for c in cycles] == [(1, 1, 2)]
    second = client.post(BASE + "cycles/", {}, format="json")
    assert second.json()["number"] == 2
    assert client.get(BASE + "cycles/9/assignments/").status_code == 404


def test_assignments_are_all_or_nothing(world, api, nothing_written):
    scenario(world, "A")
    retired = scenario(world, "R")
    services.scenario_retire(actor=world.lead, scenario=retired)
    services.cycle_create(actor=world.lead, project=world.project)
    payload = {
        "assignments": [
            {"scenario": "A", "tester": "customer_member"},
            {"scenario": "NOPE", "tester": "customer_member"},
            {"scenario": "R", "tester": "customer_member"},
            {"scenario": "A", "tester": "other_customer"},
        ]
    }
    with nothing_written():
        response = api(world.lead).post(BASE + "cycles/1/assignments/", payload, format="json")
    assert response.status_code == 400
    messages = response.json()["errors"]["assignments"]
    assert any("Item 2" in m and "NOPE" in m for m in messages)
    assert any("Item 3" in m and "retired" in m for m in messages)
    assert any("Item 4" in m and "twice" in m for m in messages)
    assert any("Item 4" in m and "other_customer" in m for m in messages)
    assert not Assignment.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# Template and export


def test_template_csv_and_xlsx(world, api):
    client = api(world.customer_member)
    csv_response = client.get(BASE + "scenarios/template/")
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    assert csv_response.content.decode("utf-8-sig") == ",".join(HEADER) + "\r\n"
    xlsx_response = client.get(BASE + "scenarios/template/", {"format": "xlsx"})
    assert xlsx_response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(xlsx_response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == HEADER
    assert client.get(BASE + "scenarios/template/", {"format": "pdf"}).status_code == 400


def test_filled_in_template_imports(world, api):
    content = api(world.lead).get(BASE + "scenarios/template/", {"format": "xlsx"}).content
    workbook = load_workbook(io.BytesIO(content))
    workbook.worksheets[0].append(["T-1", "From the template", "O2C", "a\nb", "ok", "high"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("filled.xlsx", buffer.getvalue())
    response = api(world.lead).post(BASE + "scenarios/import/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert Scenario.objects.get(ref="T-1").priority == "high"


def _export(api, world, fmt):
    response = api(world.customer_member).get(BASE + "scenarios/export/", {"format": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_has_states_per_cycle_and_defects(world, api, fmt):
    scenario(world, "A", title='=HYPERLINK("http://evil")', steps="1. 열기\n2. 저장", priority="critical")
    scenario(world, "B")
    gone = scenario(world, "C")
    failed = run(world, "A", "failed")
    services.run_defect_create(actor=world.customer_member, run=failed, severity="P2")
    run(world, "A", "passed", cycle=2)
    run(world, "C", "passed")
    services.scenario_retire(actor=world.lead, scenario=gone)
    rows = _export(api, world, fmt)
    assert rows[0] == [*HEADER, "retired", "status", "cycle 1", "cycle 2", "defects"]
    by_ref = {row[0]: row for row in rows[1:]}
    a = by_ref["A"]
    assert a[3] == "1. 열기\n2. 저장"
    assert a[7:] == ["passed", "failed", "passed", "ACME-1"]
    assert by_ref["B"][7:] == ["not_run", "not_run", "not_run", ""]
    assert by_ref["C"][6] and by_ref["C"][7:10] == ["not_run", "passed", "not_run"]
    # A formula-looking title stays text.
    assert a[1] in ('\'=HYPERLINK("http://evil")', '=HYPERLINK("http://evil")')
    if fmt == "xlsx":
        response = api(world.lead).get(BASE + "scenarios/export/", {"format": "xlsx"})
        cell = load_workbook(io.BytesIO(response.content)).worksheets[0]["B2"]
        assert cell.data_type == "s"
    else:
        assert a[1].startswith("'")


def test_module_list_for_filters(world):
    from golive.uat.selectors import module_list

    scenario(world, "A", module="O2C")
    scenario(world, "B", module="P2P")
    scenario(world, "C", module="O2C")
    scenario(world, "D")
    services.scenario_retire(actor=world.lead, scenario=scenario(world, "E", module="Old"))
    assert module_list(project=world.project) == ["O2C", "P2P"]


def test_xlsx_export_with_control_characters_in_a_title(world, api):
    """A control character the API accepts must not make the XLSX export fail (openpyxl refuses such cells)."""
    scenario(world, "CTRL", title="Post\x1b the\x02 invoice")
    response = api(world.customer_member).get(BASE + "scenarios/export/", {"format": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][:2] == ("CTRL", "Post the invoice")
