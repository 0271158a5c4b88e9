"""Scenario import from CSV and XLSX: every format detail a spreadsheet user meets, every bad-row case in both
formats, all or nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from golive.audit.models import AuditEvent
from golive.uat.models import Scenario
from tests.uat.builders import HEADER, csv_text, csv_upload, scenario, uat_counts, xlsx_bytes, xlsx_upload

URL = "/api/v1/projects/ACME/uat/scenarios/import/"
STEPS = "1. 영업 메뉴를 엽니다\n2. '신규'를 누릅니다\n3. Save, then \"Submit\""
ROWS = [
    HEADER,
    ["UAT-001", "수주 등록 (Create a sales order)", "주문-수금 (O2C)", STEPS, "주문 번호가 생성됩니다", "Critical"],
    ["UAT-002", "Cancel an order, with a reason", "O2C", "1. Open\n2. Cancel", "Status is cancelled", "HIGH"],
    ["UAT-003", "Print the invoice", "", "", "", "low"],
    ["UAT-004", "Default priority", "Billing", "", "", ""],
]


def upload(fmt: str, rows: list[list], *, bom: bool = True) -> SimpleUploadedFile:
    """The rows as Excel would save them: XLSX, or CSV UTF-8 (with BOM and CRLF)."""
    if fmt == "xlsx":
        return xlsx_upload(rows)
    return csv_upload(csv_text(rows), bom=bom)


def post(api, world, file, user=None):
    return api(user or world.lead).post(URL, {"file": file}, format="multipart")


def rejected(response) -> list[tuple]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    return [(e["row"], e["column"]) for e in body["errors"]]


# ---------------------------------------------------------------------------------------------------------------
# Happy paths


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_creates_every_row_with_korean_text_and_multiline_cells(world, api, fmt):
    response = post(api, world, upload(fmt, ROWS))
    assert response.status_code == 201, response.content
    assert response.json() == {"created": 4}
    first = Scenario.objects.get(project=world.project, ref="UAT-001")
    assert first.title == "수주 등록 (Create a sales order)"
    assert first.module == "주문-수금 (O2C)"
    assert first.steps == STEPS  # multi-line cell kept, CRLF inside the cell read as \n
    assert first.priority == "critical"  # case-insensitive
    assert Scenario.objects.get(ref="UAT-002").priority == "high"
    assert Scenario.objects.get(ref="UAT-004").priority == "medium"  # blank priority: the default
    assert list(Scenario.objects.order_by("order").values_list("ref", flat=True)) == [r[0] for r in ROWS[1:]]
    event = AuditEvent.objects.get(action="uat_scenario.imported")
    assert event.changes["created"] == 4 and event.changes["format"] == fmt


def test_csv_without_bom_with_crlf_and_lf_line_ends(world, api):
    text = csv_text(ROWS[:3], line_end="\n")
    assert post(api, world, csv_upload(text, bom=False)).status_code == 201
    assert Scenario.objects.get(ref="UAT-001").steps == STEPS


def test_csv_with_bom_is_read_as_utf8_and_header_still_matches(world, api):
    response = post(api, world, csv_upload(csv_text(ROWS), bom=True))
    assert response.status_code == 201
    assert Scenario.objects.count() == 4


def test_columns_by_header_name_in_any_order_and_case(world, api):
    rows = [
        ["Priority", "Expected Result", "TITLE", " ref ", "Steps", "module"],
        ["low", "OK", "Reordered columns", "R-1", "a\nb", "M"],
    ]
    for fmt in ("csv", "xlsx"):
        Scenario.objects.all().delete()
        assert post(api, world, upload(fmt, rows)).status_code == 201
        scenario = Scenario.objects.get(ref="R-1")
        assert (scenario.title, scenario.priority, scenario.expected_result, scenario.steps, scenario.module) == (
            "Reordered columns",
            "low",
            "OK",
            "a\nb",
            "M",
        )


def test_optional_columns_may_be_left_out(world, api):
    response = post(api, world, upload("csv", [["ref", "title"], ["MIN-1", "Only the required columns"]]))
    assert response.status_code == 201
    assert Scenario.objects.get(ref="MIN-1").priority == "medium"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_blank_rows_are_skipped_and_row_numbers_stay_excel_rows(world, api, fmt):
    rows = [HEADER, ["A-1", "First"], [], ["", "", "", "", "", ""], ["A-2", ""], [], ["A-3", "Third", "", "", "", "x"]]
    errors = rejected(post(api, world, upload(fmt, rows)))
    assert errors == [(5, "title"), (7, "priority")]
    rows = [HEADER, ["A-1", "First"], [], ["", "", "", "", "", ""], ["A-2", "Second"]]
    response = post(api, world, upload(fmt, rows))
    assert response.json() == {"created": 2}


def test_multiline_cells_do_not_shift_csv_row_numbers(world, api):
    rows = [HEADER, ["M-1", "Multi", "", "line 1\nline 2\nline 3", "", ""], ["M-2", "", "", "", "", ""]]
    assert rejected(post(api, world, upload("csv", rows))) == [(3, "title")]


def test_semicolon_separated_csv(world, api):
    text = "ref;title;priority\r\nSC-1;Semicolons, as some Excel locales save;high\r\n"
    assert post(api, world, csv_upload(text)).status_code == 201
    assert Scenario.objects.get(ref="SC-1").title == "Semicolons, as some Excel locales save"


def test_numbers_in_xlsx_cells_become_text(world, api):
    rows = [HEADER, [101, "Numeric ref", "", "", 3.0, "low"]]
    assert post(api, world, upload("xlsx", rows)).status_code == 201
    assert Scenario.objects.get(ref="101").expected_result == "3"


def test_imported_rows_go_after_existing_scenarios(world, api):
    scenario(world, "OLD-1")
    assert post(api, world, upload("csv", ROWS[:2])).status_code == 201
    assert list(Scenario.objects.order_by("order").values_list("ref", flat=True)) == ["OLD-1", "UAT-001"]


# ---------------------------------------------------------------------------------------------------------------
# Bad rows: every one listed, nothing created


BAD_ROWS = [
    HEADER,
    ["B-1", "Fine row", "", "", "", "high"],
    ["B-2", "", "", "", "", "high"],  # 3: missing title
    ["B-3", "Unknown priority", "", "", "", "urgent"],  # 4: unknown priority
    ["B-" + "9" * 40, "Ref too long", "", "", "", "low"],  # 5: ref too long
    ["B-1", "Duplicate of row 2", "", "", "", "low"],  # 6: duplicate ref within the file
    ["EXIST-1", "Already in the project", "", "", "", "low"],  # 7: ref that already exists
    ["", "Missing ref", "", "", "", "low"],  # 8: missing ref
    ["bad ref!", "Invalid characters", "", "", "", "low"],  # 9: ref with a space and !
    ["B-10", "T" * 301, "", "", "", "low"],  # 10: title too long
    ["import", "Reserved ref", "", "", "", "low"],  # 11: a ref that names a route
]
EXPECTED = [
    (3, "title"),
    (4, "priority"),
    (5, "ref"),
    (6, "ref"),
    (7, "ref"),
    (8, "ref"),
    (9, "ref"),
    (10, "title"),
    (11, "ref"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_bad_row_is_listed_and_nothing_is_created(world, api, nothing_written, fmt):
    scenario(world, "EXIST-1")
    before = uat_counts()
    with nothing_written():
        response = post(api, world, upload(fmt, BAD_ROWS))
    assert rejected(response) == EXPECTED
    assert uat_counts() == before
    body = response.json()
    assert "9 row(s)" in body["detail"]
    messages = {(e["row"], e["column"]): e["message"] for e in body["errors"]}
    assert "urgent" in messages[(4, "priority")]
    assert "32" in messages[(5, "ref")]
    assert "row 2" in messages[(6, "ref")]
    assert "EXIST-1" in messages[(7, "ref")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_one_row_with_two_problems_lists_both(world, api, fmt):
    rows = [HEADER, ["", "", "", "", "", "meh"]]
    assert sorted(rejected(post(api, world, upload(fmt, rows)))) == [(2, "priority"), (2, "ref"), (2, "title")]


def test_cells_beyond_the_header_are_reported(world, api):
    text = "ref,title,priority\r\nX-1,Title, with an unquoted comma,low\r\n"
    assert rejected(post(api, world, csv_upload(text))) == [(2, None), (2, "priority")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_wrong_columns_are_listed(world, api, nothing_written, fmt):
    rows = [["reference", "title", "prio", "title"], ["X-1", "A", "low", "B"]]
    with nothing_written():
        errors = rejected(post(api, world, upload(fmt, rows)))
    assert sorted(errors, key=str) == sorted([(1, "reference"), (1, "prio"), (1, "title"), (1, "ref")], key=str)
    assert Scenario.objects.count() == 0


def test_header_errors_name_the_expected_columns(world, api):
    response = post(api, world, upload("csv", [["name", "title"], ["X", "Y"]]))
    messages = [e["message"] for e in response.json()["errors"]]
    assert any("ref, title, module, steps, expected_result, priority" in m for m in messages)
    assert any("ref" in m and "missing" in m for m in messages)


# ---------------------------------------------------------------------------------------------------------------
# Files that cannot be read at all: one error, row null


def file_error(response) -> str:
    assert response.status_code == 400, response.content
    body = response.json()
    assert len(body["errors"]) == 1
    assert body["errors"][0]["row"] is None and body["errors"][0]["column"] is None
    return body["errors"][0]["message"]


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"PK\x03\x04 this is not really a zip", id="truncated-zip"),
        pytest.param(_zip({"hello.txt": b"hi"}), id="zip-without-workbook"),
        pytest.param(xlsx_bytes([HEADER])[:300], id="cut-short"),
    ],
)
def test_corrupt_xlsx(world, api, nothing_written, data):
    with nothing_written():
        message = file_error(post(api, world, SimpleUploadedFile("s.xlsx", data)))
    assert "XLSX" in message


def test_corrupt_sheet_xml_inside_a_real_workbook(world, api):
    good = xlsx_bytes([HEADER, ["A-1", "x"]])
    source = zipfile.ZipFile(io.BytesIO(good))
    entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    entries["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c r='A1' t='s'><v>zz"
    assert "XLSX" in file_error(post(api, world, SimpleUploadedFile("s.xlsx", _zip(entries))))


def test_not_utf8(world, api):
    data = csv_text([HEADER, ["K-1", "수주 등록"]]).encode("cp949")
    assert "UTF-8" in file_error(post(api, world, SimpleUploadedFile("s.csv", data)))


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf"])
def test_empty_file(world, api, data):
    assert "empty" in file_error(post(api, world, SimpleUploadedFile("s.csv", data)))


def test_header_without_rows(world, api):
    assert "no scenarios" in file_error(post(api, world, upload("csv", [HEADER])))


def test_binary_file(world, api):
    assert file_error(post(api, world, SimpleUploadedFile("s.csv", b"\x00\x01\x02 binary")))


def test_over_the_size_limit(world, api, settings):
    settings.GOLIVE_MAX_IMPORT_MB = 1
    data = csv_text([HEADER] + [[f"S-{n}", "x" * 200] for n in range(6000)]).encode()
    assert len(data) > 1024 * 1024
    assert "1 MB" in file_error(post(api, world, SimpleUploadedFile("s.csv", data)))


def test_over_the_row_limit(world, api, settings):
    settings.GOLIVE_MAX_IMPORT_ROWS = 10
    rows = [HEADER] + [[f"S-{n}", "Title"] for n in range(11)]
    for fmt in ("csv", "xlsx"):
        assert "10 rows" in file_error(post(api, world, upload(fmt, rows)))


def test_missing_file_field(world, api):
    response = api(world.lead).post(URL, {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] is None


def test_customer_member_may_not_import(world, api, nothing_written):
    with nothing_written():
        response = post(api, world, upload("csv", ROWS), user=world.customer_member)
    assert response.status_code == 403
    assert Scenario.objects.count() == 0


def test_customer_lead_may_import(world, api):
    assert post(api, world, upload("xlsx", ROWS), user=world.customer_lead).status_code == 201
