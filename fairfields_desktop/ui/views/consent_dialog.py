"""The consent form: who receives (a professional from the register, or an organisation), which of the review
pack's sections, who gave it, from and until. Opened to record a consent, or to review one recorded in words
(its words shown above the form). The service decides every rule; its problems are shown at the fields."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import Problem
from ...services.pupils import Consent, ConsentChoices
from ..contrast import error_style

#: the service's field names → the words of the form's labels
FIELD_LABELS = {"recipient": "Shared with", "sections": "What may be shared", "given_by": "Given by",
                "given_on": "From", "until": "Until", "consent": "Consent"}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


class ConsentDialog(QDialog):
    def __init__(self, choices: ConsentChoices, today: date, parent: QWidget | None = None, *,
                 reviewing: Consent | None = None) -> None:
        super().__init__(parent)
        self.reviewing = reviewing
        self.setWindowTitle("Review a consent recorded in words" if reviewing else "Record consent to share")
        layout = QVBoxLayout(self)
        if reviewing is not None:
            to = dict(choices.professionals).get(reviewing.share_with, reviewing.recipient or reviewing.share_with)
            words = QLabel(f"<b>To be reviewed:</b> “{reviewing.what}” — to {to}, given by "
                           f"{reviewing.given_by} on {_day(reviewing.given_on)}.<br/>It shares nothing until it "
                           "names who receives it and which sections; the words stay on record.")
            words.setWordWrap(True)
            words.setObjectName("consentWords")
            layout.addWidget(words)
            self.words_label = words

        form = QFormLayout()
        self.errors: dict[str, QLabel] = {}

        # who receives
        self.to_professional = QRadioButton("A &professional on the register")
        self.to_organisation = QRadioButton("An &organisation")
        group = QButtonGroup(self)
        group.addButton(self.to_professional)
        group.addButton(self.to_organisation)
        self.professional = QComboBox()
        self.professional.setAccessibleName("Professional")
        for ident, label in choices.professionals:
            self.professional.addItem(label, ident)
        self.organisation = QLineEdit()
        self.organisation.setAccessibleName("Organisation")
        self.organisation.setPlaceholderText("the organisation's name, e.g. Leeds Autism Outreach")
        who = QGridLayout()
        who.addWidget(self.to_professional, 0, 0)
        who.addWidget(self.professional, 0, 1)
        who.addWidget(self.to_organisation, 1, 0)
        who.addWidget(self.organisation, 1, 1)
        form.addRow("Shared with", self._with_error("recipient", who))

        # what
        self.sections: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for index, (key, words) in enumerate(choices.sections):
            box = QCheckBox(words[0].upper() + words[1:])
            self.sections[key] = box
            grid.addWidget(box, index // 2, index % 2)
        form.addRow("What may be shared", self._with_error("sections", grid))

        # who gave it
        self.given_by = QComboBox()
        self.given_by.setAccessibleName("Given by")
        for kind, name, label in choices.givers:
            self.given_by.addItem(label, (kind, name))
        giver = QVBoxLayout()
        giver.addWidget(self.given_by)
        if not any(kind == "young_person" for kind, _n, _l in choices.givers):
            hint = QLabel(f"The young person may give their own consent once past compulsory school age, from "
                          f"{_day(choices.young_person_from)}.")
            hint.setWordWrap(True)
            hint.setObjectName("hint")
            giver.addWidget(hint)
        if not choices.givers:
            none = QLabel("No contact with parental responsibility is recorded: record it on the pupil's "
                          "contacts first.")
            none.setWordWrap(True)
            giver.addWidget(none)
        form.addRow("Given by", self._with_error("given_by", giver))

        # when
        self.given_on = QDateEdit(_qdate(today))
        self.given_on.setDisplayFormat("dd/MM/yyyy")
        self.given_on.setCalendarPopup(True)
        self.given_on.setAccessibleName("From")
        form.addRow("From", self._with_error("given_on", self.given_on))
        self.ends = QCheckBox("Ends on")
        self.until = QDateEdit(_qdate(today))
        self.until.setDisplayFormat("dd/MM/yyyy")
        self.until.setCalendarPopup(True)
        self.until.setAccessibleName("Until")
        self.until.setEnabled(False)
        self.ends.toggled.connect(self.until.setEnabled)
        ends = QHBoxLayout()
        ends.addWidget(self.ends)
        ends.addWidget(self.until)
        ends.addWidget(QLabel("(its last day; leave unticked: until withdrawn)"))
        ends.addStretch(1)
        form.addRow("Until", self._with_error("until", ends))
        layout.addLayout(form)

        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(error_style())
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.to_professional.toggled.connect(self._on_recipient_kind_toggled)
        self.to_professional.setChecked(True)
        if reviewing is not None:
            self._prefill(reviewing)
        self._on_recipient_kind_toggled()

    def _with_error(self, field: str, inner: Any) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        if isinstance(inner, QWidget):
            column.addWidget(inner)
        else:
            column.addLayout(inner)
        label = QLabel("")
        label.setWordWrap(True)
        label.setStyleSheet(error_style())
        label.setVisible(False)
        column.addWidget(label)
        self.errors[field] = label
        return box

    def _prefill(self, consent: Consent) -> None:
        """A consent recorded in words: its recipient and giver where the register and contacts know them."""
        index = self.professional.findData(consent.professional or consent.share_with)
        if index >= 0:
            self.professional.setCurrentIndex(index)
        else:
            self.to_organisation.setChecked(True)
            self.organisation.setText(consent.organisation or consent.share_with)
        for i in range(self.given_by.count()):
            _kind, name = self.given_by.itemData(i)
            if consent.given_by.strip().casefold().startswith(name.casefold()):
                self.given_by.setCurrentIndex(i)
        self.given_on.setDate(_qdate(consent.given_on))
        for key in consent.sections or ():
            if key in self.sections:
                self.sections[key].setChecked(True)
        if consent.until is not None:
            self.ends.setChecked(True)
            self.until.setDate(_qdate(consent.until))

    def _on_recipient_kind_toggled(self, *_args: object) -> None:
        professional = self.to_professional.isChecked()
        self.professional.setEnabled(professional)
        self.organisation.setEnabled(not professional)

    def values(self) -> dict[str, Any]:
        """What the form says, as the service's `add_consent` / `review_consent` take it."""
        kind, name = self.given_by.currentData() or ("", None)
        return {
            "professional": self.professional.currentData() if self.to_professional.isChecked() else None,
            "organisation": None if self.to_professional.isChecked() else self.organisation.text(),
            "sections": [key for key, box in self.sections.items() if box.isChecked()],
            "given_by_kind": kind, "given_by": name,
            "given_on": self.given_on.date().toPython(),
            "until": self.until.date().toPython() if self.ends.isChecked() else None,
        }

    def recipient_text(self) -> str:
        if self.to_professional.isChecked():
            return self.professional.currentText().split(" (")[0]
        return self.organisation.text().strip()

    def show_problems(self, problems: list[Problem]) -> None:
        """The service's problems beside their fields; any other in the message line."""
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)
        others = []
        for problem in problems:
            label = self.errors.get(problem.where)
            if label is None:
                others.append(f"{FIELD_LABELS.get(problem.where, problem.where)}: {problem.message}")
                continue
            label.setText((label.text() + "\n" if label.text() else "") + problem.message[0].upper()
                          + problem.message[1:])
            label.setVisible(True)
        self.message.setText("Not saved. " + " ".join(others) if others else "Not saved: see the fields marked.")
