"""WCAG 2.2 contrast arithmetic, and fixed colours that give way to the palette when they would be unreadable.

The app's own colours (dark blue titles, dark red warnings) are chosen for a light window. Under a
high-contrast or dark palette they would vanish, so `readable` swaps such a colour for the palette's text.
"""

from __future__ import annotations

#: WCAG 2.2 AA: normal text needs 4.5:1, large text (18pt, or 14pt bold) and UI parts 3:1
AA_TEXT = 4.5
AA_LARGE = 3.0


def rgb(colour: str) -> tuple[int, int, int]:
    """'#1a3a5c' or '#333' as (red, green, blue) 0-255."""
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6:
        raise ValueError(f"not a #rgb or #rrggbb colour: {colour!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.2, sRGB)."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """The contrast ratio of two colours, 1 to 21."""
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def readable(colour: str, minimum: float = AA_TEXT) -> str:
    """`colour` when it keeps `minimum` contrast on the application palette's base, else the palette's text."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return colour
    palette = app.palette()  # type: ignore[attr-defined]
    base = palette.color(QPalette.ColorRole.Base).name()
    if contrast(colour, base) >= minimum:
        return colour
    return palette.color(QPalette.ColorRole.Text).name()


#: dark red for errors and warnings, chosen for a light window
ERROR_COLOUR = "#8a1c1c"


def error_style(extra: str = "") -> str:
    """The style sheet of error text: dark red, or the palette's text where dark red would be unreadable.

    Computed when used, not at import, so that it follows the palette in force (high contrast)."""
    return f"color: {readable(ERROR_COLOUR)}" + (f"; {extra}" if extra else "")
