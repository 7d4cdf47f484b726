"""Export bookings as an iCalendar file: a space's, a class's or a professional's, for a period."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
)

from ...domain.errors import FairfieldsError
from ...domain.permissions import allowed


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class CalendarExportDialog(QDialog):
    def __init__(self, services, actor, mode: str, space: str, class_name: str, day: date,  # noqa: ANN001
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services, self.actor = services, actor
        self.setWindowTitle("Export calendar")
        self.subject = QComboBox()
        self.subject.setAccessibleName("Whose bookings")
        if allowed(actor.roles, "pupils.all_classes"):
            for s in services.bookings.spaces(actor):
                self.subject.addItem(f"Space: {s.name}", ("space", s.name))
            for c in services.pupils.class_names():
                self.subject.addItem(f"Class: {c}", ("class_name", c))
            for p in services.professionals.list_professionals(actor):
                self.subject.addItem(f"Professional: {p.name}", ("professional", p.ext_id))
        elif actor.class_name:  # a class teacher exports their own class's calendar only (the service says so)
            self.subject.addItem(f"Class: {actor.class_name}", ("class_name", actor.class_name))
        wanted = f"Class: {class_name}" if mode == "class" else f"Space: {space}"
        self.subject.setCurrentIndex(max(self.subject.findText(wanted), 0))
        until = services.bookings.default_until(day) or day + timedelta(weeks=12)
        self.first = QDateEdit(_qdate(day))
        self.last = QDateEdit(_qdate(until))
        for edit in (self.first, self.last):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
        self.full_names = QCheckBox("Include the full names of the pupils you may see (otherwise initials only)")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("&Bookings of", self.subject)
        form.addRow("&From", self.first)
        form.addRow("&To", self.last)
        form.addRow("", self.full_names)
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.on_save_clicked)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.saved_to: str | None = None
        self.events = 0

    def export(self) -> bytes:
        key, value = self.subject.currentData()
        return self.services.bookings.export_ics(self.actor, self.first.date().toPython(),
                                                 self.last.date().toPython(), full_names=self.full_names.isChecked(),
                                                 **{key: value})

    def on_save_clicked(self, path: str | None = None) -> None:
        if path is None:
            name = self.subject.currentText().split(": ", 1)[-1].replace(" ", "-").lower()
            path, _ = QFileDialog.getSaveFileName(self, "Save the calendar", f"fairfields-{name}.ics",
                                                  "iCalendar (*.ics)")
            if not path:
                return
        try:
            data = self.export()
        except FairfieldsError as exc:
            self.message.setText(f"Not exported: {exc}")
            return
        Path(path).write_bytes(data)
        self.saved_to, self.events = path, data.count(b"BEGIN:VEVENT")
        self.accept()
