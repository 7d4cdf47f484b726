"""WCAG 2.2 AA contrast of the app's colours: the style sheet's text/background pairs, and the fixed pairs the
views draw. Pure arithmetic on the colours parsed from resources/style.qss and the modules that hold them.

A `palette(...)` colour is resolved against two palettes: a default light one (Qt's Fusion defaults, as on a
PC with no theme) and Windows' "High Contrast Black". Text needs 4.5:1; the focus outline, a UI part, 3:1.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fairfields_desktop.ui.contrast import AA_LARGE, AA_TEXT, contrast, luminance, rgb

STYLE = Path(__file__).parents[2] / "resources" / "style.qss"

LIGHT = {"window": "#efefef", "window-text": "#000000", "base": "#ffffff", "text": "#000000",
         "mid": "#a0a0a0", "highlight": "#308cc6", "highlighted-text": "#ffffff"}
HIGH_CONTRAST_BLACK = {"window": "#000000", "window-text": "#ffffff", "base": "#000000", "text": "#ffffff",
                       "mid": "#a0a0a0", "highlight": "#1aebff", "highlighted-text": "#000000"}
PALETTES = {"light": LIGHT, "high contrast black": HIGH_CONTRAST_BLACK}


def rules(text: str) -> list[tuple[str, dict[str, str]]]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", text):
        props = {k.strip(): v.strip() for k, v in (p.split(":", 1) for p in body.split(";") if ":" in p)}
        found.extend((s.strip(), props) for s in selector.split(","))
    return found


def resolve(value: str, palette: dict[str, str]) -> str:
    m = re.fullmatch(r"palette\(([a-z-]+)\)", value)
    return palette[m.group(1)] if m else value


def text_pairs(palette: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each rule that sets a text or background colour: (text, background), taking what it does not set
    from the rule it refines (`X::item` from `X`), else from the palette (window text on window)."""
    parsed = rules(STYLE.read_text(encoding="utf-8"))
    by_selector = dict(parsed)
    pairs = {}
    for selector, props in parsed:
        fg, bg = props.get("color"), props.get("background", props.get("background-color"))
        if not fg and not bg:
            continue
        parent = by_selector.get(re.split(r"::|:(?!:)", selector)[0], {})
        fg = fg or parent.get("color") or "palette(window-text)"
        bg = bg or parent.get("background") or parent.get("background-color") or "palette(window)"
        pairs[selector] = (resolve(fg, palette), resolve(bg, palette))
    return pairs


def test_the_arithmetic():
    assert rgb("#333") == (0x33, 0x33, 0x33)
    assert luminance("#ffffff") == pytest.approx(1.0) and luminance("#000000") == 0
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss
    assert contrast("#ffffff", "#777777") == contrast("#777777", "#ffffff")


def test_the_style_sheet_has_text_pairs_to_check():
    assert len(text_pairs(LIGHT)) >= 5


@pytest.mark.parametrize("palette", PALETTES)
def test_every_text_pair_in_the_style_sheet_meets_aa(palette, capsys):
    pairs = text_pairs(PALETTES[palette])
    ratios = {sel: contrast(fg, bg) for sel, (fg, bg) in pairs.items()}
    with capsys.disabled():
        print(f"\n[contrast] style.qss under the {palette} palette:")
        for sel, ratio in ratios.items():
            print(f"  {sel}: {pairs[sel][0]} on {pairs[sel][1]} = {ratio:.2f}:1")
    low = {sel: round(r, 2) for sel, r in ratios.items() if r < AA_TEXT}
    assert not low, f"below 4.5:1 under the {palette} palette: {low}"


@pytest.mark.parametrize("palette", PALETTES)
def test_the_focus_outline_stands_out_from_the_window(palette):
    [(_, props)] = [(s, p) for s, p in rules(STYLE.read_text(encoding="utf-8")) if s == "*:focus"]
    colour = resolve(props["outline"].split()[-1], PALETTES[palette])
    backgrounds = {PALETTES[palette]["window"], PALETTES[palette]["base"]}
    assert all(contrast(colour, bg) >= AA_LARGE for bg in backgrounds), colour  # WCAG 1.4.11: 3:1


def test_fixed_pairs_drawn_by_the_views_meet_aa():
    from fairfields_desktop.ui.models.professionals import KIND_COLOURS, LEVEL_BACKGROUNDS, LEVEL_TEXT
    from fairfields_desktop.ui.views import pupil_detail

    pairs = {f"checks {level}": (LEVEL_TEXT, bg) for level, bg in LEVEL_BACKGROUNDS.items()}
    pairs |= {f"kind {kind} on white": (colour, "#ffffff") for kind, colour in KIND_COLOURS.items()}
    pairs |= {f"pupil detail {name} on white": (getattr(pupil_detail, name), "#ffffff")
              for name in ("TITLE", "MUTED", "WARN")}
    pairs |= {"error text on white": ("#8a1c1c", "#ffffff"), "error text on the window": ("#8a1c1c", "#efefef"),
              "selected screen": ("#ffffff", "#1a3a5c")}
    low = {name: round(contrast(*pair), 2) for name, pair in pairs.items() if contrast(*pair) < AA_TEXT}
    assert not low, low


def test_readable_gives_way_to_the_palette_only_when_it_must(qapp):
    from PySide6.QtGui import QColor, QPalette

    from fairfields_desktop.ui.contrast import readable

    old = qapp.palette()
    try:
        light = QPalette(old)
        light.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
        light.setColor(QPalette.ColorRole.Text, QColor("#000000"))
        qapp.setPalette(light)
        assert readable("#1a3a5c") == "#1a3a5c"
        dark = QPalette(old)
        dark.setColor(QPalette.ColorRole.Base, QColor("#000000"))
        dark.setColor(QPalette.ColorRole.Text, QColor("#ffff00"))
        qapp.setPalette(dark)
        assert readable("#1a3a5c") == "#ffff00"
    finally:
        qapp.setPalette(old)
