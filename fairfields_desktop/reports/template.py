"""The one page template of every PDF report: the school's name and the report's title at the top; at
the foot "Page x of y", when it was printed and by whom, and the confidentiality notice (the reports hold
special-category data). PDF metadata (title, author, subject) are set. Tables take column widths as
fractions of the frame and repeat their header row on each page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from typing import IO, Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table

from .styles import FONT, FONT_BOLD, MARGIN, MUTED, RULE, stylesheet, table_style

CONFIDENTIAL = ("CONFIDENTIAL: special-category personal data (UK GDPR). Share only with those entitled to "
                "it; keep and destroy securely.")


@dataclass(frozen=True)
class Printing:
    """Who printed a report, when, for which school: the footer and the PDF's author."""

    school: str
    printed_by: str
    printed_at: datetime


def text(value: Any, style: str = "Body") -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(escape(str(value if value is not None else "")).replace("\n", "<br/>"), stylesheet()[style])


def rich(markup: str, style: str = "Body") -> Paragraph:
    """A paragraph of ReportLab markup the caller has escaped (for <b> and <i> around escaped text)."""
    return Paragraph(markup, stylesheet()[style])


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float], *,
          frame_width: float, bold_first: bool = False) -> Table:
    """A table with ``widths`` as fractions of the frame; cells wrap; the header repeats on each page."""
    cell = "CellBold" if bold_first else "Cell"
    body = [[value if isinstance(value, Flowable) else text(value, cell if i == 0 else "Cell")
             for i, value in enumerate(row)] for row in rows]
    head = [text(h, "CellBold") for h in headers]
    grid = Table([head, *body], colWidths=[w * frame_width for w in widths], repeatRows=1, hAlign="LEFT")
    grid.setStyle(table_style())
    return grid


class _NumberedCanvas(Canvas):
    """Keeps each page until the end so that the footer can say "Page x of y"."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self._draw_page_number(total)
            super().showPage()
        super().save()

    def _draw_page_number(self, total: int) -> None:
        width, _height = self._pagesize
        self.setFont(FONT, 7.5)
        self.setFillColor(MUTED)
        self.drawRightString(width - MARGIN, MARGIN - 9, f"Page {self._pageNumber} of {total}")


def build(out: str | Path | IO[bytes], story: list[Flowable], *, title: str, subject: str, printing: Printing,
          wide: bool = False) -> None:
    """Lay ``story`` out on A4 (landscape when ``wide``) under the common header and footer."""
    stylesheet()  # registers the fonts
    size = landscape(A4) if wide else A4
    target = str(out) if isinstance(out, Path) else out
    doc = BaseDocTemplate(target, pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 10,
                          bottomMargin=MARGIN + 14, title=title, author=f"{printing.printed_by}, {printing.school}",
                          subject=subject, creator="Fairfields Desktop", producer="Fairfields Desktop (ReportLab)")
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    printed = f"Printed {printing.printed_at:%d %b %Y %H:%M} by {printing.printed_by}"

    def decorate(canvas: Canvas, document: BaseDocTemplate) -> None:
        width, height = size
        canvas.saveState()
        canvas.setFont(FONT_BOLD, 8.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, height - MARGIN + 2, printing.school)
        canvas.setFont(FONT, 8.5)
        canvas.drawRightString(width - MARGIN, height - MARGIN + 2, title)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, height - MARGIN - 2, width - MARGIN, height - MARGIN - 2)
        canvas.line(MARGIN, MARGIN + 8, width - MARGIN, MARGIN + 8)
        canvas.setFont(FONT, 7.5)
        canvas.drawString(MARGIN, MARGIN - 1, CONFIDENTIAL)
        canvas.drawString(MARGIN, MARGIN - 9, printed)
        canvas.restoreState()

    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate)])
    doc.build(story, canvasmaker=_NumberedCanvas)


def frame_width(wide: bool = False) -> float:
    """The usable width of a page, for tables' column fractions."""
    size = landscape(A4) if wide else A4
    return size[0] - 2 * MARGIN
