"""Files of UAT: the import template and the scenario export, as CSV (UTF-8 with a byte-order mark and CRLF,
as Excel opens Korean text correctly) or XLSX. Shared by the API and the HTML pages."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from golive.uat.imports import COLUMNS, XLSX_CONTENT_TYPE
from golive.uat.models import ScenarioPriority

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection); such text is quoted.
FORMULA_STARTS = ("=", "+", "@", "\t", "\r")


def _safe(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or (len(text) > 1 and text[0] == "-" and not text[1].isspace()):
        return "'" + text
    return text


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(header: list[str], rows: list[list], *, title: str, widths: dict[str, int] | None = None) -> bytes:
    """One sheet, header bold and frozen; every value written as text (never as a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header):
        letter = _column_letter(index)
        sheet.column_dimensions[letter].width = (widths or {}).get(name, 14)
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        cells = []
        for value in row:
            # Without the control characters XLSX cannot hold (openpyxl would refuse the whole workbook).
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))
            cell.data_type = "s"  # text, even when it starts with "="
            if "\n" in cell.value:
                cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


WIDTHS = {"ref": 12, "title": 40, "module": 20, "steps": 50, "expected_result": 40, "priority": 10, "defects": 20}


def template_csv() -> bytes:
    """The import template as CSV: the header row only."""
    return csv_bytes(list(COLUMNS), [])


def template_xlsx() -> bytes:
    """The import template as XLSX: a Scenarios sheet with the header, a drop-down for the priority column and
    an example row on a second sheet (so it is not imported by mistake)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Scenarios"
    sheet.append(list(COLUMNS))
    for index, name in enumerate(COLUMNS):
        sheet.cell(row=1, column=index + 1).font = Font(bold=True)
        sheet.column_dimensions[_column_letter(index)].width = WIDTHS.get(name, 14)
    sheet.freeze_panes = "A2"
    choices = DataValidation(type="list", formula1='"' + ",".join(ScenarioPriority.values) + '"', allow_blank=True)
    choices.error = _("Use critical, high, medium or low.")
    sheet.add_data_validation(choices)
    choices.add(f"{_column_letter(COLUMNS.index('priority'))}2:{_column_letter(COLUMNS.index('priority'))}20000")
    help_sheet = workbook.create_sheet(_("How to fill in"))
    help_rows = [
        ["column", _("required"), _("what to write"), _("example")],
        ["ref", _("yes"), _("Unique reference, up to 32 letters, digits, dots, dashes or underscores."), "UAT-001"],
        ["title", _("yes"), _("What the tester checks, up to 300 characters."), "수주 등록 (Create a sales order)"],
        ["module", _("no"), _("Module or business process."), "Order to cash"],
        ["steps", _("no"), _("The steps; several lines in one cell are fine (Alt+Enter)."), "1. Open Orders\n2. New"],
        ["expected_result", _("no"), _("What should happen."), _("The order is saved with a number.")],
        ["priority", _("no"), _("critical, high, medium or low (default medium)."), "high"],
    ]
    for row in help_rows:
        help_sheet.append(row)
    for index, width in enumerate((18, 10, 70, 40)):
        help_sheet.column_dimensions[_column_letter(index)].width = width
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for row in help_sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_file(header: list[str], rows: list[list], fmt: str) -> tuple[bytes, str]:
    """``(content, content type)`` of the scenario export in ``fmt`` (csv or xlsx)."""
    if fmt == "xlsx":
        return xlsx_bytes(header, rows, title="Scenarios", widths=WIDTHS), XLSX_CONTENT_TYPE
    return csv_bytes(header, rows), CSV_CONTENT_TYPE
