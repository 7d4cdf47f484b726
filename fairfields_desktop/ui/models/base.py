"""Shared pieces of the table models."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt

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
