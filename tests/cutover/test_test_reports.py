"""Test evidence through the API: JUnit uploads (totals, failing cases, hostile files) and manual smoke tests."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from golive.cutover.models import FailingCase, TestReport

URL = "/api/v1/projects/ACME/test-reports/"

SUREFIRE = b"""<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="com.example.InvoiceTest" tests="4" failures="1" errors="1" skipped="1" time="0.5">
  <testcase classname="com.example.InvoiceTest" name="totals" time="0.1"/>
  <testcase classname="com.example.InvoiceTest" name="tax" time="0.2">
    <failure message="expected 19.00 but was 0.00" type="AssertionError">at InvoiceTest.java:42</failure>
  </testcase>
  <testcase classname="com.example.InvoiceTest" name="pdf" time="0.1"><error message="NullPointerException"/></testcase>
  <testcase classname="com.example.InvoiceTest" name="legacy"><skipped/></testcase>
</testsuite>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<testsuite name="x"><testcase name="&lol3;"/></testsuite>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<testsuite name="x"><testcase name="&secret;"/></testsuite>"""


def _upload(content: bytes, name: str = "report.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/xml")


def test_upload_records_totals_and_failing_cases(world, api):
    response = api(world.consultant).post(
        URL, {"file": _upload(SUREFIRE, "TEST-InvoiceTest.xml"), "environment": "production"}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("tests", "failures", "errors", "skipped", "passed")} == {
        "tests": 4,
        "failures": 1,
        "errors": 1,
        "skipped": 1,
        "passed": 1,
    }
    assert body["ok"] is False and body["environment"] == "production" and body["uploaded_by"] == "consultant"
    assert body["title"] == body["file_name"] == "TEST-InvoiceTest.xml"
    failing = {case["name"]: case for case in body["failing_cases"]}
    assert failing["tax"]["kind"] == "failure" and failing["tax"]["message"] == "expected 19.00 but was 0.00"
    assert "InvoiceTest.java:42" in failing["tax"]["detail"]
    assert failing["pdf"]["kind"] == "error"
    detail = api(world.customer_member).get(f"{URL}{body['id']}/").json()
    assert len(detail["failing_cases"]) == 2
    listed = api(world.customer_member).get(URL).json()
    assert listed["count"] == 1 and "failing_cases" not in listed["results"][0]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(EXTERNAL_ENTITY, id="external-entity"),
        pytest.param(SUREFIRE[: len(SUREFIRE) // 2], id="truncated"),
        pytest.param(b"PASS 12 tests, FAIL 0", id="not-xml"),
        pytest.param(b'{"tests": 3}', id="json"),
        pytest.param(b"<html><body>Report</body></html>", id="wrong-root"),
        pytest.param(b"", id="empty"),
    ],
)
def test_hostile_or_wrong_files_are_400_on_file_and_write_nothing(world, api, nothing_written, content):
    with nothing_written():
        response = api(world.lead).post(URL, {"file": _upload(content)}, format="multipart")
    assert response.status_code == 400, response.content
    assert "file" in response.json()["errors"]
    assert TestReport.objects.count() == 0 and FailingCase.objects.count() == 0


def test_oversized_file_is_400(world, api, settings, monkeypatch):
    from golive.cutover import services

    monkeypatch.setattr(services, "MAX_REPORT_BYTES", 100)
    response = api(world.lead).post(URL, {"file": _upload(SUREFIRE)}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]
    assert TestReport.objects.count() == 0


def test_missing_file_and_bad_environment_are_400(world, api):
    client = api(world.lead)
    assert "file" in client.post(URL, {"environment": "sandbox"}, format="multipart").json()["errors"]
    response = client.post(URL, {"file": _upload(SUREFIRE), "environment": "staging"}, format="multipart")
    assert response.status_code == 400 and "environment" in response.json()["errors"]


def test_manual_smoke_test_counts_items_and_lists_failures(world, api):
    payload = {
        "title": "Production smoke test",
        "items": [
            {"name": "Log in with SSO", "status": "passed"},
            {"name": "Create an opportunity", "status": "failed", "note": "Save button greyed out"},
            {"name": "Print a quote", "status": "skipped"},
        ],
    }
    response = api(world.customer_lead).post(URL + "manual/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["environment"], body["tests"], body["passed"], body["failures"], body["skipped"]) == (
        "manual",
        "production",
        3,
        1,
        1,
        1,
    )
    assert [c["name"] for c in body["failing_cases"]] == ["Create an opportunity"]
    assert body["failing_cases"][0]["message"] == "Save button greyed out"
    assert [item["status"] for item in body["checklist"]] == ["passed", "failed", "skipped"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "Smoke", "items": []}, "items"),
        ({"title": "Smoke", "items": [{"name": "Login", "status": "green"}]}, "items"),
        ({"title": "Smoke", "items": [{"status": "passed"}]}, "items"),
        ({"items": [{"name": "Login", "status": "passed"}]}, "title"),
        ({"title": "Smoke", "items": [{"name": "Login", "status": "passed", "owner": "x"}]}, "items"),
    ],
)
def test_bad_manual_smoke_test_is_400(world, api, nothing_written, payload, field):
    with nothing_written():
        response = api(world.lead).post(URL + "manual/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert TestReport.objects.count() == 0


def test_report_of_another_project_is_404(world, api):
    from golive.cutover import services

    report = services.test_report_manual(
        actor=world.other_lead,
        project=world.other_project,
        title="GLOBEX smoke",
        items=[{"name": "x", "status": "passed"}],
    )
    assert api(world.lead).get(f"{URL}{report.pk}/").status_code == 404


def test_list_filters_by_environment(world, api):
    client = api(world.lead)
    client.post(URL, {"file": _upload(SUREFIRE), "environment": "sandbox"}, format="multipart")
    client.post(URL + "manual/", {"title": "Prod", "items": [{"name": "a", "status": "passed"}]}, format="json")
    assert [r["title"] for r in client.get(URL + "?environment=production").json()["results"]] == ["Prod"]
    assert [r["kind"] for r in client.get(URL + "?kind=junit").json()["results"]] == ["junit"]
