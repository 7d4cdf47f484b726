"""Staff (and who among them uses the app), classes with their classrooms, and spaces: Settings tabs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import FairfieldsError, InvalidInput, StaleRecord
from ...domain.permissions import allowed
from ...domain.school import ROLE_LABELS
from ...domain.words import SPACE_KINDS, code_from_words, space_kind_words
from ..forms import FormDialog, run_form  # noqa: F401 (run_form: requests_view takes it from here)
from ...services.people import SchoolClass
from ..operations import job, perform
from ..undo import push_done


def staff_values(member) -> dict[str, Any]:  # noqa: ANN001
    """A member of staff as the form (and the service's save) has it."""
    return {"id": member.ext_id, "name": member.name, "role": member.role, "class": member.class_name}


def kind_code(combo: QComboBox) -> str:
    """The stored code of the kind of space chosen, or typed in words."""
    index = combo.findText(combo.currentText().strip(), Qt.MatchFlag.MatchFixedString)
    if index >= 0 and combo.itemData(index):
        return combo.itemData(index)
    return code_from_words(combo.currentText(), SPACE_KINDS)


def space_values(space) -> dict[str, Any]:  # noqa: ANN001
    return {"name": space.name, "kind": space.kind, "capacity": space.capacity, "features": space.features or "",
            "bookable": space.bookable}

RELOADED = "Reloaded: the record as saved now is shown. Make your change again, then save."


def stale_text(exc: StaleRecord) -> str:
    """The service's sentence, as a sentence: "Sarah Brown's record was changed by admin at 10:42 …"."""
    text = str(exc)
    return f"Not saved. {text[:1].upper()}{text[1:]}."


def ask_reload(parent: QWidget, exc: StaleRecord) -> bool:
    """Say who changed the record since it was opened, and when; True when the person chooses Reload."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Changed by someone else", stale_text(exc),
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("staleRecord")
    reload = box.addButton("&Reload", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Keep my &form", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(reload)
    box.setInformativeText("Reload shows the record as it is saved now; your changes in the form are then "
                           "lost, so make them again. Keep my form leaves it as it is, not saved.")
    box.exec()
    return box.clickedButton() is reload


def run_edit_form(dialog: QDialog, save: Callable[[], object], reload: Callable[[], None]) -> object | None:
    """`run_form`, and when someone saved the record since the form was opened (StaleRecord): who and
    when, with the choice to reload the record as saved into the form (then make the change again)."""
    from ..operations import run_save

    while dialog.exec() == QDialog.DialogCode.Accepted:
        try:
            return run_save(dialog, save)
        except InvalidInput as exc:
            dialog.show_problems(exc.problems)
        except StaleRecord as exc:
            if ask_reload(dialog, exc):
                rewatch(dialog)
                reload()
                dialog.message.setText(RELOADED)
            else:
                dialog.message.setText(stale_text(exc))
        except FairfieldsError as exc:
            dialog.message.setText(f"Not saved: {exc}")
    return None
from ..change_hub import rewatch, watch_record
from ..models.base import ITEM_ROLE, Column, FilterProxy, RowsModel, fit_columns, make_table
from ..shortcuts import add_shortcut


class RegisterTab(QWidget):
    """A table of one kind of record with Add and Edit buttons (for those allowed)."""

    #: one record in words, as the Add button names it (not the tab's plural with its "s" cut off: "classe")
    item = "record"

    def __init__(self, name: str, columns: list[Column], load: Callable[[], list], can_edit: bool,
                 parent=None, undo_stack: QUndoStack | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.load = load
        # the Settings screen's undo history (its Undo action names the change); on its own, the tab's
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.model = RowsModel(columns, self)
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table(self.proxy, name)
        self.add_button = QPushButton(f"Add {self.item}")
        self.edit_button = QPushButton("Edit")
        add_shortcut(self.add_button, "Ctrl+N", f"Add {self.item}")
        add_shortcut(self.edit_button, "Ctrl+E", f"Edit the chosen {self.item}")
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

    def record_edit(self, text: str, save: Callable[[Any, Any], Any], before: Any, after: Any,
                    version: Any, read: Callable[[], tuple[Any, Any]]) -> None:
        """Put an edit just saved on the undo history: undo saves ``before`` back through the service (off
        the UI thread, with the version check: a record changed on another PC since is refused, and said)."""
        def apply(values: Any, current: Any) -> Any:
            return perform(self, lambda: save(values, current), doing="Saving…", verb="Not done")

        push_done(self.undo_stack, text, apply, before, after, version, self.message.setText, self.reload, read)


class StaffTab(RegisterTab):
    item = "member of staff"

    def __init__(self, services, actor, parent=None, undo_stack: QUndoStack | None = None) -> None:  # noqa: ANN001
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
                         allowed(actor.roles, "staff.edit"), parent, undo_stack)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(lambda: self.edit(self.current()))

    def edit(self, member) -> None:  # noqa: ANN001
        name, role = QLineEdit(), QLineEdit()
        klass = QComboBox()
        klass.addItem("(no class)", None)
        for c in self.services.people.list_classes(self.actor):
            klass.addItem(c.name, c.name)
        opened = [member]  # the record as the form shows it (its version goes with the save)

        def fill(shown) -> None:  # noqa: ANN001
            opened[0] = shown
            name.setText(shown.name)
            role.setText(shown.role)
            klass.setCurrentIndex(max(0, klass.findData(shown.class_name)))

        if member is not None:
            fill(member)
        dialog = FormDialog("Member of staff", [("name", "&Name", name),
                                                ("role", "&Role", role), ("class", "&Class", klass)], self)
        if member is not None:
            watch_record(dialog, self.services, "people", "staff", member.ext_id, f"{member.name}'s record")
        saved = run_edit_form(dialog, lambda: job(self.services.people.save_staff,
            self.actor, {"id": member.ext_id if member else "", "name": name.text(), "role": role.text(), "class": klass.currentData()},
            member.id if member else None, opened[0].version if opened[0] else None),
            lambda: fill(next(s for s in self.services.people.list_staff(self.actor) if s.id == member.id)))
        if saved is not None:
            self.reload()
            self.message.setText(f"{saved.name} saved.")
            if member is not None and opened[0] is not None:
                was = opened[0]
                people, actor = self.services.people, self.actor

                def save(values: dict, version: int | None) -> int:
                    return people.save_staff(actor, values, member.id, version).version

                def read() -> tuple[dict, int]:
                    now = next(s for s in people.list_staff(actor) if s.id == member.id)
                    return staff_values(now), now.version

                self.record_edit(f"edit of {saved.name}", save, staff_values(was), staff_values(saved),
                                 saved.version, read)


class ClassesTab(RegisterTab):
    item = "class"

    def __init__(self, services, actor, parent=None, undo_stack: QUndoStack | None = None) -> None:  # noqa: ANN001
        self.services, self.actor = services, actor
        columns = [
            Column("Class", lambda c: c.name),
            Column("Classroom", lambda c: c.room or "none"),
            Column("Pupils", lambda c: c.pupils),
            Column("Class staff", lambda c: ", ".join(c.staff)),
        ]
        super().__init__("Classes", columns, lambda: services.people.list_classes(actor),
                         allowed(actor.roles, "staff.edit"), parent, undo_stack)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(lambda: self.edit(self.current()))

    def edit(self, klass) -> None:  # noqa: ANN001
        name = QLineEdit(klass.name if klass else "")
        room = QComboBox()
        room.addItem("(none)", None)
        for space in self.services.people.list_spaces(self.actor):
            if space.kind == "classroom":
                room.addItem(space.name, space.name)
        opened = [klass]

        def fill(shown) -> None:  # noqa: ANN001
            opened[0] = shown
            name.setText(shown.name)
            room.setCurrentIndex(max(0, room.findData(shown.room)))

        if klass is not None:
            fill(klass)
        dialog = FormDialog("Class", [("name", "&Name", name), ("room", "&Classroom", room)], self)
        if klass is not None:
            watch_record(dialog, self.services, "people", "class", klass.id, f"Class {klass.name}")
        saved = run_edit_form(dialog, lambda: job(self.services.people.save_class,
            self.actor, name.text(), room.currentData(), klass.id if klass else None, opened[0]),
            lambda: fill(next(c for c in self.services.people.list_classes(self.actor) if c.id == klass.id)))
        if saved is not None:
            self.reload()
            self.message.setText(f"Class {saved.name} saved.")
            if klass is not None and opened[0] is not None:
                people, actor = self.services.people, self.actor

                def save(values: tuple[str, str | None], shown: SchoolClass) -> SchoolClass:
                    return people.save_class(actor, values[0], values[1], klass.id, shown)

                def read() -> tuple[tuple[str, str | None], SchoolClass]:
                    now = next(c for c in people.list_classes(actor) if c.id == klass.id)
                    return (now.name, now.room), now

                self.record_edit(f"edit of class {saved.name}", save, (opened[0].name, opened[0].room),
                                 (saved.name, saved.room), saved, read)


class SpacesTab(RegisterTab):
    item = "space"

    def __init__(self, services, actor, parent=None, undo_stack: QUndoStack | None = None) -> None:  # noqa: ANN001
        self.services, self.actor = services, actor
        columns = [
            Column("Space", lambda s: s.name, lambda s: s.name.casefold()),
            Column("Kind", lambda s: space_kind_words(s.kind), lambda s: space_kind_words(s.kind).casefold()),
            Column("Capacity", lambda s: s.capacity),
            Column("Bookable", lambda s: "yes" if s.bookable else "no"),
            Column("Features", lambda s: s.features or ""),
        ]
        super().__init__("Spaces", columns, lambda: services.people.list_spaces(actor),
                         allowed(actor.roles, "staff.edit"), parent, undo_stack)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(lambda: self.edit(self.current()))

    def edit(self, space) -> None:  # noqa: ANN001
        name, features = QLineEdit(), QLineEdit()
        kind = QComboBox()  # the kinds in words; another kind can be typed in words
        kind.setEditable(True)
        kind.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for code, words in SPACE_KINDS.items():
            kind.addItem(words, code)
        capacity = QSpinBox()
        capacity.setRange(0, 1000)
        bookable = QCheckBox("Can be booked")
        bookable.setChecked(True)
        opened = [space]

        def fill(shown) -> None:  # noqa: ANN001
            opened[0] = shown
            name.setText(shown.name)
            index = kind.findData(shown.kind)
            if index < 0:
                kind.addItem(space_kind_words(shown.kind), shown.kind)
                index = kind.count() - 1
            kind.setCurrentIndex(index)
            capacity.setValue(shown.capacity)
            features.setText(shown.features or "")
            bookable.setChecked(shown.bookable)

        if space is not None:
            fill(space)
        dialog = FormDialog("Space", [("name", "&Name", name), ("kind", "&Kind", kind),
                                      ("capacity", "&Capacity", capacity), ("features", "&Features", features),
                                      ("bookable", "", bookable)], self)
        if space is not None:
            watch_record(dialog, self.services, "spaces", "space", space.id, space.name)
        saved = run_edit_form(dialog, lambda: job(self.services.people.save_space,
            self.actor, {"name": name.text(), "kind": kind_code(kind), "capacity": capacity.value(),
                         "features": features.text(), "bookable": bookable.isChecked()},
            space.id if space else None, opened[0].version if opened[0] else None),
            lambda: fill(next(s for s in self.services.people.list_spaces(self.actor) if s.id == space.id)))
        if saved is not None:
            self.reload()
            self.message.setText(f"{saved.name} saved.")
            if space is not None and opened[0] is not None:
                people, actor = self.services.people, self.actor

                def save(values: dict, version: int | None) -> int:
                    return people.save_space(actor, values, space.id, version).version

                def read() -> tuple[dict, int]:
                    now = next(s for s in people.list_spaces(actor) if s.id == space.id)
                    return space_values(now), now.version

                self.record_edit(f"edit of {saved.name}", save, space_values(opened[0]), space_values(saved),
                                 saved.version, read)
