"""The one stylesheet of every PDF report: the Unicode font, paragraph styles, table styles and colours.

DejaVu Sans ships in `resources/fonts` (with its licence) so that Zoë, Siobhán, Łukasz and Oğuz print
as they are spelt; ReportLab's built-in fonts cannot.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import TableStyle

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#4a4a4a")  # 8.9:1 on white
ACCENT = colors.HexColor("#1f4e79")
RULE = colors.HexColor("#9aa5b1")
HEADER_FILL = colors.HexColor("#dde6ef")
STRIPE = colors.HexColor("#f4f6f8")
WARN = colors.HexColor("#8a4b00")  # words carry the meaning; colour only adds to them
BAD = colors.HexColor("#9b1c1c")

MARGIN = 16 * mm


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold, oblique, bold oblique) once per process."""
    from ..config import resources_dir

    folder = resources_dir() / "fonts"
    for name, file in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf"),
                       (FONT_ITALIC, "DejaVuSans-Oblique.ttf"),
                       ("DejaVuSans-BoldOblique", "DejaVuSans-BoldOblique.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                  boldItalic="DejaVuSans-BoldOblique")


@lru_cache(maxsize=1)
def stylesheet() -> StyleSheet1:
    """Paragraph styles by name: Title, Subtitle, H1, H2, Body, Small, Cell, CellBold, Notice, Muted, Letter,
    LetterSign."""
    register_fonts()
    sheet = StyleSheet1()
    base = ParagraphStyle("Body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK, alignment=TA_LEFT,
                          spaceAfter=4)
    sheet.add(base)
    sheet.add(ParagraphStyle("Title", parent=base, fontName=FONT_BOLD, fontSize=20, leading=25, textColor=ACCENT,
                             spaceAfter=6))
    sheet.add(ParagraphStyle("Subtitle", parent=base, fontSize=12, leading=16, textColor=MUTED, spaceAfter=10))
    sheet.add(ParagraphStyle("H1", parent=base, fontName=FONT_BOLD, fontSize=13, leading=17, textColor=ACCENT,
                             spaceBefore=10, spaceAfter=5, keepWithNext=1))
    sheet.add(ParagraphStyle("H2", parent=base, fontName=FONT_BOLD, fontSize=10.5, leading=14, spaceBefore=6,
                             spaceAfter=3, keepWithNext=1))
    sheet.add(ParagraphStyle("Small", parent=base, fontSize=8, leading=10, textColor=MUTED))
    sheet.add(ParagraphStyle("Cell", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0))
    sheet.add(ParagraphStyle("CellBold", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=10.5, spaceAfter=0))
    sheet.add(ParagraphStyle("Notice", parent=base, fontName=FONT_BOLD, textColor=WARN, borderColor=WARN,
                             borderWidth=0.8, borderPadding=5, spaceBefore=6, spaceAfter=10))
    sheet.add(ParagraphStyle("Muted", parent=base, textColor=MUTED))
    sheet.add(ParagraphStyle("Letter", parent=base, fontSize=11, leading=15, spaceAfter=8))
    sheet.add(ParagraphStyle("LetterSign", parent=base, fontSize=11, leading=14, spaceAfter=0))
    return sheet


def table_style(*, header: bool = True, stripes: bool = True) -> TableStyle:
    """The grid every table uses: a shaded header row repeated on each page, light rules, zebra stripes."""
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL), ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD)]
    if stripes:
        commands.append(("ROWBACKGROUNDS", (0, 1 if header else 0), (-1, -1), [colors.white, STRIPE]))
    return TableStyle(commands)
