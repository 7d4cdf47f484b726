"""Shared pieces of the table models."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

#: the raw value a column sorts on (dates, numbers), whatever it displays
RAW_ROLE = Qt.ItemDataRole.UserRole + 1
#: the whole row's object (a DTO from a service)
ITEM_ROLE = Qt.ItemDataRole.UserRole + 2


class FilterProxy(QSortFilterProxyModel):
    """A proxy sorting on RAW_ROLE whose filter settings change through ``refilter``."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setSortRole(RAW_ROLE)

    def refilter(self, change: Callable[[], None]) -> None:
        """Apply ``change`` to the filter's settings and filter again (Qt 6.9+ API when there)."""
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # Qt before 6.9
            change()
            self.invalidateFilter()


class Column:
    """One column of a RowsModel: its header, what it shows and what it sorts on."""

    def __init__(self, header: str, show: Callable[[object], object],
                 raw: Callable[[object], object] | None = None) -> None:
        self.header = header
        self.show = show
        self.raw = raw or show


class RowsModel(QAbstractTableModel):
    """A read-only table of plain objects (DTOs from a service), described by its columns."""

    def __init__(self, columns: list[Column], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.columns = columns
        self._rows: list[object] = []

    def set_rows(self, rows: list[object]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> object:
        return self._rows[index]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802, ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.show(item)
            return "" if value is None else str(value)
        if role == RAW_ROLE:
            return column.raw(item)
        if role == ITEM_ROLE:
            return item
        return None


def tune_table(view) -> None:  # noqa: ANN001
    """Large tables stay quick: fixed row heights, columns sized once from the first rows, not per change."""
    from PySide6.QtWidgets import QHeaderView

    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setResizeContentsPrecision(50)  # measure 50 rows, not all of them
    header.setStretchLastSection(True)


def fit_columns(view) -> None:  # noqa: ANN001
    """Size the columns to their contents once (after the first load)."""
    view.resizeColumnsToContents()
