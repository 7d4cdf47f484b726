"""Small formatting helpers shared by the report modules: dates, times, lists in words, fact tables.

They format what a DTO holds and compute nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache
from html import escape
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Table

from ..domain.checks import day_text
from .styles import BAD, WARN, stylesheet, table_style
from .template import rich, text

DASH = "—"

#: each eligibility rule in plain words (the same words the request panel shows)
RULE_LABELS = {
    "ATTENDANCE": "Attendance", "MAX_WEEKS": "Maximum weeks", "EXTENSION": "Extension",
    "EHCP_APPROVAL": "EHCP team approval", "CLASSROOM_AGREEMENT": "Classroom agreement", "SPACE": "Space",
    "CLASS_STAFF": "Class staff", "NOT_SUSPENDED": "Not suspended", "CHECKS": "Safeguarding checks",
}
#: a request's stored status or derived state in words
STATE_WORDS = {
    "draft": "draft", "submitted": "awaiting decision", "approved": "approved (not started)", "active": "active",
    "completed": "completed", "expired": "expired (undecided when its first session passed)",
    "declined": "declined", "suspended": "suspended", "ended": "ended",
}


def hex_colour(colour: Any) -> str:
    """A ReportLab colour as ``#rrggbb`` for paragraph markup."""
    return "#" + colour.hexval()[2:]


def rule_label(rule: str) -> str:
    return RULE_LABELS.get(rule, rule.replace("_", " ").capitalize())


def state_words(status: str) -> str:
    return STATE_WORDS.get(status, status)


def day(value: date | None, missing: str = DASH) -> str:
    """``14 Dec 2026`` (a datetime prints its day only); ``missing`` when None."""
    if value is None:
        return missing
    return day_text(value.date() if isinstance(value, datetime) else value)


def moment(value: datetime | None, missing: str = DASH) -> str:
    """``14 Dec 2026 09:30``."""
    return missing if value is None else f"{day_text(value.date())} {value:%H:%M}"


def clock(value: datetime | None, missing: str = DASH) -> str:
    """``09:30``."""
    return missing if value is None else f"{value:%H:%M}"


def or_dash(value: Any) -> str:
    return DASH if value is None or (isinstance(value, str) and not value.strip()) else str(value)


def join_and(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def pounds(amount: float | None) -> str:
    """``£3,600`` (pence shown only when there are some)."""
    if amount is None:
        return "not recorded"
    return f"£{amount:,.0f}" if float(amount).is_integer() else f"£{amount:,.2f}"


@lru_cache(maxsize=1)
def _hyphen_cell() -> ParagraphStyle:
    return ParagraphStyle("CellHyphen", parent=stylesheet()["Cell"], embeddedHyphenation=1)


def hyphenated(value: str) -> Paragraph:
    """A table cell that may break a word after its own hyphens ("School-" / "commissioned") rather than
    anywhere in a narrow column."""
    return Paragraph(escape(value), _hyphen_cell())


@lru_cache(maxsize=1)
def _notice() -> ParagraphStyle:
    notice = stylesheet()["Notice"]
    return ParagraphStyle("NoticeInside", parent=notice, leftIndent=notice.borderPadding,
                          rightIndent=notice.borderPadding)


def notice(words: str) -> Paragraph:
    """A Notice paragraph whose box stays inside the frame (the border is padded outside the text)."""
    return Paragraph(escape(words), _notice())


def met(ok: bool) -> Flowable:
    """A rule's verdict in words; NOT MET in bold and dark red (the words carry the meaning)."""
    if ok:
        return text("met", "Cell")
    return rich(f'<font color="{hex_colour(BAD)}"><b>NOT MET</b></font>', "Cell")


def flagged(words: str, level: str) -> Flowable:
    """A status word, bold and coloured by ``level`` ("bad", "warn" or anything else for plain)."""
    colour = {"bad": BAD, "warn": WARN}.get(level)
    if colour is None:
        return rich(f"<b>{escape(words)}</b>", "Cell")
    return rich(f'<font color="{hex_colour(colour)}"><b>{escape(words)}</b></font>', "Cell")


def lines(items: Iterable[str], style: str = "Cell") -> Flowable:
    """Several short lines in one table cell."""
    return rich("<br/>".join(escape(str(i)) for i in items), style)


def facts(pairs: Sequence[tuple[str, Any]], frame_width: float, label_fraction: float = 0.28) -> Table:
    """A two-column table of label and value, without a header row."""
    rows = [[text(label, "CellBold"), value if isinstance(value, Flowable) else text(or_dash(value), "Cell")]
            for label, value in pairs]
    grid = Table(rows, colWidths=[label_fraction * frame_width, (1 - label_fraction) * frame_width], hAlign="LEFT")
    grid.setStyle(table_style(header=False))
    return grid
