"""The review pack sent before a demo: scope lists, gaps, feedback addressed since the last review."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from golive.engagement import services
from tests.engagement.builders import feedback, meeting, requirement

URL = "/api/v1/projects/ACME/review-pack/"


@pytest.fixture
def pack(world):
    requirement(world, "A-BUILT", scope="built", expectation="PDF invoices", gap="Only CSV so far")
    requirement(world, "B-PROG", scope="in_progress")
    requirement(world, "C-TODO", scope="not_started", gap="Needs a design")
    requirement(world, "D-WONT", scope="built", priority="wont", gap="Never")
    requirement(world, "E-DEFER", scope="deferred")
    demo = meeting(world, "review", title="Alpha demo", phase="alpha_review")
    weekly = meeting(world, "status", title="Weekly")
    feedback(world, demo, "Still open")
    done = feedback(world, demo, "Bigger buttons")
    services.feedback_done(actor=world.lead, feedback=done, note="Buttons enlarged")
    refused = feedback(world, demo, "Dark mode")
    services.feedback_reject(actor=world.lead, feedback=refused, note="Not in phase 1")
    elsewhere = feedback(world, weekly, "Said in a status meeting")
    services.feedback_accept(actor=world.lead, feedback=elsewhere)


def test_json_lists(world, api, pack):
    response = api(world.customer_member).get(URL)
    assert response.status_code == 200
    body = response.json()

    def refs(name):
        return [r["ref"] for r in body[name]]

    assert refs("built") == ["A-BUILT"]
    assert refs("in_progress") == ["B-PROG"]
    assert refs("not_started") == ["C-TODO"]
    assert refs("gaps") == ["A-BUILT", "C-TODO"]
    assert body["progress"]["percent_built"] == 33
    changed = [(f["text"], f["status"], f["resolution"]) for f in body["changed_since_last_review"]]
    assert changed == [("Bigger buttons", "done", "Buttons enlarged"), ("Dark mode", "rejected", "Not in phase 1")]


def test_markdown(world, api, pack):
    response = api(world.lead).get(URL, {"format": "md"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    assert "Build progress: 33% (1/3)" in text
    assert "**A-BUILT**" in text and "gap: Only CSV so far" in text
    assert "Bigger buttons -> Buttons enlarged" in text
    assert "D-WONT" not in text and "Still open" not in text


def test_xlsx_parses_back(world, api, pack):
    response = api(world.lead).get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    assert "ACME-review-pack.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Scope"].iter_rows(values_only=True))
    assert rows[0][:3] == ("ref", "title", "scope")
    assert sorted(r[0] for r in rows[1:]) == ["A-BUILT", "B-PROG", "C-TODO"]
    addressed = list(workbook["Addressed"].iter_rows(values_only=True))[1:]
    assert sorted(r[2] for r in addressed) == ["Bigger buttons", "Dark mode"]


def test_unknown_format_is_400(world, api):
    response = api(world.lead).get(URL, {"format": "doc"})
    assert response.status_code == 400 and "format" in response.json()["errors"]


def test_xlsx_with_control_characters_in_the_data(world, api):
    """Found by the schema fuzzer: a title with a control character (accepted by the API) made openpyxl refuse the
    whole workbook, a 500. The export leaves the character out instead."""
    requirement(world, "CTRL", scope="built", title="Invoice\x1a batch\x01", gap="Tab\there")
    response = api(world.lead).get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content))["Scope"].iter_rows(values_only=True))
    assert rows[1][:2] == ("CTRL", "Invoice batch")
    assert rows[1][6] == "Tab\there"


def test_xlsx_keeps_text_that_looks_like_a_formula_as_text(world, api):
    """A title such as ``=HYPERLINK(...)`` is a customer's text, never a formula the spreadsheet would run."""
    requirement(world, "FORMULA", scope="built", title='=HYPERLINK("http://evil.example","open me")')
    response = api(world.lead).get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Scope"]
    cell = sheet.cell(row=2, column=2)
    assert cell.value == '=HYPERLINK("http://evil.example","open me")'
    assert cell.data_type == "s"
