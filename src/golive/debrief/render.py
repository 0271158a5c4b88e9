"""The report in each format: JSON, Markdown, HTML (print-friendly, with the inline SVG timeline) and PDF.

Every renderer takes the report's data (``golive.debrief.report.build_report`` or a published snapshot) and a
language, so the API, the web page and ``golive report`` give the same bytes for the same data and language.
"""

from __future__ import annotations

import json

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from golive.debrief.charts import timeline_svg
from golive.debrief.document import Chart, Document, Facts, Paragraph, Table, report_document

FORMATS = ("json", "md", "html", "pdf")
CONTENT_TYPES = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
EXTENSIONS = {"json": "json", "md": "md", "html": "html", "pdf": "pdf"}


def file_name(data: dict, fmt: str) -> str:
    """``<KEY>-report[-<number>].<ext>``: the name a download and ``golive report`` use."""
    published = data.get("published")
    suffix = f"-{published['number']}" if published else ""
    return f"{data['project']['key']}-report{suffix}.{EXTENSIONS[fmt]}"


def render_json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()


# ---------------------------------------------------------------------------------------------------------------
# Markdown


def _md_cell(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _md_table(table: Table) -> list[str]:
    lines = []
    if table.caption:
        lines += [f"### {_md_cell(table.caption)}", ""]
    if not table.rows and table.empty:
        return [*lines, f"_{_md_cell(table.empty)}_", ""]
    lines.append("| " + " | ".join(_md_cell(h) for h in table.headers) + " |")
    lines.append("| " + " | ".join("---:" if i in table.numeric else "---" for i in range(len(table.headers))) + " |")
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
    return [*lines, ""]


def _markdown(doc: Document) -> str:
    lines = [f"# {_md_cell(doc.title)}", "", f"_{_md_cell(doc.subtitle)}_", ""]
    for section in doc.sections:
        lines += [f"## {_md_cell(section.title)}", ""]
        for block in section.blocks:
            if isinstance(block, Facts):
                lines += [f"- **{_md_cell(k)}**: {_md_cell(v)}" for k, v in block.items] + [""]
            elif isinstance(block, Table):
                lines += _md_table(block)
            elif isinstance(block, Paragraph):
                lines += [_md_cell(block.text), ""]
            # Charts are drawn in HTML and PDF; the table beside them carries the same figures.
    return "\n".join(lines).rstrip() + "\n"


def render_markdown(data: dict, language: str) -> str:
    with translation.override(language):
        return _markdown(report_document(data))


# ---------------------------------------------------------------------------------------------------------------
# HTML


def _svg(chart: Chart) -> str:
    return timeline_svg(
        chart.timeline,
        title=chart.title,
        planned_label=chart.planned,
        actual_label=chart.actual,
        today_label=chart.today,
        days_label=chart.days,
    )


def html_context(data: dict) -> dict:
    """What ``debrief/_report_body.html`` draws, in the active language (the web page uses it too)."""
    doc = report_document(data)
    sections = []
    for section in doc.sections:
        blocks = []
        for block in section.blocks:
            if isinstance(block, Chart):
                # Every text of the SVG is escaped by ``timeline_svg``.
                blocks.append({"kind": "chart", "svg": mark_safe(_svg(block))})  # noqa: S308
            elif isinstance(block, Facts):
                blocks.append({"kind": "facts", "items": block.items})
            elif isinstance(block, Table):
                blocks.append(
                    {
                        "kind": "table",
                        "table": block,
                        "rows": [[(cell, i in block.numeric) for i, cell in enumerate(row)] for row in block.rows],
                        "headers": [(h, i in block.numeric) for i, h in enumerate(block.headers)],
                    }
                )
            else:
                blocks.append({"kind": "paragraph", "text": block.text})
        sections.append({"id": section.id, "title": section.title, "blocks": blocks})
    return {"doc": doc, "report_sections": sections, "data": data}


def render_html(data: dict, language: str) -> str:
    """A standalone, print-friendly HTML document (inline styles, no script, no outside resource)."""
    with translation.override(language):
        return render_to_string("debrief/report_document.html", html_context(data))


# ---------------------------------------------------------------------------------------------------------------
# PDF


def render_pdf(data: dict, language: str) -> bytes:
    from golive.debrief.pdf import document_pdf

    with translation.override(language):
        return document_pdf(report_document(data), footer=_("Page %(page)s of %(pages)s"))


def render(data: dict, fmt: str, language: str) -> bytes:
    """The report in ``fmt`` (one of ``FORMATS``) as bytes."""
    if fmt == "json":
        return render_json(data)
    if fmt == "md":
        return render_markdown(data, language).encode()
    if fmt == "html":
        return render_html(data, language).encode()
    if fmt == "pdf":
        return render_pdf(data, language)
    raise ValueError(f"unknown format {fmt!r}")
