"""Editable table models of the school's terms and of one term's closures.

Both hold the terms in the dataset's shape (dicts of ISO text), which is what the school service
checks and saves; nothing here decides whether a date is acceptable.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from .base import RAW_ROLE

Index = QModelIndex | QPersistentModelIndex


def _pretty(value: str) -> str:
    try:
        return date.fromisoformat(value).strftime("%a %d %b %Y")
    except (TypeError, ValueError):
        return value or ""


class TermsModel(QAbstractTableModel):
    NAME, FIRST_DAY, LAST_DAY, CLOSURES = range(4)
    HEADERS = ("Term", "First day", "Last day", "Closures")
    KEYS = ("name", "first_day", "last_day")

    edited = Signal()

    def __init__(self, terms: list[dict[str, Any]] | None = None, editable: bool = False, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._terms: list[dict[str, Any]] = copy.deepcopy(terms or [])
        self.editable = editable

    # --- data -----------------------------------------------------------------------------------
    def terms(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self._terms)

    def term(self, row: int) -> dict[str, Any]:
        return self._terms[row]

    def set_terms(self, terms: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._terms = copy.deepcopy(terms)
        self.endResetModel()

    def add_term(self) -> int:
        row = len(self._terms)
        self.beginInsertRows(QModelIndex(), row, row)
        self._terms.append({"name": f"New term {row + 1}", "first_day": "", "last_day": "", "closures": []})
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove_term(self, row: int) -> None:
        if 0 <= row < len(self._terms):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._terms[row]
            self.endRemoveRows()
            self.edited.emit()

    def closures_changed(self, row: int) -> None:
        index = self.index(row, self.CLOSURES)
        self.dataChanged.emit(index, index)
        self.edited.emit()

    # --- Qt model interface ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._terms)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802, ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        term = self._terms[index.row()]
        column = index.column()
        if column == self.CLOSURES:
            value: Any = len(term.get("closures") or [])
            if role in (Qt.ItemDataRole.DisplayRole, RAW_ROLE):
                return value
            return None
        raw = term.get(self.KEYS[column]) or ""
        if role == RAW_ROLE or role == Qt.ItemDataRole.EditRole:
            return raw
        if role == Qt.ItemDataRole.DisplayRole:
            return raw if column == self.NAME else _pretty(raw)
        if role == Qt.ItemDataRole.ToolTipRole and column != self.NAME:
            return "Type the date as YYYY-MM-DD"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self.editable and index.isValid() and index.column() != self.CLOSURES:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or index.column() == self.CLOSURES:
            return False
        self._terms[index.row()][self.KEYS[index.column()]] = str(value).strip()
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True


class ClosuresModel(QAbstractTableModel):
    """The closures of the term selected in a TermsModel (edits go straight into that term)."""

    FROM, TO, WHY = range(3)
    HEADERS = ("From", "To", "Why")
    KEYS = ("from", "to", "why")

    def __init__(self, terms: TermsModel, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.terms = terms
        self.row: int | None = None
        terms.modelReset.connect(lambda: self.show_term(None))
        terms.rowsRemoved.connect(lambda *_: self.show_term(None))

    def _closures(self) -> list[dict[str, Any]]:
        if self.row is None or self.row >= self.terms.rowCount():
            return []
        return self.terms.term(self.row).setdefault("closures", [])

    def show_term(self, row: int | None) -> None:
        self.beginResetModel()
        self.row = row
        self.endResetModel()

    def add_closure(self) -> int | None:
        if self.row is None:
            return None
        closures = self._closures()
        position = len(closures)
        self.beginInsertRows(QModelIndex(), position, position)
        closures.append({"from": "", "to": "", "why": ""})
        self.endInsertRows()
        self.terms.closures_changed(self.row)
        return position

    def remove_closure(self, position: int) -> None:
        closures = self._closures()
        if self.row is not None and 0 <= position < len(closures):
            self.beginRemoveRows(QModelIndex(), position, position)
            del closures[position]
            self.endRemoveRows()
            self.terms.closures_changed(self.row)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._closures())

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802, ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        raw = self._closures()[index.row()].get(self.KEYS[index.column()]) or ""
        if role in (RAW_ROLE, Qt.ItemDataRole.EditRole):
            return raw
        if role == Qt.ItemDataRole.DisplayRole:
            return raw if index.column() == self.WHY else _pretty(raw)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self.terms.editable and index.isValid():
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or self.row is None:
            return False
        self._closures()[index.row()][self.KEYS[index.column()]] = str(value).strip()
        self.dataChanged.emit(index, index)
        self.terms.closures_changed(self.row)
        return True
