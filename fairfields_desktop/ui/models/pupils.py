"""The pupil register as a table model, and the proxy that searches, filters and sorts it."""

from __future__ import annotations

import unicodedata
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from ...services.pupils import PupilSummary
from .base import ITEM_ROLE, RAW_ROLE, FilterProxy, ListTableModel

PUPIL_ROLE = ITEM_ROLE

Index = QModelIndex | QPersistentModelIndex


def fold(text: str) -> str:
    """Lower case without accents, so "zoe" finds Zoë and "siobhan" finds Siobhán."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ł", "l")


def _day(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


_RAW = (  # what each column sorts on (Age: youngest first, by the date of birth, latest first)
    lambda p: p.sort_name.casefold(), lambda p: p.upn, lambda p: p.class_name, lambda p: p.year_group,
    lambda p: -p.date_of_birth.toordinal(), lambda p: int(p.has_ehcp),
    lambda p: p.attendance_percent if p.attendance_percent is not None else -1.0,
    lambda p: p.review_due.toordinal() if p.review_due else 10**7, lambda p: int(p.looked_after),
)


class PupilsModel(ListTableModel):
    NAME, UPN, CLASS, YEAR, AGE, EHCP, ATTENDANCE, REVIEW_DUE, LOOKED_AFTER = range(9)
    HEADERS = ("Pupil", "UPN", "Class", "Year", "Age", "EHCP", "Attendance", "Review due", "Looked after")

    def search_key(self, pupil: PupilSummary) -> str:
        return fold(f"{pupil.first_name} {pupil.last_name} {pupil.last_name} {pupil.first_name} {pupil.upn}")

    def set_pupils(self, pupils: list[PupilSummary]) -> None:
        self.set_rows(pupils)

    def pupil(self, row: int) -> PupilSummary:
        return self._rows[row]

    def raw(self, row: int, column: int) -> object:
        return _RAW[column](self._rows[row])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201, C901
        if not index.isValid():
            return None
        pupil = self._rows[index.row()]
        column = index.column()
        if role == PUPIL_ROLE:
            return pupil
        if role == RAW_ROLE:
            return _RAW[column](pupil)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return pupil.sort_name + (" (left)" if pupil.left_on else "")
            if column == self.UPN:
                return pupil.upn + (" (temporary)" if pupil.temporary_upn else "")
            if column == self.CLASS:
                return pupil.class_name
            if column == self.YEAR:
                return pupil.year_label
            if column == self.AGE:
                return str(pupil.age)
            if column == self.EHCP:
                return "Yes" if pupil.has_ehcp else "No"
            if column == self.ATTENDANCE:
                if pupil.attendance_percent is None:
                    return "not recorded"
                return f"{pupil.attendance_percent:.1f}%" + (" (below)" if pupil.below_threshold else "")
            if column == self.REVIEW_DUE:
                return _day(pupil.review_due)
            if column == self.LOOKED_AFTER:
                return "Yes" if pupil.looked_after else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.ATTENDANCE and pupil.attendance_as_of:
                return f"MIS figure on {_day(pupil.attendance_as_of)}"
            if column == self.UPN and pupil.temporary_upn:
                return "A temporary UPN: replace it with the permanent one when the DfE issues it"
        if role == Qt.ItemDataRole.ForegroundRole and column == self.ATTENDANCE and pupil.below_threshold:
            from PySide6.QtGui import QColor

            from ..contrast import readable

            return QColor(readable("#9a2a00"))
        return None


class PupilFilterProxy(FilterProxy):
    """Search by name or UPN, and the register's filters; sorts on the raw values."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._text = ""
        self.class_name: str | None = None
        self.year_group: int | None = None
        self.ehcp_only = False
        self.below_threshold_only = False
        self.looked_after_only = False
        self.review_due_only = False

    def set_search(self, text: str) -> None:
        self.refilter(lambda: setattr(self, "_text", fold(text.strip())))

    def set_filters(self, **filters: object) -> None:
        unknown = set(filters) - {"class_name", "year_group", "ehcp_only", "below_threshold_only",
                                  "looked_after_only", "review_due_only"}
        if unknown:
            raise AttributeError(", ".join(sorted(unknown)))
        self.refilter(lambda: self.__dict__.update(filters))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model: PupilsModel = self.sourceModel()  # type: ignore[assignment]
        pupil = model.pupil(source_row)
        if self._text and self._text not in model.search_text(source_row):
            return False
        if self.class_name is not None and pupil.class_name != self.class_name:
            return False
        if self.year_group is not None and pupil.year_group != self.year_group:
            return False
        if self.ehcp_only and not pupil.has_ehcp:
            return False
        if self.below_threshold_only and not pupil.below_threshold:
            return False
        if self.looked_after_only and not pupil.looked_after:
            return False
        return not (self.review_due_only and not pupil.review_due_this_term)
