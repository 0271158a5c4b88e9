"""Reading a scenario sheet: CSV or XLSX bytes -> the header and the data rows, with Excel's row numbers.

No database here: ``services.scenario_import`` validates the rows against the project and writes them.
The format is detected from the content (an XLSX file is a zip archive: it starts with ``PK``), not from the
file name. CSV is UTF-8 with or without a byte-order mark, comma-separated (semicolon or tab when the header
line has no comma), Excel's CRLF line ends and quoted multi-line cells. Row numbers are those Excel shows:
the header is row 1 and a multi-line cell does not add rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

COLUMNS = ("ref", "title", "module", "steps", "expected_result", "priority")
REQUIRED_COLUMNS = ("ref", "title")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An XLSX of 20,000 scenarios unpacks to a few tens of MB; a file that unpacks to more is refused unread.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


def max_import_bytes() -> int:
    return int(getattr(settings, "GOLIVE_MAX_IMPORT_MB", 10)) * 1024 * 1024


def max_import_rows() -> int:
    return int(getattr(settings, "GOLIVE_MAX_IMPORT_ROWS", 20_000))


def error(row: int | None, column: str | None, message: str) -> dict:
    """One entry of the error list: ``{row, column, message}``."""
    return {"row": row, "column": column, "message": message}


class ImportRejected(Exception):
    """The file cannot be imported; ``errors`` lists every problem as ``{row, column, message}``.
    Nothing was written (HTTP 400)."""

    def __init__(self, detail: str, errors: list[dict]):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors

    @classmethod
    def file(cls, message: str) -> ImportRejected:
        """A problem with the file as a whole (row and column null)."""
        return cls(message, [error(None, None, message)])


@dataclass
class Sheet:
    """The cells of a file: ``rows`` is ``[(excel row number, [cell text, ...])]``, blank rows included."""

    kind: str  # "csv" or "xlsx"
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def _text(value) -> str:
    """A cell as text: integers without ``.0``, dates in ISO form, line ends as ``\\n``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def _read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ImportRejected.file(_("The XLSX file unpacks to more than the size limit."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportRejected:
        raise
    except Exception:  # a broken zip, a zip that is not a workbook, damaged XML: all the same to the user
        raise ImportRejected.file(_("The file is not a readable XLSX workbook.")) from None
    limit = max_import_rows() + 1
    sheet = Sheet(kind="xlsx")
    try:
        if not workbook.worksheets:
            raise ImportRejected.file(_("The workbook has no worksheet."))
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            cells = [_text(value) for value in values]
            while cells and not cells[-1].strip():
                cells.pop()
            sheet.rows.append((number, cells))
            if number > limit and any(cells):
                raise ImportRejected.file(
                    _("The file has more than %(rows)d rows; split it.") % {"rows": max_import_rows()}
                )
    except ImportRejected:
        raise
    except Exception:
        raise ImportRejected.file(_("The file is not a readable XLSX workbook.")) from None
    finally:
        workbook.close()
    return sheet


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    if "," in header:
        return ","
    if ";" in header:
        return ";"
    if "\t" in header:
        return "\t"
    return ","


def _read_csv(data: bytes) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected.file(
            _("The file is not UTF-8 text. In Excel, save it as 'CSV UTF-8', or upload the XLSX file.")
        ) from None
    if "\x00" in text:
        raise ImportRejected.file(_("The file is neither CSV text nor an XLSX workbook."))
    sheet = Sheet(kind="csv")
    limit = max_import_rows() + 1
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        for number, values in enumerate(reader, start=1):
            cells = [_text(value) for value in values]
            while cells and not cells[-1].strip():
                cells.pop()
            sheet.rows.append((number, cells))
            if number > limit and any(cells):
                raise ImportRejected.file(
                    _("The file has more than %(rows)d rows; split it.") % {"rows": max_import_rows()}
                )
    except csv.Error as exc:
        row = len(sheet.rows) + 1
        message = _("Row %(row)d is not valid CSV (%(reason)s).") % {"row": row, "reason": exc}
        raise ImportRejected(message, [error(row, None, message)]) from None
    return sheet


def read_sheet(data: bytes) -> Sheet:
    """The rows of a CSV or XLSX file (detected from the content); raises ``ImportRejected`` for an empty,
    oversized, unreadable or non-UTF-8 file."""
    if not data or not data.strip():
        raise ImportRejected.file(_("The file is empty."))
    if len(data) > max_import_bytes():
        raise ImportRejected.file(_("The file is larger than %(mb)d MB.") % {"mb": max_import_bytes() // (1024 * 1024)})
    return _read_xlsx(data) if data[:2] == b"PK" else _read_csv(data)


def normalize_header(name: str) -> str:
    """``" Expected Result "`` -> ``expected_result``: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip().lower())


@dataclass
class Record:
    """One data row: its Excel row number and its cells by column name (stripped text)."""

    row: int
    values: dict[str, str]
    extra: bool = False  # the row has values beyond the header's last column


def records(sheet: Sheet) -> tuple[int, list[Record]]:
    """``(header row number, data records)``: the header is the first non-blank row; blank rows are skipped.
    Raises ``ImportRejected`` listing every missing, unknown or repeated column, or when there is no data."""
    rows = [(number, cells) for number, cells in sheet.rows if any(cell.strip() for cell in cells)]
    if not rows:
        raise ImportRejected.file(_("The file is empty."))
    header_row, header = rows[0]
    columns: list[str | None] = []
    problems = []
    seen = set()
    for raw in header:
        name = normalize_header(raw)
        if not name:
            columns.append(None)  # a column without a header (Excel's trailing separators) is ignored
            continue
        if name not in COLUMNS:
            problems.append(
                error(
                    header_row,
                    raw.strip(),
                    _("Unknown column %(name)s; the columns are %(columns)s.")
                    % {"name": raw.strip(), "columns": ", ".join(COLUMNS)},
                )
            )
            columns.append(None)
            continue
        if name in seen:
            problems.append(error(header_row, name, _("The column %(name)s appears twice.") % {"name": name}))
            columns.append(None)
            continue
        seen.add(name)
        columns.append(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(error(header_row, name, _("The required column %(name)s is missing.") % {"name": name}))
    if problems:
        raise ImportRejected(_("The header row does not match the template."), problems)
    found = []
    for number, cells in rows[1:]:
        values = dict.fromkeys(seen, "")
        for name, cell in zip(columns, cells, strict=False):
            if name is not None:
                values[name] = cell.strip()
        extra = any(cell.strip() for cell in cells[len(columns) :])
        found.append(Record(row=number, values=values, extra=extra))
    if not found:
        raise ImportRejected.file(_("The file has a header but no scenarios."))
    return header_row, found
