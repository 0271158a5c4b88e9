"""The project report against a project built through the real services: its figures, each format (JSON,
Markdown, HTML with the SVG timeline, PDF with the Korean name and embedded subset fonts), the reader's
language, bad input, publishing, ``golive report`` writing the API's bytes, and pinned query counts."""

from __future__ import annotations

import datetime as dt
import io
import json
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from golive import cli
from golive.debrief import services
from golive.debrief.models import PublishedReport
from golive.debrief.report import build_report
from golive.tracker import services as tracker_services
from golive.uat import services as uat_services
from tests.debrief.builders import EXPECTED, KOREAN_NAME, full_project, golive_instant

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/ACME/report/"
# Phases, every app's selectors and the retro: a fixed number whatever the number of issues, scenarios or runs.
REPORT_MAX_QUERIES = 46


@pytest.fixture
def built(world):
    return full_project(world)


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# ---------------------------------------------------------------------------------------------------------------
# Figures


def test_report_figures_come_from_every_app(world, built):
    data = build_report(project=world.project)
    assert data["project"]["name"] == KOREAN_NAME
    assert data["project"]["status"] == "active"
    assert data["project"]["current_phase"] == "debrief"
    phases = {p["key"]: p for p in data["phases"]}
    assert list(phases) == [
        "kickoff",
        "alpha_review",
        "beta_review",
        "uat",
        "training",
        "deployment",
        "hypercare",
        "debrief",
    ]
    assert phases["hypercare"]["status"] == "done" and phases["debrief"]["status"] == "active"
    assert all(p["planned_start"] and p["planned_end"] for p in data["phases"])
    assert phases["kickoff"]["actual_start"] is not None
    assert data["project"]["actual_go_live"] == golive_instant().date().isoformat()

    engagement = data["engagement"]
    assert engagement["requirements"]["total"] == EXPECTED["requirements"]
    assert engagement["requirements"]["change_requests"]["total"] == EXPECTED["change_requests"]
    assert engagement["requirements"]["change_requests"]["deferred"] == 1
    assert engagement["feedback"]["small"]["total"] == EXPECTED["feedback_small"]
    assert engagement["feedback"]["large"]["total"] == EXPECTED["feedback_large"]
    assert engagement["meetings"]["review"] == 1

    uat = data["uat"]
    assert [c["pass_rate"] for c in uat["cycles"]] == EXPECTED["cycles"]
    assert uat["cycles"][0] | {"name": ""} == {
        "number": 1,
        "name": "",
        "passed": 2,
        "failed": 1,
        "blocked": 1,
        "not_run": 0,
        "pass_rate": 50.0,
    }
    assert uat["scenarios"] == {"active": 4, "retired": 0}
    assert {s: v["total"] for s, v in uat["defects_by_severity"].items()} == EXPECTED["defects"]
    assert uat["defects_by_severity"]["P2"]["open"] == 0

    training = data["training"]["coverage"]
    assert training["train_the_trainer_sessions"] == 1 and training["end_user_sessions"] == 1
    assert training["attendance_percent"] == 50.0
    assert [s["attended"] for s in data["training"]["sessions"]] == [1, 1]

    cutover = data["cutover"]
    assert cutover["runbook"]["steps_total"] == 2
    assert cutover["runbook"]["counts"]["done"] == 2
    assert cutover["runbook"]["planned_minutes"] == 60
    assert [s["ref"] for s in cutover["runbook"]["steps"]] == ["FREEZE", "LOAD"]
    assert cutover["runbook"]["steps"][0]["actual_minutes"] == 0
    assert cutover["test_reports"][0]["ok"] is True
    assert cutover["go_no_go"]["decision"]["decision"] == "go"
    assert cutover["go_no_go"]["decision"]["votes"] == {"go": 1, "no_go": 0}
    assert cutover["go_live"]["override"] is False

    hypercare = data["hypercare"]
    assert hypercare["status"] == "exited"
    assert hypercare["issues_in_window"] == EXPECTED["issues_in_window"]
    assert hypercare["by_severity"] == EXPECTED["by_severity"]
    assert (hypercare["training_gaps"], hypercare["bugs"]) == (EXPECTED["training_gaps"], EXPECTED["bugs"])
    assert hypercare["days_to_silence"] == EXPECTED["days_to_silence"]
    assert [row["count"] for row in hypercare["daily_new"]][:4] == [1, 1, 2, 0]
    p1 = hypercare["sla"]["P1"]
    assert (p1["response_breached"], p1["resolution_breached"]) == (1, 1)
    assert (p1["response_compliance"], p1["resolution_compliance"]) == (0.0, 0.0)
    assert (p1["mean_first_response_minutes"], p1["mean_resolve_minutes"]) == (60.0, 360.0)
    assert hypercare["sla"]["P2"]["response_compliance"] == 100.0
    assert hypercare["sla"]["P4"]["resolution_compliance"] is None  # P4 has no resolution target
    assert hypercare["mean_first_response_minutes"] == 20.0  # (60 + 10 + 5 + 5) / 4
    assert hypercare["mean_resolve_minutes"] == 155.0  # (360 + 60 + 45) / 3
    assert hypercare["breaches"]["response"] == EXPECTED["response_breached"]
    assert hypercare["breaches"]["resolution"] == EXPECTED["resolution_breached"]
    assert [b["ref"] for b in hypercare["breaches"]["list"]] == ["ACME-2"]

    retro = data["retro"]
    assert [i["votes"] for i in retro["items"]["to_improve"]] == [2]
    assert retro["items"]["to_improve"][0]["group"] == "Training"
    assert retro["open_actions"] == 1
    assert [a["open"] for a in retro["actions"]] == [True, False]
    json.dumps(data)  # JSON-ready throughout


def test_report_of_a_fresh_project_has_every_section(world):
    data = build_report(project=world.project)
    assert data["hypercare"]["status"] == "not_started"
    assert data["uat"]["cycles"] == [] and data["cutover"]["go_live"] is None
    assert data["hypercare"]["sla"]["P1"]["issues"] == 0


# ---------------------------------------------------------------------------------------------------------------
# Formats through the API


def test_json_format(world, built, api):
    response = api(world.customer_member).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) >= {"project", "phases", "engagement", "uat", "training", "cutover", "hypercare", "retro"}
    assert body["hypercare"]["breaches"]["issues"] == 1


def test_markdown_format_has_tables(world, built, api):
    response = api(world.lead).get(URL, {"format": "md", "language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ACME-report.md"'
    text = response.content.decode()
    assert text.startswith(f"# Project report: {KOREAN_NAME}\n")
    assert "| Phase | Status | Planned | Actual | Planned days | Actual days | Slippage |" in text
    assert "| --- | --- | --- | --- | ---: | ---: | ---: |" in text
    assert "| P1 | 1 | 0% | 0% | 1 h 00 min | 6 h 00 min | 2 |" in text
    assert "| 1 | 2 | 1 | 1 | 0 | 50% |" in text
    assert "- **Days to silence**: 3" in text


def test_markdown_escapes_table_cells(world, api):
    services.retro_item_create(actor=world.lead, project=world.project, column="went_well", text="a | b\nc")
    text = api(world.lead).get(URL, {"format": "md"}).content.decode()
    assert "| a \\| b c | — | 0 |" in text


def test_html_format_is_standalone_with_svg_timeline(world, built, api):
    response = api(world.lead).get(URL, {"format": "html"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ACME-report.html"'
    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="report-timeline"' in html
    assert html.count('class="bar-planned"') == 8 and html.count('class="bar-actual"') == 8
    assert "@media print" in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert KOREAN_NAME in html


def test_html_escapes_stored_text(world, api):
    services.retro_item_create(actor=world.lead, project=world.project, column="went_well", text="<b>bold</b>")
    html = api(world.lead).get(URL, {"format": "html"}).content.decode()
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_pdf_format_shows_the_korean_name(world, built, api):
    response = api(world.lead).get(URL, {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="ACME-report.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = _pdf_text(response.content)
    assert KOREAN_NAME in text
    assert "Hypercare" in text and "ACME-2" in text


def test_pdf_embeds_a_subset_nanum_font(world, built, api):
    from pypdf import PdfReader

    content = api(world.lead).get(URL, {"format": "pdf"}).content
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor  # embedded
            fonts.add(str(font["/BaseFont"]))
    assert {name.split("+", 1)[1] for name in fonts} == {"NanumGothic", "NanumGothicBold"}
    assert all(len(name.split("+", 1)[0]) == 7 for name in fonts)  # "/ABCDEF+": a subset tag
    assert len(content) < 300_000  # the TTFs are 4.7 MB each: only the used glyphs are in


def test_pdf_survives_emoji_long_words_and_control_characters(world, api):
    text = "🎉 great 漢字 ✓ " + "x" * 900
    services.retro_item_create(actor=world.lead, project=world.project, column="went_well", text=text)
    services.retro_item_create(actor=world.lead, project=world.project, column="to_improve", text="\tA\x0bB\r\nC")
    response = api(world.lead).get(URL, {"format": "pdf"})
    assert response.status_code == 200 and "great" in _pdf_text(response.content)


def test_report_speaks_the_readers_language(world, built, api):
    world.customer_member.language = "ko"
    world.customer_member.save(update_fields=["language"])
    text = api(world.customer_member).get(URL, {"format": "md"}).content.decode()
    assert "하이퍼케어" in text  # the phase name, translated
    pdf = _pdf_text(api(world.customer_member).get(URL, {"format": "pdf"}).content)
    assert KOREAN_NAME in pdf and "하이퍼케어" in pdf
    english = api(world.customer_member).get(URL, {"format": "md", "language": "en"}).content.decode()
    assert "| Hypercare |" in english


@pytest.mark.parametrize(
    ("params", "field"),
    [({"format": "docx"}, "format"), ({"format": ""}, "format"), ({"language": "fr"}, "language")],
)
def test_bad_input_is_400_naming_the_field(world, api, params, field):
    response = api(world.lead).get(URL, params)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")


# ---------------------------------------------------------------------------------------------------------------
# Publishing


def test_publish_freezes_the_data(world, built, api):
    client = api(world.lead)
    response = client.post(URL + "publish/")
    assert response.status_code == 201
    assert response.json()["number"] == 1
    assert response.json()["published_by"] == "lead"
    assert response.json()["formats"]["pdf"] == "/api/v1/projects/ACME/report/published/1/?format=pdf"
    tracker_services.issue_create(actor=world.lead, project=world.project, title="After the report", severity="P1")
    frozen = client.get(URL + "published/1/").json()
    assert frozen["hypercare"]["all_issues"]["total"] == 5  # the defect and the four hypercare issues
    assert frozen["published"]["number"] == 1 and frozen["published"]["by"] == "lead"
    assert client.get(URL).json()["hypercare"]["all_issues"]["total"] == 6
    assert client.post(URL + "publish/").json()["number"] == 2
    listed = client.get(URL + "published/").json()
    assert [r["number"] for r in listed["results"]] == [2, 1]
    pdf = client.get(URL + "published/1/", {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="ACME-report-1.pdf"'
    assert KOREAN_NAME in _pdf_text(pdf.content)
    assert client.get(URL + "published/9/").status_code == 404


def test_publish_is_audited(world):
    from golive.audit.models import AuditEvent

    services.report_publish(actor=world.lead, project=world.project)
    assert AuditEvent.objects.filter(action="report.published", project=world.project).count() == 1
    assert PublishedReport.objects.get().data["project"]["key"] == "ACME"


# ---------------------------------------------------------------------------------------------------------------
# golive report


@pytest.mark.parametrize("fmt", ["json", "md", "html", "pdf"])
def test_cli_writes_the_same_bytes_as_the_api(world, built, api, tmp_path, fmt):
    frozen = timezone.now()
    target = tmp_path / f"out.{fmt}"
    with mock.patch("django.utils.timezone.now", return_value=frozen):
        from_api = api(world.lead).get(URL, {"format": fmt, "language": "en"}).content
        assert cli.main(["report", "ACME", "--format", fmt, "-o", str(target)]) == 0
    assert target.read_bytes() == from_api


def test_cli_korean_pdf_defaults_to_a_file(world, built, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["report", "ACME", "--format", "pdf", "--language", "ko"]) == 0
    written = tmp_path / "ACME-report.pdf"
    assert KOREAN_NAME in _pdf_text(written.read_bytes())
    assert "ACME-report.pdf" in capsys.readouterr().err


def test_cli_text_formats_go_to_stdout(world, capsysbinary):
    assert cli.main(["report", "ACME", "--format", "md"]) == 0
    assert capsysbinary.readouterr().out.startswith(b"# Project report: Project ACME\n")


def test_cli_unknown_key_is_a_clear_error(world, capsys):
    assert cli.main(["report", "NOSUCH", "--format", "json"]) == 1
    assert capsys.readouterr().err == "golive report: no project 'NOSUCH'\n"


def test_cli_unknown_format_is_bad_usage(world, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["report", "ACME", "--format", "docx"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'docx'" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------------------------
# Query counts


def _count_queries() -> int:
    from golive.lifecycle.models import Project

    project = Project.objects.get(key="ACME")
    with CaptureQueriesContext(connection) as queries:
        build_report(project=project)
    return len(queries.captured_queries)


def _more_data(world, n: int) -> None:
    """``n`` more hypercare issues (half breached), scenarios with runs in both cycles, retro notes and votes."""
    now = timezone.now()
    for i in range(n):
        issue = tracker_services.issue_create(
            actor=world.support,
            project=world.project,
            title=f"Issue {i}",
            severity=("P1", "P2", "P3", "P4")[i % 4],
            category=("bug", "training_gap", None)[i % 3],
            reported_at=now - dt.timedelta(hours=3 + i),
        )
        if i % 2:
            tracker_services.issue_triage(actor=world.support, issue=issue, at=now - dt.timedelta(hours=1))
    for i in range(n):
        uat_services.scenario_create(actor=world.lead, project=world.project, ref=f"MORE-{i}", title=f"More {i}")
        for cycle in (1, 2):
            uat_services.run_record(
                actor=world.customer_member, project=world.project, scenario=f"MORE-{i}", status="passed", cycle=cycle
            )
        item = services.retro_item_create(actor=world.lead, project=world.project, column="action", text=f"Do {i}")
        services.retro_vote_toggle(actor=world.customer_member, item=item)


def test_report_query_count_does_not_grow(world, built):
    before = _count_queries()
    assert before <= REPORT_MAX_QUERIES
    _more_data(world, 12)
    assert _count_queries() == before


def test_api_report_query_count_is_pinned(world, built, api, django_assert_max_num_queries):
    client = api(world.lead)
    with django_assert_max_num_queries(REPORT_MAX_QUERIES + 4):  # + project, roles, session and user
        assert client.get(URL, {"format": "md"}).status_code == 200
