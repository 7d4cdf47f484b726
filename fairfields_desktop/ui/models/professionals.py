"""Professionals and visits as table models, with the proxy that searches and filters the register."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ...domain.professionals import KIND_LABELS
from ...services.professionals import ProfessionalSummary, Visit
from ..contrast import readable
from .base import ITEM_ROLE, RAW_ROLE, FilterProxy, ListTableModel
from .pupils import fold
Index = QModelIndex | QPersistentModelIndex

#: text colour of each kind (with its name in words, colour is never the only sign)
KIND_COLOURS = {"statutory": "#1f5f8b", "commissioned": "#2e6b30", "independent": "#7a3e9d"}
#: background of each check level: pale, so dark text keeps WCAG AA contrast
LEVEL_BACKGROUNDS = {"valid": "#e6f4ea", "warning": "#fff4d6", "blocking": "#fbe3e3"}
#: the text on those backgrounds (the pair is fixed, so a dark or high-contrast palette cannot break it)
LEVEL_TEXT = "#1b1b1b"
LEVEL_WORDS = {"valid": "Valid", "warning": "Warning", "blocking": "Blocked"}
LEVEL_ORDER = {"blocking": 0, "warning": 1, "valid": 2}


class ProfessionalsModel(ListTableModel):
    NAME, KIND, CHECKS, DISCIPLINE, ORGANISATION, CONTACT = range(6)
    HEADERS = ("Name", "Kind", "Checks", "Discipline", "Organisation", "Contact")

    def search_key(self, p: ProfessionalSummary) -> str:
        return fold(f"{p.name} {p.ext_id} {p.organisation or ''} {p.discipline_label}")

    def set_professionals(self, items: list[ProfessionalSummary]) -> None:
        self.set_rows(items)

    def item(self, row: int) -> ProfessionalSummary:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        p = self._rows[index.row()]
        column = index.column()
        level = p.status.level
        if role == ITEM_ROLE:
            return p
        if role == RAW_ROLE:
            return (p.name.casefold(), p.kind, LEVEL_ORDER[level], p.discipline, (p.organisation or "").casefold(),
                    p.contact)[column]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.CHECKS:
                problems = p.status.blocking or p.status.warnings
                detail = f": {problems[0].message}" if problems else ""
                more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
                return f"{LEVEL_WORDS[level]}{detail}{more}"
            name = p.name if p.active else f"{p.name} (no longer works here)"
            return (name, KIND_LABELS.get(p.kind, p.kind), "", p.discipline_label, p.organisation or "",
                    p.contact)[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == self.KIND:
            return QColor(readable(KIND_COLOURS.get(p.kind, "#000000")))
        if role == Qt.ItemDataRole.ForegroundRole and column == self.CHECKS:
            return QColor(LEVEL_TEXT)  # fixed, with its fixed pale background: readable under any palette
        if role == Qt.ItemDataRole.BackgroundRole and column == self.CHECKS:
            return QColor(LEVEL_BACKGROUNDS[level])
        if role == Qt.ItemDataRole.ToolTipRole and column == self.CHECKS:
            return p.status.summary
        return None


class ProfessionalFilterProxy(FilterProxy):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._text = ""
        self.kind: str | None = None
        self.level: str | None = None  # "blocking", "warning" (warning or worse), None
        self.show_former = False  # professionals who no longer work with the school

    def set_search(self, text: str) -> None:
        self.refilter(lambda: setattr(self, "_text", fold(text.strip())))

    def set_filters(self, kind: str | None, level: str | None, show_former: bool = False) -> None:
        self.refilter(lambda: self.__dict__.update(kind=kind, level=level, show_former=show_former))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model: ProfessionalsModel = self.sourceModel()  # type: ignore[assignment]
        item = model.item(source_row)
        if self._text and self._text not in model.search_text(source_row):
            return False
        if not item.active and not self.show_former:
            return False
        if self.kind and item.kind != self.kind:
            return False
        if self.level == "blocking" and item.status.level != "blocking":
            return False
        return not (self.level == "warning" and item.status.level == "valid")


class VisitsModel(ListTableModel):
    WHO, KIND, IN, OUT, PURPOSE, WHERE, PUPILS, IDENTITY = range(8)
    HEADERS = ("Visitor", "Kind", "In", "Out", "Purpose", "Where / visiting", "Pupils seen", "Identity")

    def set_visits(self, visits: list[Visit]) -> None:
        self.set_rows(visits)

    def visit(self, row: int) -> Visit:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        v = self._rows[index.row()]
        if role == ITEM_ROLE:
            return v
        if role == RAW_ROLE:
            return (v.professional_name, v.kind_words, v.signed_in_at, v.signed_out_at or v.signed_in_at.max, v.purpose,
                    v.where, len(v.pupils), int(v.identity_checked))[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (v.professional_name, v.kind_words, f"{v.signed_in_at:%H:%M %d %b}",
                    f"{v.signed_out_at:%H:%M}" if v.signed_out_at else "on site", v.purpose or "—",
                    v.where + (f", visiting {v.visiting}" if v.visiting and v.visitor_kind == "professional" else ""),
                    ", ".join(v.pupils), "checked" + (f" ({v.identity_note})" if v.identity_note else "")
                    if v.identity_checked else "not checked")[index.column()]
        return None
