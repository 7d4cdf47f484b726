"""Printing a PDF the app made straight to a printer, without a dialog (the fire list in one action).

The page images come from QtPdf, each scaled to fit the paper (the report has its own margins). Under tests,
and on a PC with no printer set up, `default_printer` gives None: the caller keeps the PDF and says so.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

#: dots per inch the pages are drawn at for a printer (enough for text)
PRINT_DPI = 300


def default_printer() -> QPrinter | None:
    """The system's default printer, or None when none is set up."""
    info = QPrinterInfo.defaultPrinter()
    if info.isNull() or not info.printerName():
        return None
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)


def print_pdf(path: str | Path, printer: QPrinter, title: str = "") -> int:
    """Draw every page of the PDF at ``path`` on ``printer``; the number of pages sent (0: not printed)."""
    document = QPdfDocument()
    if document.load(str(path)) != QPdfDocument.Error.None_ or not document.pageCount():
        return 0
    count = document.pageCount()
    if title:
        printer.setDocName(title)
    size = document.pagePointSize(0)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if size.width() > size.height()
                               else QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        dpi = min(printer.resolution(), PRINT_DPI)
        for page in range(count):
            if page and not printer.newPage():
                return page
            points = document.pagePointSize(page)
            image = document.render(page, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72)))
            paper = printer.paperRect(QPrinter.Unit.DevicePixel)
            scale = min(paper.width() / image.width(), paper.height() / image.height())
            width, height = image.width() * scale, image.height() * scale
            painter.drawImage(QRectF((paper.width() - width) / 2, (paper.height() - height) / 2, width, height), image)
    finally:
        painter.end()
        document.close()
    return count
