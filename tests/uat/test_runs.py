"""Runs: recording results, opening cycles, who may test, the latest-run rule, defects raised from a run and
evidence files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from golive.errors import TransitionRefused
from golive.tracker import services as tracker_services
from golive.tracker.models import Issue
from golive.uat import selectors, services
from golive.uat.models import Cycle, Run
from tests.uat.builders import ago, run, scenario, uat_counts

RUNS = "/api/v1/projects/ACME/uat/runs/"


def record(api, user, **payload):
    return api(user).post(RUNS, payload, format="json")


def state(world, ref: str) -> str:
    return selectors.scenario_get(project=world.project, ref=ref).state


# ---------------------------------------------------------------------------------------------------------------
# Recording


def test_customer_member_records_a_run_as_themselves(world, api):
    scenario(world, "UAT-1")
    response = record(api, world.customer_member, scenario="UAT-1", status="failed", notes="Button greyed out")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["scenario"], body["cycle"], body["status"], body["tester"], body["recorded_by"]) == (
        "UAT-1",
        1,
        "failed",
        "customer_member",
        "customer_member",
    )
    assert body["defect"] is None and body["evidence"] == []
    assert Cycle.objects.get(project=world.project).number == 1  # opened by its first run


def test_consultant_records_for_a_customer_tester(world, api):
    scenario(world, "UAT-1")
    response = record(api, world.consultant, scenario="UAT-1", status="passed", tester="customer_member")
    assert response.status_code == 201
    assert response.json()["tester"] == "customer_member"
    assert response.json()["recorded_by"] == "consultant"


def test_customer_member_may_not_record_for_someone_else(world, api, nothing_written):
    scenario(world, "UAT-1")
    before = uat_counts()
    with nothing_written():
        response = record(api, world.customer_member, scenario="UAT-1", status="passed", tester="customer_lead")
    assert response.status_code == 400
    assert "tester" in response.json()["errors"]
    assert uat_counts() == before


def test_customer_lead_may_record_for_a_member(world, api):
    scenario(world, "UAT-1")
    assert (
        record(api, world.customer_lead, scenario="UAT-1", status="passed", tester="customer_member").status_code == 201
    )


@pytest.mark.parametrize("tester", ["outsider", "other_customer", "nobody"])
def test_tester_must_be_a_project_member(world, api, tester):
    scenario(world, "UAT-1")
    response = record(api, world.lead, scenario="UAT-1", status="passed", tester=tester)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("tester:")


def test_unknown_scenario_is_400_on_scenario(world, api, nothing_written):
    scenario(world, "UAT-1")
    before = uat_counts()
    with nothing_written():
        response = record(api, world.customer_member, scenario="UAT-404", status="passed")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("scenario:")
    assert uat_counts() == before  # no cycle opened either


def test_scenario_of_another_project_is_unknown(world, api):
    scenario(world, "G-1", project=world.other_project, actor=world.other_lead)
    assert record(api, world.lead, scenario="G-1", status="passed").status_code == 400


def test_retired_scenario_is_refused(world, api):
    retired = scenario(world, "UAT-1")
    services.scenario_retire(actor=world.lead, scenario=retired)
    response = record(api, world.customer_member, scenario="UAT-1", status="passed")
    assert response.status_code == 400
    assert "retired" in response.json()["detail"]


def test_unknown_status_is_400(world, api):
    scenario(world, "UAT-1")
    assert record(api, world.customer_member, scenario="UAT-1", status="done").status_code == 400


def test_cycles_open_in_sequence_and_a_gap_is_refused(world, api, nothing_written):
    scenario(world, "UAT-1")
    with nothing_written():
        response = record(api, world.customer_member, scenario="UAT-1", status="passed", cycle=2)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("cycle:")
    assert "next cycle is 1" in response.json()["detail"]
    assert not Cycle.objects.exists()
    assert record(api, world.customer_member, scenario="UAT-1", status="failed").json()["cycle"] == 1
    assert record(api, world.customer_member, scenario="UAT-1", status="passed", cycle=2).json()["cycle"] == 2
    assert record(api, world.customer_member, scenario="UAT-1", status="passed", cycle=4).status_code == 400
    assert record(api, world.customer_member, scenario="UAT-1", status="passed", cycle=1).status_code == 201
    assert list(Cycle.objects.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_cycle_zero_is_refused(world, api):
    scenario(world, "UAT-1")
    assert record(api, world.customer_member, scenario="UAT-1", status="passed", cycle=0).status_code == 400


def test_link_an_existing_issue_as_the_defect(world, api):
    scenario(world, "UAT-1")
    issue = tracker_services.issue_create(
        actor=world.customer_member, project=world.project, title="Bug", kind="defect"
    )
    response = record(api, world.customer_member, scenario="UAT-1", status="failed", defect=issue.number)
    assert response.json()["defect"]["ref"] == f"ACME-{issue.number}"
    assert record(api, world.customer_member, scenario="UAT-1", status="failed", defect=999).status_code == 400


def test_issue_of_another_project_cannot_be_linked(world, api):
    scenario(world, "UAT-1")
    theirs = tracker_services.issue_create(actor=world.other_lead, project=world.other_project, title="Theirs")
    response = record(api, world.customer_member, scenario="UAT-1", status="failed", defect=theirs.number)
    assert response.status_code == 400  # ACME has no issue of that number
    assert response.json()["detail"].startswith("defect:")


def test_back_dated_run_rules(world, api):
    scenario(world, "UAT-1")
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert record(api, world.lead, scenario="UAT-1", status="passed", executed_at=future).status_code == 400
    past = ago(days=2)
    response = record(api, world.lead, scenario="UAT-1", status="passed", executed_at=past.isoformat())
    assert response.status_code == 201
    assert Cycle.objects.get().started_at == past  # a cycle opened by a back-dated run starts then
    too_early = (past - dt.timedelta(hours=1)).isoformat()
    assert record(api, world.lead, scenario="UAT-1", status="passed", executed_at=too_early).status_code == 400


def test_unknown_field_is_refused(world, api):
    scenario(world, "UAT-1")
    assert record(api, world.lead, scenario="UAT-1", status="passed", result="ok").status_code == 400


# ---------------------------------------------------------------------------------------------------------------
# The latest-run rule


def test_latest_run_in_the_latest_cycle_decides(world):
    scenario(world, "UAT-1")
    assert state(world, "UAT-1") == "not_run"
    run(world, "UAT-1", "failed")
    assert state(world, "UAT-1") == "failed"
    run(world, "UAT-1", "passed")
    assert state(world, "UAT-1") == "passed"
    run(world, "UAT-1", "blocked")
    assert state(world, "UAT-1") == "blocked"
    # A new cycle: not run there yet, whatever cycle 1 said.
    services.cycle_create(actor=world.lead, project=world.project)
    assert state(world, "UAT-1") == "not_run"
    run(world, "UAT-1", "passed", cycle=2)
    assert state(world, "UAT-1") == "passed"
    # A later run in an older cycle does not change the state.
    run(world, "UAT-1", "failed", cycle=1)
    assert state(world, "UAT-1") == "passed"


def test_latest_by_executed_at_not_by_recording_order(world):
    scenario(world, "UAT-1")
    run(world, "UAT-1", "passed", executed_at=ago(hours=3))
    run(world, "UAT-1", "failed", executed_at=ago(hours=1))
    run(world, "UAT-1", "passed", executed_at=ago(hours=2))  # recorded last, executed before the failure
    assert state(world, "UAT-1") == "failed"


def test_same_instant_the_higher_id_wins(world):
    scenario(world, "UAT-1")
    at = ago(hours=1)
    run(world, "UAT-1", "failed", executed_at=at)
    run(world, "UAT-1", "passed", executed_at=at)
    assert state(world, "UAT-1") == "passed"
    assert selectors.latest_runs(Run.objects.all()).get().status == "passed"


def test_state_filters_of_the_scenario_list(world, api):
    for ref in ("A", "B", "C", "D"):
        scenario(world, ref)
    run(world, "A", "passed")
    run(world, "B", "failed")
    run(world, "C", "blocked")
    client = api(world.customer_member)

    def refs(**params):
        return [s["ref"] for s in client.get("/api/v1/projects/ACME/uat/scenarios/", params).json()["results"]]

    assert refs(status="failed,blocked") == ["B", "C"]
    assert refs(status="not_run") == ["D"]
    assert refs(status="passed") == ["A"]


# ---------------------------------------------------------------------------------------------------------------
# Defect from a run, in one step


def defect_url(run_id) -> str:
    return f"{RUNS}{run_id}/defect/"


def test_raise_a_defect_from_a_failed_run(world, api):
    scenario(world, "UAT-1", title="Create an order", steps="1. Open\n2. Save", expected_result="Saved")
    failed = run(world, "UAT-1", "failed", actual_result="Error 500")
    response = api(world.customer_member).post(defect_url(failed.pk), {"severity": "P2"}, format="json")
    assert response.status_code == 201, response.content
    defect = response.json()["defect"]
    assert defect["severity"] == "P2" and defect["status"] == "new"
    issue = Issue.objects.get(project=world.project, number=defect["number"])
    assert issue.kind == "defect"
    assert issue.title == "UAT-1: Create an order"
    assert "Error 500" in issue.description and "1. Open" in issue.description
    assert issue.reporter == world.customer_member
    failed.refresh_from_db()
    assert failed.defect == issue


def test_defect_with_own_title_and_description(world, api):
    scenario(world, "UAT-1")
    blocked = run(world, "UAT-1", "blocked")
    payload = {"severity": "P3", "title": "Test data missing", "description": "No customer in the sandbox."}
    response = api(world.consultant).post(defect_url(blocked.pk), payload, format="json")
    issue = Issue.objects.get(number=response.json()["defect"]["number"])
    assert (issue.title, issue.description) == ("Test data missing", "No customer in the sandbox.")


def test_second_defect_or_defect_of_a_passed_run_is_409(world, api, nothing_written):
    scenario(world, "UAT-1")
    failed = run(world, "UAT-1", "failed")
    passed = run(world, "UAT-1", "passed")
    client = api(world.customer_member)
    assert client.post(defect_url(failed.pk), {"severity": "P3"}, format="json").status_code == 201
    before = uat_counts()
    with nothing_written():
        again = client.post(defect_url(failed.pk), {"severity": "P3"}, format="json")
        on_passed = client.post(defect_url(passed.pk), {"severity": "P3"}, format="json")
    assert again.status_code == 409 and "already" in again.json()["detail"]
    assert on_passed.status_code == 409
    assert uat_counts() == before


def test_defect_needs_a_known_severity(world, api):
    scenario(world, "UAT-1")
    failed = run(world, "UAT-1", "failed")
    assert api(world.lead).post(defect_url(failed.pk), {"severity": "P9"}, format="json").status_code == 400
    assert api(world.lead).post(defect_url(failed.pk), {}, format="json").status_code == 400


def test_run_of_another_project_is_404(world, api):
    scenario(world, "G-1", project=world.other_project, actor=world.other_lead)
    theirs = services.run_record(
        actor=world.other_customer, project=world.other_project, scenario="G-1", status="failed"
    )
    assert api(world.lead).get(f"{RUNS}{theirs.pk}/").status_code == 404
    assert api(world.lead).post(defect_url(theirs.pk), {"severity": "P3"}, format="json").status_code == 404


def test_service_refuses_directly_too(world):
    scenario(world, "UAT-1")
    passed = run(world, "UAT-1", "passed")
    with pytest.raises(TransitionRefused):
        services.run_defect_create(actor=world.lead, run=passed, severity="P3")


# ---------------------------------------------------------------------------------------------------------------
# Evidence


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_evidence_upload_list_and_download(world, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scenario(world, "UAT-1")
    failed = run(world, "UAT-1", "failed")
    client = api(world.customer_member)
    url = f"{RUNS}{failed.pk}/evidence/"
    response = client.post(
        url, {"file": SimpleUploadedFile("화면.png", PNG, content_type="image/png")}, format="multipart"
    )
    assert response.status_code == 201, response.content
    evidence = response.json()
    assert (evidence["name"], evidence["content_type"], evidence["size"]) == ("화면.png", "image/png", len(PNG))
    assert client.get(url).json()["results"][0]["id"] == evidence["id"]
    assert client.get(f"{RUNS}{failed.pk}/").json()["evidence"][0]["name"] == "화면.png"
    download = api(world.support).get(f"{url}{evidence['id']}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    assert (tmp_path / "uat").is_dir()


@pytest.mark.parametrize(
    ("name", "data"),
    [("run.exe", b"MZ binary"), ("fake.png", b"not a png at all"), ("notes.txt", b"text\x00with nul")],
)
def test_evidence_type_checks(world, api, settings, tmp_path, name, data, nothing_written):
    settings.MEDIA_ROOT = tmp_path
    scenario(world, "UAT-1")
    failed = run(world, "UAT-1", "failed")
    before = uat_counts()
    with nothing_written():
        response = api(world.customer_member).post(
            f"{RUNS}{failed.pk}/evidence/", {"file": SimpleUploadedFile(name, data)}, format="multipart"
        )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("file:")
    assert uat_counts() == before
    assert not any(tmp_path.rglob("*.*"))


def test_evidence_size_limit(world, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.GOLIVE_MAX_ATTACHMENT_MB = 1
    scenario(world, "UAT-1")
    failed = run(world, "UAT-1", "failed")
    big = SimpleUploadedFile("big.txt", b"x" * (1024 * 1024 + 1))
    response = api(world.lead).post(f"{RUNS}{failed.pk}/evidence/", {"file": big}, format="multipart")
    assert response.status_code == 400


def test_evidence_of_another_run_is_404(world, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scenario(world, "UAT-1")
    first, second = run(world, "UAT-1", "failed"), run(world, "UAT-1", "failed")
    upload = SimpleUploadedFile("a.txt", b"proof")
    evidence = services.evidence_add(actor=world.lead, run=first, upload=upload)
    assert api(world.lead).get(f"{RUNS}{second.pk}/evidence/{evidence.pk}/").status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# Run list filters


def test_run_list_filters(world, api):
    scenario(world, "A")
    scenario(world, "B")
    run(world, "A", "failed")
    run(world, "B", "passed", actor=world.lead, tester="customer_lead")
    run(world, "A", "passed", cycle=2)
    client = api(world.support)

    def ids(**params):
        return [(r["scenario"], r["cycle"], r["status"]) for r in client.get(RUNS, params).json()["results"]]

    assert ids() == [("A", 2, "passed"), ("B", 1, "passed"), ("A", 1, "failed")]
    assert ids(cycle=1) == [("B", 1, "passed"), ("A", 1, "failed")]
    assert ids(scenario="A", status="failed") == [("A", 1, "failed")]
    assert ids(tester="customer_lead") == [("B", 1, "passed")]
    assert ids(cycle="x") == []
