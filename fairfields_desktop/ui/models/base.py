"""Shared pieces of the table models."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

#: the raw value a column sorts on (dates, numbers), whatever it displays
RAW_ROLE = Qt.ItemDataRole.UserRole + 1
#: the whole row's object (a DTO from a service)
ITEM_ROLE = Qt.ItemDataRole.UserRole + 2


def sort_key(value: object) -> tuple:
    """What a column's raw value sorts by, in Python: nothing (None) before any value, tuples element by
    element (with None inside them too), booleans as numbers, text without regard to case."""
    if value is None:
        return (0,)
    if isinstance(value, tuple | list):
        return (1, tuple(sort_key(v) for v in value))
    if isinstance(value, str):
        return (1, value.casefold(), value)
    return (1, value)


class FilterProxy(QSortFilterProxyModel):
    """A proxy sorting on RAW_ROLE whose filter settings change through ``refilter``.

    The comparison is Python's (``sort_key``), not Qt's: PySide6 6.11's proxy cannot compare dates,
    date-times or tuples held in a QVariant and leaves such rows unsorted. The raw values are read from the
    source model's ``raw(row, column)`` when it has one (no trip through QVariant), else from RAW_ROLE."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setSortRole(RAW_ROLE)

    def lessThan(self, left: QModelIndex | QPersistentModelIndex,  # noqa: N802
                 right: QModelIndex | QPersistentModelIndex) -> bool:
        source = self.sourceModel()
        raw = getattr(source, "raw", None)
        if raw is not None:
            a, b = raw(left.row(), left.column()), raw(right.row(), right.column())
        else:
            role = self.sortRole()
            a, b = left.data(role), right.data(role)
        try:
            return sort_key(a) < sort_key(b)
        except TypeError:  # values of different kinds in one column: compare their words
            return str(a) < str(b)

    def refilter(self, change: Callable[[], None]) -> None:
        """Apply ``change`` to the filter's settings and filter again (Qt 6.9+ API when there)."""
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # Qt before 6.9
            change()
            self.invalidateFilter()


class ListTableModel(QAbstractTableModel):
    """A table over a list of plain objects (DTOs): rows, headers, replacing one row, and a search key.

    Subclasses give HEADERS and ``data``; ``search_key(item)`` (optional) is the folded text a search
    box matches against."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._rows: list = []
        self._search: list[str] = []

    def headers(self) -> tuple[str, ...]:
        return self.HEADERS

    def search_key(self, item: object) -> str:
        return ""

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._search = [self.search_key(r) for r in self._rows]
        self.endResetModel()

    def replace(self, item: object) -> int:
        """Insert or update the row of ``item`` (matched by its ``id``); returns the row."""
        for row, existing in enumerate(self._rows):
            if existing.id == item.id:
                self._rows[row] = item
                self._search[row] = self.search_key(item)
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
                return row
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(item)
        self._search.append(self.search_key(item))
        self.endInsertRows()
        return row

    def row(self, index: int):  # noqa: ANN201
        return self._rows[index]

    def raw(self, row: int, column: int) -> object:
        """The value ``column`` sorts on for ``row`` (what RAW_ROLE gives), read without Qt in between."""
        return self.data(self.index(row, column), RAW_ROLE)

    def search_text(self, row: int) -> str:
        return self._search[row]

    def find(self, wanted) -> object | None:  # noqa: ANN001
        """The first item for which ``wanted(item)`` is true."""
        return next((r for r in self._rows if wanted(r)), None)

    def row_of(self, ident: object) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == ident), None)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802, ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None


class Column:
    """One column of a RowsModel: its header, what it shows and what it sorts on."""

    def __init__(self, header: str, show: Callable[[object], object],
                 raw: Callable[[object], object] | None = None) -> None:
        self.header = header
        self.show = show
        self.raw = raw or show


class RowsModel(ListTableModel):
    """A read-only table of plain objects (DTOs from a service), described by its columns."""

    def __init__(self, columns: list[Column], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.columns = columns

    def raw(self, row: int, column: int) -> object:
        return self.columns[column].raw(self._rows[row])

    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

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


def make_table(model, name: str, sort_column: int | None = 0) -> "QTableView":  # noqa: ANN001, F821
    """A read-only table view of ``model``: whole rows selected one at a time, sorted, sized quickly."""
    from PySide6.QtWidgets import QAbstractItemView, QTableView

    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    if sort_column is not None:
        view.setSortingEnabled(True)
        view.sortByColumn(sort_column, Qt.SortOrder.AscendingOrder)
    tune_table(view)
    return view
