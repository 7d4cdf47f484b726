"""A pupil's contacts as the form edits them: one row each, a tick for parental responsibility."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

NAME, RELATIONSHIP, PARENTAL_RESPONSIBILITY, PHONE, EMAIL = range(5)
HEADERS = ("Name", "Relationship", "Parental responsibility", "Phone", "Email")
_KEYS = {NAME: "name", RELATIONSHIP: "relationship", PHONE: "phone", EMAIL: "email"}

Index = QModelIndex | QPersistentModelIndex


class ContactsModel(QAbstractTableModel):
    """Editable rows of contacts; ``contacts()`` gives them in the service's shape (empty rows left out)."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    # --- Qt --------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == PARENTAL_RESPONSIBILITY:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if column == PARENTAL_RESPONSIBILITY:
            if role == Qt.ItemDataRole.CheckStateRole:
                return (Qt.CheckState.Checked if row["parental_responsibility"] else Qt.CheckState.Unchecked).value
            if role == Qt.ItemDataRole.DisplayRole:
                return "yes" if row["parental_responsibility"] else "no"
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return "has parental responsibility" if row["parental_responsibility"] else "no parental responsibility"
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return row[_KEYS[column]] or ""
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid():
            return False
        row, column = self._rows[index.row()], index.column()
        if column == PARENTAL_RESPONSIBILITY and role == Qt.ItemDataRole.CheckStateRole:
            state = value.value if isinstance(value, Qt.CheckState) else int(value)
            row["parental_responsibility"] = state == Qt.CheckState.Checked.value
        elif column != PARENTAL_RESPONSIBILITY and role == Qt.ItemDataRole.EditRole:
            row[_KEYS[column]] = str(value or "")
        else:
            return False
        self.dataChanged.emit(index, index, [role])
        return True

    # --- the form ----------------------------------------------------------------------------------
    def set_contacts(self, contacts: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = [{"name": c.get("name") or "", "relationship": c.get("relationship") or "",
                       "parental_responsibility": bool(c.get("parental_responsibility")),
                       "phone": c.get("phone") or "", "email": c.get("email") or ""} for c in contacts]
        self.endResetModel()

    def add_contact(self) -> int:
        """A new empty row at the end (parental responsibility not ticked); returns its row."""
        position = len(self._rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.append({"name": "", "relationship": "", "parental_responsibility": False, "phone": "",
                           "email": ""})
        self.endInsertRows()
        return position

    def remove_contact(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def contacts(self) -> list[dict[str, Any]]:
        """The contacts in the service's shape; a row left wholly empty is not sent."""
        out = []
        for r in self._rows:
            texts = {k: (r[k] or "").strip() for k in ("name", "relationship", "phone", "email")}
            if not any(texts.values()) and not r["parental_responsibility"]:
                continue
            out.append({"name": texts["name"], "relationship": texts["relationship"],
                        "parental_responsibility": r["parental_responsibility"],
                        "phone": texts["phone"] or None, "email": texts["email"] or None})
        return out
