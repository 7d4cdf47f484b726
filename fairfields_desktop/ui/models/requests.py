"""Requests for independent therapy as table models: the queue, a rule panel, overrides and history.

Words only: the verdicts come from the service's rule results (widgets never decide a rule).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ...domain.checks import day_text
from ...services.requests import HistoryEntry, RequestView
from .base import Column, FilterProxy, RowsModel
from .pupils import fold

Index = QModelIndex | QPersistentModelIndex

#: each rule in plain words, in RULE_IDS order
RULE_LABELS = {
    "ATTENDANCE": "Attendance", "MAX_WEEKS": "Maximum weeks", "EXTENSION": "Extension",
    "EHCP_APPROVAL": "EHCP team approval", "CLASSROOM_AGREEMENT": "Classroom agreement", "SPACE": "Space",
    "CLASS_STAFF": "Class staff", "NOT_SUSPENDED": "Not suspended", "CHECKS": "Safeguarding checks",
}
#: a stored status or derived state in words
STATE_WORDS = {
    "draft": "draft", "submitted": "awaiting decision", "approved": "approved (not started)", "active": "active",
    "completed": "completed", "expired": "expired (undecided when its first session passed)",
    "declined": "declined", "suspended": "suspended", "ended": "ended",
}
SETTING_WORDS = {"in_school": "in school", "off_site": "off site"}
ACTION_WORDS = {"review meeting": "review meeting held", "letter sent": "letter sent to the family"}
#: pale backgrounds (dark text keeps WCAG AA contrast); the words say it too, colour is never alone
MET_BACKGROUND, NOT_MET_BACKGROUND = "#e6f4ea", "#fbe3e3"
#: the text on those backgrounds: fixed with them, so a high-contrast palette's white text cannot vanish on them
ON_PALE_BACKGROUND = "#1b1b1b"


def rule_label(rule: str) -> str:
    return RULE_LABELS.get(rule, rule.replace("_", " ").capitalize())


def verdict_text(view: RequestView) -> str:
    """ "all rules met", or "fails ATTENDANCE, SPACE" (the rule ids the service reports failed)."""
    return "all rules met" if view.eligible else "fails " + ", ".join(view.failed)


def state_text(state: str) -> str:
    return STATE_WORDS.get(state, state)


def period_text(view: RequestView) -> str:
    """``Tuesdays 1 Dec 2026 – 23 Feb 2027, 10:30–11:15``."""
    return (f"{view.weekday.capitalize()}s {day_text(view.first_session)} – {day_text(view.last_session)}, "
            f"{view.start_time:%H:%M}–{view.end_time:%H:%M}")


def where_text(view: RequestView) -> str:
    if view.setting == "in_school":
        return f"in school, {view.space or 'the classroom'}"
    return SETTING_WORDS.get(view.setting, view.setting)


def sessions_text(count: int, what: str = "session") -> str:
    return f"{count} {what}" if count == 1 else f"{count} {what}s"


class RequestsModel(RowsModel):
    REF, PUPIL, PROFESSIONAL, SETTING, PERIOD, STATE, VERDICT = range(7)

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__([
            Column("Ref", lambda r: r.ref),
            Column("Pupil", lambda r: f"{r.pupil} ({r.class_name})", lambda r: fold(r.pupil)),
            Column("Professional", lambda r: r.professional, lambda r: fold(r.professional)),
            Column("Where", where_text),
            Column("Period", period_text, lambda r: (r.first_session, r.ref)),
            Column("Status", lambda r: state_text(r.state)),
            Column("Verdict", verdict_text, lambda r: (r.eligible, verdict_text(r))),
        ], parent)

    def row_of(self, ref: str) -> int | None:
        return next((i for i in range(self.rowCount()) if self.row(i).ref == ref), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if index.isValid() and index.column() == self.VERDICT and role == Qt.ItemDataRole.BackgroundRole:
            return QColor(MET_BACKGROUND if self.row(index.row()).eligible else NOT_MET_BACKGROUND)
        if index.isValid() and index.column() == self.VERDICT and role == Qt.ItemDataRole.ForegroundRole:
            return QColor(ON_PALE_BACKGROUND)
        return super().data(index, role)


class RequestFilterProxy(FilterProxy):
    """Searches the pupil's and the professional's names (and the ref)."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._text = ""

    def set_search(self, text: str) -> None:
        self.refilter(lambda: setattr(self, "_text", fold(text.strip())))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        if not self._text:
            return True
        r: RequestView = self.sourceModel().row(source_row)  # type: ignore[attr-defined]
        return self._text in fold(f"{r.ref} {r.pupil} {r.professional}")


class RulesModel(RowsModel):
    """One row per rule, in the order the service returns them (RULE_IDS): tick or cross, words, detail."""

    RESULT, RULE, DETAIL = range(3)

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__([
            Column("Result", lambda r: "✓ met" if r.ok else "✗ not met"),
            Column("Rule", lambda r: rule_label(r.rule)),
            Column("Detail", lambda r: r.detail),
        ], parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        result = self.row(index.row())
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == self.RESULT:
            return QColor(MET_BACKGROUND if result.ok else NOT_MET_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.RESULT:
            return QColor(ON_PALE_BACKGROUND)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{result.rule}: {result.detail}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{rule_label(result.rule)}: {'met' if result.ok else 'not met'}: {result.detail}"
        return super().data(index, role)


def overrides_model(parent=None) -> RowsModel:  # noqa: ANN001
    """Overrides as (rule, reason, by, at) tuples from RequestView.overrides."""
    return RowsModel([
        Column("Rule", lambda o: rule_label(o[0])),
        Column("Reason", lambda o: o[1]),
        Column("Who", lambda o: o[2]),
        Column("When", lambda o: f"{o[3]:%H:%M} {day_text(o[3].date())}", lambda o: o[3]),
    ], parent)


def history_who(entry: HistoryEntry) -> str:
    behalf = (entry.details or {}).get("on_behalf_of")
    return f"{entry.by} (acting head for {behalf})" if behalf else entry.by


def history_model(parent=None) -> RowsModel:  # noqa: ANN001
    return RowsModel([
        Column("When", lambda e: f"{day_text(e.at.date())} {e.at:%H:%M}", lambda e: e.at),
        Column("Who", history_who),
        Column("Action", lambda e: ACTION_WORDS.get(e.action, e.action)),
        Column("Reason", lambda e: e.reason or ""),
    ], parent)
