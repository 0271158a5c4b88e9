"""Exports of the review pack (what to send before a review), shared by the API and the HTML review pack page:
Markdown for an e-mail and an XLSX workbook."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _


def review_pack_markdown(project, pack, changed) -> str:
    """The review pack as Markdown, ready to paste into an e-mail."""

    def rows(items):
        return [f"- **{r.ref}** {r.title}" for r in items] or ["- -"]

    progress = pack["progress"]
    lines = [
        f"# {project.name}: " + _("review pack"),
        "",
        _("Build progress: %(percent)s%% (%(built)s/%(total)s)")
        % {"percent": progress["percent_built"], "built": progress["built"], "total": progress["in_scope"]},
        "",
        "## " + _("Built"),
        "",
        *rows(pack["built"]),
        "",
        "## " + _("In progress (not ready for the demo)"),
        "",
        *rows(pack["in_progress"]),
        "",
        "## " + _("Not started"),
        "",
        *rows(pack["not_started"]),
        "",
        "## " + _("Gap between expectation and build"),
        "",
    ]
    lines += [
        f"- **{r.ref}** {r.title}: "
        + _("expected %(expected)s; gap: %(gap)s") % {"expected": r.expectation or "-", "gap": r.gap}
        for r in pack["gaps"]
    ] or ["- -"]
    lines += ["", "## " + _("Addressed since the last review"), ""]
    lines += [
        f"- [{f.get_status_display()}] {f.text}" + (f" -> {f.resolution}" if f.resolution else "") for f in changed
    ] or ["- -"]
    return "\n".join(lines) + "\n"


def _xlsx_append(sheet, values: list) -> None:
    """One row of text cells: without the control characters XLSX cannot hold (openpyxl refuses the whole
    workbook), and text starting with "=" stays text (never a formula a spreadsheet would run)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def review_pack_xlsx(pack, changed) -> bytes:
    """The review pack as an XLSX workbook: a Scope sheet and an Addressed sheet."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Scope"
    sheet.append(["ref", "title", "scope", "priority", "change_request", "expectation", "gap"])
    for name in ("built", "in_progress", "not_started"):
        for r in pack[name]:
            _xlsx_append(sheet, [r.ref, r.title, r.scope, r.priority, r.change_request, r.expectation, r.gap])
    addressed = workbook.create_sheet("Addressed")
    addressed.append(["meeting", "requirement", "text", "size", "status", "resolution"])
    for f in changed:
        _xlsx_append(
            addressed,
            [f.meeting.title, f.requirement.ref if f.requirement else "", f.text, f.size, f.status, f.resolution],
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
