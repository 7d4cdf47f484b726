"""Settings → Booking titles (the administrator): bookings whose title names a pupil, to mend one by one.

Such titles come from before titles were checked (found by migration 0009) or from a loaded dataset; until
mended, a reader who may not see that pupil reads "(title to be reviewed)". The administrator gives each a
title that names nobody and chooses the pupils from the register instead; the bookings service checks,
saves, audits and clears the flag. Nothing is rewritten without someone doing it here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.checks import day_text
from ...domain.errors import FairfieldsError, InvalidInput
from ..contrast import error_style
from ..models.base import ITEM_ROLE, Column, FilterProxy, RowsModel, fit_columns, make_table
from ..operations import perform
from ..shortcuts import add_shortcut
from .booking_dialog import title_message


def _when(item) -> str:  # noqa: ANN001
    return (f"{item.start:%a} {day_text(item.start.date())} {item.start:%H:%M}–{item.end:%H:%M}"
            + (", weekly" if item.repeating else ""))


class BookingTitlesTab(QWidget):
    mended = Signal(str)  # the booking's reference

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        intro = QLabel("A booking's title is seen by everyone who sees the timetable, so it must not name a pupil: "
                       "the pupils are chosen from the register. These bookings' titles name a pupil (typed before "
                       "titles were checked, or loaded from a dataset). Until mended, whoever may not see that pupil "
                       "reads \u201c(title to be reviewed)\u201d, and printed timetables never show it. Give each a "
                       "title that names nobody, and add the pupils it named from the register.")
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        self.model = RowsModel([
            Column("Booking", lambda t: t.booking_ref),
            Column("When", _when, lambda t: t.start.isoformat()),
            Column("Space", lambda t: t.space),
            Column("For", lambda t: t.professional or "the school's own use"),
            Column("Title", lambda t: t.title),
            Column("Names", lambda t: ", ".join(t.named)),
            Column("Pupils on the booking", lambda t: ", ".join(t.pupils) or "none"),
        ], self)
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table(self.proxy, "Booking titles to mend", sort_column=1)
        self.title_field = QLineEdit()
        self.title_field.setAccessibleName("New title")
        self.title_field.setPlaceholderText("e.g. Annual review, SLT: AAC programme (no pupil's name)")
        self.title_message = QLabel("")
        self.title_message.setWordWrap(True)
        self.title_message.setStyleSheet(error_style())
        self.pupils = QListWidget()
        self.pupils.setAccessibleName("Pupils to add to the booking")
        self.pupils.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.pupils.setMaximumHeight(130)
        for pupil in services.pupils.list_pupils(actor):
            item = QListWidgetItem(f"{pupil.name} ({pupil.class_name})")
            item.setData(Qt.ItemDataRole.UserRole, pupil.upn)
            item.setData(Qt.ItemDataRole.UserRole + 1, pupil.name)
            self.pupils.addItem(item)
        self.save_button = QPushButton("&Save the title")
        self.save_button.setToolTip("Save the new title, add the chosen pupils, and take the booking off this list")
        self.refresh_button = QPushButton("Re&fresh")
        add_shortcut(self.refresh_button, "F5", "List the booking titles to mend again")
        self.message = QLabel("")
        self.message.setObjectName("screenMessage")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("New titl&e", self.title_field)
        form.addRow("", self.title_message)
        form.addRow("&Add pupils", self.pupils)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(self.on_row_chosen)
        self.title_field.textChanged.connect(self.on_title_edited)
        self.save_button.clicked.connect(self.on_save_clicked)
        self.refresh_button.clicked.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        try:
            rows = self.services.bookings.titles_to_review(self.actor)
        except FairfieldsError as exc:
            self.message.setText(f"Not shown: {exc}")
            return
        self.model.set_rows(rows)
        fit_columns(self.table)
        self.save_button.setEnabled(bool(rows))
        self.message.setText(f"{len(rows)} booking title{'s name' if len(rows) != 1 else ' names'} a pupil: choose "
                             "one, give it a new title and save." if rows else
                             "No booking's title names a pupil.")
        if rows:
            self.table.selectRow(0)

    def chosen(self):  # noqa: ANN201
        index = self.table.currentIndex()
        return self.proxy.data(index, ITEM_ROLE) if index.isValid() else None

    def on_row_chosen(self, *_args) -> None:  # noqa: ANN002
        item = self.chosen()
        self.title_field.clear()
        self.title_message.clear()
        for i in range(self.pupils.count()):  # offer the pupils the title names and the booking lacks
            row = self.pupils.item(i)
            row.setSelected(item is not None and row.data(Qt.ItemDataRole.UserRole + 1) in item.named
                            and row.data(Qt.ItemDataRole.UserRole) not in item.pupil_upns)

    def on_title_edited(self, text: str) -> None:
        self.title_message.setText(title_message(self.services, self.actor, text))

    def on_save_clicked(self) -> None:
        item = self.chosen()
        if item is None:
            self.message.setText("Choose a booking first.")
            return
        upns = [self.pupils.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.pupils.count())
                if self.pupils.item(i).isSelected()]
        title, bookings, actor = self.title_field.text(), self.services.bookings, self.actor
        try:
            done = perform(self, lambda: bookings.mend_title(actor, item.booking_ref, title, add_pupils=upns),
                           doing="Saving…", verb="Not saved")
        except InvalidInput as exc:
            self.title_message.setText("\n".join(f"{p.where.capitalize()}: {p.message}" for p in exc.problems))
            return
        except FairfieldsError as exc:
            self.message.setText(f"Not saved: {exc}")
            return
        self.reload()
        pupils = f"; pupils on it: {', '.join(done.pupils)}" if done.pupils else ""
        self.message.setText(f"Booking {done.booking_ref} now reads \u201c{done.title or 'no title'}\u201d{pupils}. "
                             + self.message.text())
        self.mended.emit(done.booking_ref)
