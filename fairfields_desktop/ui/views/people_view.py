"""Staff (and who among them uses the app), classes with their classrooms, and spaces: Settings tabs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.permissions import allowed
from ...domain.school import ROLE_LABELS
from ..forms import FormDialog, run_form
from ..models.base import ITEM_ROLE, Column, FilterProxy, RowsModel, fit_columns, make_table


class RegisterTab(QWidget):
    """A table of one kind of record with Add and Edit buttons (for those allowed)."""

    def __init__(self, name: str, columns: list[Column], load: Callable[[], list], can_edit: bool,
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.load = load
        self.model = RowsModel(columns, self)
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table(self.proxy, name)
        self.add_button = QPushButton(f"Add {name.lower().rstrip('s') if name != 'Staff' else 'member of staff'}")
        self.edit_button = QPushButton("Edit")
        self.add_button.setEnabled(can_edit)
        self.edit_button.setEnabled(can_edit)
        self.message = QLabel("" if can_edit else "Only an administrator can change these.")
        self.message.setObjectName("hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.table.doubleClicked.connect(lambda _i: can_edit and self.edit_button.click())
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(self.load())
        fit_columns(self.table)

    def current(self) -> Any:
        index = self.table.currentIndex()
        return self.proxy.data(index, ITEM_ROLE) if index.isValid() else None


class StaffTab(RegisterTab):
    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        self.services, self.actor = services, actor
        columns = [
            Column("Name", lambda s: s.name, lambda s: s.name.casefold()),
            Column("Role", lambda s: s.role),
            Column("Class", lambda s: s.class_name or "", lambda s: s.class_name or ""),
            Column("Uses the app as", lambda s: f"{s.username} ({', '.join(ROLE_LABELS[r] for r in s.user_roles)})"
                   if s.username else "not a user", lambda s: s.username or ""),
            Column("Id", lambda s: s.ext_id),
        ]
        super().__init__("Staff", columns, lambda: services.people.list_staff(actor),
                         allowed(actor.roles, "staff.edit"), parent)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(lambda: self.edit(self.current()))

    def edit(self, member) -> None:  # noqa: ANN001
        ident, name, role = QLineEdit(), QLineEdit(), QLineEdit()
        klass = QComboBox()
        klass.addItem("(no class)", None)
        for c in self.services.people.list_classes(self.actor):
            klass.addItem(c.name, c.name)
        if member is not None:
            ident.setText(member.ext_id)
            name.setText(member.name)
            role.setText(member.role)
            klass.setCurrentIndex(max(0, klass.findData(member.class_name)))
        dialog = FormDialog("Member of staff", [("id", "Short &id", ident), ("name", "&Name", name),
                                                ("role", "&Role", role), ("class", "&Class", klass)], self)
        saved = run_form(dialog, lambda: self.services.people.save_staff(
            self.actor, {"id": ident.text(), "name": name.text(), "role": role.text(), "class": klass.currentData()},
            member.id if member else None))
        if saved is not None:
            self.reload()
            self.message.setText(f"{saved.name} saved.")


class ClassesTab(RegisterTab):
    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        self.services, self.actor = services, actor
        columns = [
            Column("Class", lambda c: c.name),
            Column("Classroom", lambda c: c.room or "none"),
            Column("Pupils", lambda c: c.pupils),
            Column("Class staff", lambda c: ", ".join(c.staff)),
        ]
        super().__init__("Classes", columns, lambda: services.people.list_classes(actor),
                         allowed(actor.roles, "staff.edit"), parent)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(lambda: self.edit(self.current()))

    def edit(self, klass) -> None:  # noqa: ANN001
        name = QLineEdit(klass.name if klass else "")
        room = QComboBox()
        room.addItem("(none)", None)
        for space in self.services.people.list_spaces(self.actor):
            if space.kind == "classroom":
                room.addItem(space.name, space.name)
        if klass is not None:
            room.setCurrentIndex(max(0, room.findData(klass.room)))
        dialog = FormDialog("Class", [("name", "&Name", name), ("room", "&Classroom", room)], self)
        saved = run_form(dialog, lambda: self.services.people.save_class(
            self.actor, name.text(), room.currentData(), klass.id if klass else None))
        if saved is not None:
            self.reload()
            self.message.setText(f"Class {saved.name} saved.")


class SpacesTab(RegisterTab):
    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        self.services, self.actor = services, actor
        columns = [
            Column("Space", lambda s: s.name, lambda s: s.name.casefold()),
            Column("Kind", lambda s: s.kind.replace("_", " ")),
            Column("Capacity", lambda s: s.capacity),
            Column("Bookable", lambda s: "yes" if s.bookable else "no"),
            Column("Features", lambda s: s.features or ""),
        ]
        super().__init__("Spaces", columns, lambda: services.people.list_spaces(actor),
                         allowed(actor.roles, "staff.edit"), parent)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(lambda: self.edit(self.current()))

    def edit(self, space) -> None:  # noqa: ANN001
        name, features = QLineEdit(), QLineEdit()
        kind = QComboBox()
        kind.setEditable(True)
        kind.addItems(["therapy_room", "sensory_room", "soft_play", "pool", "meeting_room", "group_room",
                       "library", "hall", "classroom"])
        capacity = QSpinBox()
        capacity.setRange(0, 1000)
        bookable = QCheckBox("Can be booked")
        bookable.setChecked(True)
        if space is not None:
            name.setText(space.name)
            kind.setCurrentText(space.kind)
            capacity.setValue(space.capacity)
            features.setText(space.features or "")
            bookable.setChecked(space.bookable)
        dialog = FormDialog("Space", [("name", "&Name", name), ("kind", "&Kind", kind),
                                      ("capacity", "&Capacity", capacity), ("features", "&Features", features),
                                      ("bookable", "", bookable)], self)
        saved = run_form(dialog, lambda: self.services.people.save_space(
            self.actor, {"name": name.text(), "kind": kind.currentText(), "capacity": capacity.value(),
                         "features": features.text(), "bookable": bookable.isChecked()},
            space.id if space else None))
        if saved is not None:
            self.reload()
            self.message.setText(f"{saved.name} saved.")
