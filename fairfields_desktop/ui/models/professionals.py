"""Professionals and visits as table models, with the proxy that searches and filters the register."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ...domain.professionals import KIND_LABELS
from ...services.professionals import ProfessionalSummary, Visit
from .base import ITEM_ROLE, RAW_ROLE, FilterProxy
from .pupils import fold
Index = QModelIndex | QPersistentModelIndex

#: text colour of each kind (with its name in words, colour is never the only sign)
KIND_COLOURS = {"statutory": "#1f5f8b", "commissioned": "#2e6b30", "independent": "#7a3e9d"}
#: background of each check level: pale, so dark text keeps WCAG AA contrast
LEVEL_BACKGROUNDS = {"valid": "#e6f4ea", "warning": "#fff4d6", "blocking": "#fbe3e3"}
LEVEL_WORDS = {"valid": "Valid", "warning": "Warning", "blocking": "Blocked"}
LEVEL_ORDER = {"blocking": 0, "warning": 1, "valid": 2}


class ProfessionalsModel(QAbstractTableModel):
    NAME, KIND, CHECKS, DISCIPLINE, ORGANISATION, CONTACT = range(6)
    HEADERS = ("Name", "Kind", "Checks", "Discipline", "Organisation", "Contact")

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._items: list[ProfessionalSummary] = []
        self._search: list[str] = []

    def set_professionals(self, items: list[ProfessionalSummary]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._search = [fold(f"{p.name} {p.ext_id} {p.organisation or ''} {p.discipline_label}") for p in items]
        self.endResetModel()

    def replace(self, item: ProfessionalSummary) -> int:
        for row, existing in enumerate(self._items):
            if existing.id == item.id:
                self._items[row] = item
                self._search[row] = fold(f"{item.name} {item.ext_id} {item.organisation or ''} {item.discipline_label}")
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
                return row
        row = len(self._items)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.append(item)
        self._search.append(fold(f"{item.name} {item.ext_id} {item.organisation or ''} {item.discipline_label}"))
        self.endInsertRows()
        return row

    def item(self, row: int) -> ProfessionalSummary:
        return self._items[row]

    def search_text(self, row: int) -> str:
        return self._search[row]

    def row_of(self, professional_id: int) -> int | None:
        return next((i for i, p in enumerate(self._items) if p.id == professional_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802, ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        p = self._items[index.row()]
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
            return (p.name, KIND_LABELS.get(p.kind, p.kind), "", p.discipline_label, p.organisation or "",
                    p.contact)[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == self.KIND:
            return QColor(KIND_COLOURS.get(p.kind, "#000000"))
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

    def set_search(self, text: str) -> None:
        self.refilter(lambda: setattr(self, "_text", fold(text.strip())))

    def set_filters(self, kind: str | None, level: str | None) -> None:
        self.refilter(lambda: self.__dict__.update(kind=kind, level=level))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model: ProfessionalsModel = self.sourceModel()  # type: ignore[assignment]
        item = model.item(source_row)
        if self._text and self._text not in model.search_text(source_row):
            return False
        if self.kind and item.kind != self.kind:
            return False
        if self.level == "blocking" and item.status.level != "blocking":
            return False
        return not (self.level == "warning" and item.status.level == "valid")


class VisitsModel(QAbstractTableModel):
    WHO, KIND, IN, OUT, PURPOSE, WHERE, PUPILS, IDENTITY = range(8)
    HEADERS = ("Visitor", "Kind", "In", "Out", "Purpose", "Where", "Pupils seen", "Identity")

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._visits: list[Visit] = []

    def set_visits(self, visits: list[Visit]) -> None:
        self.beginResetModel()
        self._visits = list(visits)
        self.endResetModel()

    def visit(self, row: int) -> Visit:
        return self._visits[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._visits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802, ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        v = self._visits[index.row()]
        if role == ITEM_ROLE:
            return v
        if role == RAW_ROLE:
            return (v.professional_name, v.kind, v.signed_in_at, v.signed_out_at or v.signed_in_at.max, v.purpose,
                    v.where, len(v.pupils), int(v.identity_checked))[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (v.professional_name, KIND_LABELS.get(v.kind, v.kind), f"{v.signed_in_at:%H:%M %d %b}",
                    f"{v.signed_out_at:%H:%M}" if v.signed_out_at else "on site", v.purpose, v.where,
                    ", ".join(v.pupils), "checked" + (f" ({v.identity_note})" if v.identity_note else "")
                    if v.identity_checked else "not checked")[index.column()]
        return None
