"""The report as PDF, drawn with fpdf2 (pure Python, from PyPI) in NanumGothic, embedded and subset.

The fonts are vendored in ``fonts/`` (SIL OFL 1.1, see ``fonts/README.md``), so a PDF shows Korean text on a
fresh machine with nothing but Python. Only the glyphs the report uses are embedded. The creation date is the
report's own instant, so the same data gives the same bytes.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from golive.debrief.charts import ACTUAL_COLOUR, LATE_COLOUR, PLANNED_COLOUR, TODAY_COLOUR
from golive.debrief.document import Chart, Document, Facts, Paragraph, Table

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "NanumGothic"
REGULAR = FONT_DIR / "NanumGothic.ttf"
BOLD = FONT_DIR / "NanumGothicBold.ttf"

# fontTools reports every hinting table it drops while subsetting; that is expected, not news.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


class _ReportPDF(FPDF):
    def __init__(self, footer_text: str, subtitle: str):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        self.subtitle = subtitle

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, self.subtitle, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, self.footer_text % {"page": self.page_no(), "pages": "{nb}"}, align="R")
        self.set_text_color(0, 0, 0)


def _heading(pdf: FPDF, text: str, size: float, *, space: float = 3) -> None:
    if pdf.get_y() > pdf.h - pdf.b_margin - 30:
        pdf.add_page()
    pdf.ln(space)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_font(FONT, size=9)


def _facts(pdf: FPDF, facts: Facts) -> None:
    pdf.set_font(FONT, size=9)
    with pdf.table(
        col_widths=(1, 2),
        borders_layout=TableBordersLayout.NONE,
        first_row_as_headings=False,
        line_height=5,
        padding=(0.6, 1),
    ) as table:
        for key, value in facts.items:
            row = table.row()
            row.cell(key, style=FontFace(emphasis="BOLD"))
            row.cell(value)
    pdf.ln(2)


def _table(pdf: FPDF, block: Table) -> None:
    if block.caption:
        _heading(pdf, block.caption, 10, space=1)
    if not block.rows:
        if block.empty:
            pdf.set_text_color(110, 110, 110)
            pdf.multi_cell(0, 5, block.empty, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_text_color(0, 0, 0)
            pdf.ln(2)
        return
    widths = tuple(1 if i in block.numeric else 2.4 for i in range(len(block.headers)))
    align = tuple("RIGHT" if i in block.numeric else "LEFT" for i in range(len(block.headers)))
    pdf.set_font(FONT, size=8.5)
    with pdf.table(
        col_widths=widths,
        text_align=align,
        headings_style=FontFace(emphasis="BOLD", fill_color=(234, 238, 244)),
        line_height=4.6,
        padding=(0.8, 1.2),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
    ) as table:
        header = table.row()
        for text in block.headers:
            header.cell(text)
        for values in block.rows:
            row = table.row()
            for value in values:
                row.cell(str(value))
    pdf.ln(3)


def _chart(pdf: FPDF, chart: Chart) -> None:
    timeline = chart.timeline
    if not timeline.rows:
        return
    label_w, row_h = 38.0, 6.0
    left = pdf.l_margin + label_w
    width = pdf.w - pdf.r_margin - left - 16
    height = 8 + row_h * len(timeline.rows) + 10
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y() + 6
    pdf.set_font(FONT, size=7)
    pdf.set_draw_color(217, 217, 217)
    bottom = top + row_h * len(timeline.rows)
    for fraction, text in timeline.ticks:
        x = left + fraction * width
        pdf.line(x, top - 1, x, bottom)
        pdf.set_text_color(85, 85, 85)
        pdf.text(x + 0.5, top - 2, text)
    pdf.set_text_color(0, 0, 0)
    for index, row in enumerate(timeline.rows):
        y = top + index * row_h
        pdf.set_font(FONT, size=8)
        pdf.text(pdf.l_margin, y + 4, row.label)
        if row.planned:
            pdf.set_fill_color(*_rgb(PLANNED_COLOUR))
            pdf.rect(left + row.planned.left * width, y + 0.8, max(row.planned.width * width, 0.6), 2.2, style="F")
        if row.actual:
            late = (row.slippage_days or 0) > 0
            pdf.set_fill_color(*_rgb(LATE_COLOUR if late else ACTUAL_COLOUR))
            pdf.rect(left + row.actual.left * width, y + 3.2, max(row.actual.width * width, 0.6), 2.2, style="F")
        if row.slippage_days:
            pdf.set_font(FONT, size=7)
            pdf.set_text_color(*_rgb(LATE_COLOUR) if row.slippage_days > 0 else (27, 110, 58))
            sign = "+" if row.slippage_days > 0 else ""
            pdf.text(left + width + 1.5, y + 4, f"{sign}{row.slippage_days} {chart.days}")
            pdf.set_text_color(0, 0, 0)
    if timeline.today is not None:
        x = left + timeline.today * width
        pdf.set_draw_color(*_rgb(TODAY_COLOUR))
        pdf.set_dash_pattern(dash=1, gap=0.8)
        pdf.line(x, top - 1, x, bottom)
        pdf.set_dash_pattern()
    legend = bottom + 5
    pdf.set_font(FONT, size=7.5)
    pdf.set_fill_color(*_rgb(PLANNED_COLOUR))
    pdf.rect(left, legend - 2.2, 4, 2.2, style="F")
    pdf.text(left + 5, legend, chart.planned)
    pdf.set_fill_color(*_rgb(ACTUAL_COLOUR))
    pdf.rect(left + 30, legend - 2.2, 4, 2.2, style="F")
    pdf.text(left + 35, legend, chart.actual)
    if timeline.today is not None:
        pdf.set_draw_color(*_rgb(TODAY_COLOUR))
        pdf.set_dash_pattern(dash=1, gap=0.8)
        pdf.line(left + 62, legend - 2.5, left + 62, legend)
        pdf.set_dash_pattern()
        pdf.text(left + 64, legend, chart.today)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_y(legend + 4)


def document_pdf(doc: Document, *, footer: str) -> bytes:
    """Draw ``doc`` on A4 pages and return the PDF bytes."""
    pdf = _ReportPDF(footer, f"{doc.title} · {doc.subtitle}")
    pdf.add_font(FONT, "", str(REGULAR))
    pdf.add_font(FONT, "B", str(BOLD))
    pdf.set_creation_date(doc.generated_at)
    pdf.set_title(doc.title)
    pdf.set_subject(doc.subtitle)
    pdf.set_creator("GoLive")
    pdf.set_lang(doc.language)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, doc.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(85, 85, 85)
    pdf.multi_cell(0, 5, doc.subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    for section in doc.sections:
        _heading(pdf, section.title, 13, space=4)
        for block in section.blocks:
            if isinstance(block, Facts):
                _facts(pdf, block)
            elif isinstance(block, Table):
                _table(pdf, block)
            elif isinstance(block, Chart):
                _chart(pdf, block)
            elif isinstance(block, Paragraph):
                pdf.multi_cell(0, 5, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
