"""Forms in the school's words: ids the app makes, lists in words, contacts as a table, dialogs that keep
their size; the day view's spaces arranged per user."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit, QPushButton, QTableView

from fairfields_desktop.domain.errors import Problem
from fairfields_desktop.ui.forms import FormDialog
from fairfields_desktop.ui.models.contacts import NAME, PARENTAL_RESPONSIBILITY, PHONE, RELATIONSHIP
from fairfields_desktop.ui.views.people_view import SpacesTab, StaffTab
from fairfields_desktop.ui.views.professionals_view import ProfessionalDialog, ProfessionalsScreen
from fairfields_desktop.ui.views.pupils_view import PupilDialog, PupilsScreen
from fairfields_desktop.ui.views.space_choice import ChooseSpacesDialog
from fairfields_desktop.ui.views.timetable_view import TimetableScreen

RAW = re.compile(r"^[a-z]+(_[a-z]+)+$")  # a stored code (speech_and_language_therapy, therapy_room)
LONG = ("Name: the name is required. Discipline: choose the discipline from the list, or type another in "
        "words. Email: abena at example is not an email address. Registration number: give the number on the "
        "register. DBS certificate: record the DBS certificate number of the school's check.")


def shown_texts(widget) -> list[str]:  # noqa: ANN001
    """Every combo item and table cell a person can see in ``widget`` (and in the widget itself)."""
    texts: list[str] = []
    for combo in [widget] * isinstance(widget, QComboBox) + widget.findChildren(QComboBox):
        texts += [combo.itemText(i) for i in range(combo.count())] + [combo.currentText()]
    for table in [widget] * isinstance(widget, QTableView) + widget.findChildren(QTableView):
        model = table.model()
        texts += [str(model.index(r, c).data() or "") for r in range(model.rowCount())
                  for c in range(model.columnCount())]
    return texts


def raw_codes(widget) -> list[str]:  # noqa: ANN001
    return [t for t in shown_texts(widget) if RAW.match(t)]


def answer(monkeypatch, cls, fill) -> list[QDialog]:  # noqa: ANN001
    """Stand in for the person: the first time ``cls`` is shown, ``fill`` it and press Save."""
    seen: list[QDialog] = []

    def fake_exec(dialog) -> int:  # noqa: ANN001
        seen.append(dialog)
        if len(seen) > 1:
            return QDialog.DialogCode.Rejected
        fill(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(cls, "exec", fake_exec)
    return seen


def shoot(widget, name: str) -> None:  # noqa: ANN001
    folder = os.environ.get("FAIRFIELDS_SCREENSHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / f"{name}.png"))


@pytest.fixture
def professionals(qtbot, sqlite_school, actor):  # noqa: ANN001, ANN201
    screen = ProfessionalsScreen(sqlite_school, actor(sqlite_school, "sbrown"))
    qtbot.addWidget(screen)
    screen.show()
    return screen


class TestIdsTheAppMakes:
    def test_two_professionals_added_without_an_id_get_different_ids_made_by_the_app(self, professionals,
                                                                                         monkeypatch):
        made = []
        for name in ("Nina Patel", "Nina Patel"):  # the same name twice: still two ids
            def fill(dialog: ProfessionalDialog, name: str = name) -> None:
                assert not [w for w in dialog.findChildren(QLineEdit) if "id" in w.accessibleName().lower().split()]
                dialog.name.setText(name)
                dialog.kind.setCurrentIndex(dialog.kind.findData("independent"))
                dialog.discipline.setCurrentIndex(dialog.discipline.findText("Speech and language therapy"))

            answer(monkeypatch, ProfessionalDialog, fill)
            professionals.add_button.click()
            assert professionals.message.text() == f"{name} added."
            made.append(professionals.services.professionals.get(professionals.actor,
                                                                  professionals.current_professional_id()))
        first, second = made
        assert first.ext_id != second.ext_id
        for p in made:
            assert re.fullmatch(r"ind-slt-\d{3}", p.ext_id), p.ext_id
            assert p.discipline == "speech_and_language_therapy"  # stored as the code, shown in words

    def test_a_discipline_typed_in_words_is_kept_and_shown_in_words(self, professionals, monkeypatch):
        def fill(dialog: ProfessionalDialog) -> None:
            dialog.name.setText("Jo Reed")
            dialog.discipline.setCurrentText("Drama therapy")

        answer(monkeypatch, ProfessionalDialog, fill)
        professionals.add_button.click()
        saved = professionals.services.professionals.get(professionals.actor, professionals.current_professional_id())
        assert (saved.discipline, saved.discipline_label) == ("drama_therapy", "Drama therapy")
        assert re.fullmatch(r"st-dt-\d{3}", saved.ext_id)

    def test_a_member_of_staff_added_without_an_id_gets_one(self, qtbot, sqlite_school, actor, monkeypatch):
        admin = actor(sqlite_school, "admin")
        tab = StaffTab(sqlite_school, admin)
        qtbot.addWidget(tab)

        def fill(dialog: FormDialog) -> None:
            assert set(dialog.fields) == {"name", "role", "class"}  # no "Short id"
            dialog.fields["name"].setText("Priya Shah")
            dialog.fields["role"].setText("Teaching assistant")

        answer(monkeypatch, FormDialog, fill)
        tab.edit(None)
        assert tab.message.text() == "Priya Shah saved."
        [priya] = [s for s in sqlite_school.people.list_staff(admin) if s.name == "Priya Shah"]
        assert re.fullmatch(r"s-\d{3}", priya.ext_id)
        others = [s.ext_id for s in sqlite_school.people.list_staff(admin) if s.name != "Priya Shah"]
        assert priya.ext_id not in others

        # editing keeps the id (the form never shows it)
        answer(monkeypatch, FormDialog, lambda d: d.fields["role"].setText("Higher level teaching assistant"))
        tab.edit(priya)
        [now] = [s for s in sqlite_school.people.list_staff(admin) if s.name == "Priya Shah"]
        assert (now.ext_id, now.role) == (priya.ext_id, "Higher level teaching assistant")


class TestListsInWords:
    def test_the_professional_form_and_register_show_no_stored_codes(self, professionals, monkeypatch):
        assert raw_codes(professionals) == []
        professionals.table.selectRow(0)
        opened: list[ProfessionalDialog] = []

        def look(dialog: ProfessionalDialog) -> int:
            opened.append(dialog)
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(ProfessionalDialog, "exec", look)
        for row in range(professionals.proxy.rowCount()):  # every professional's form
            professionals.table.selectRow(row)
            professionals.edit_button.click()
        assert len(opened) == professionals.proxy.rowCount() >= 5
        for dialog in opened:
            assert raw_codes(dialog) == [], dialog.name.text()
            assert dialog.discipline.currentText()[:1].isupper()
        assert "Speech and language therapy" in shown_texts(opened[0].discipline)

    def test_the_spaces_table_and_form_show_kinds_in_words(self, qtbot, sqlite_school, actor, monkeypatch):
        admin = actor(sqlite_school, "admin")
        tab = SpacesTab(sqlite_school, admin)
        qtbot.addWidget(tab)
        assert raw_codes(tab) == []
        assert "Therapy room" in shown_texts(tab.table)
        seen: list[list[str]] = []

        def change_kind(dialog: FormDialog) -> None:
            kind = dialog.fields["kind"]
            seen.append(shown_texts(kind))
            assert kind.currentText() == "Therapy room"
            kind.setCurrentIndex(kind.findText("Sensory room"))

        answer(monkeypatch, FormDialog, change_kind)
        room = next(s for s in sqlite_school.people.list_spaces(admin) if s.name == "Therapy Room 1")
        tab.edit(room)
        assert [t for t in seen[0] if RAW.match(t)] == []
        now = next(s for s in sqlite_school.people.list_spaces(admin) if s.name == "Therapy Room 1")
        assert now.kind == "sensory_room"  # stored as the code


@pytest.fixture
def pupils(qtbot, sqlite_school, actor):  # noqa: ANN001, ANN201
    screen = PupilsScreen(sqlite_school, actor(sqlite_school, "sbrown"))
    qtbot.addWidget(screen)
    screen.show()
    return screen


class TestContactsTable:
    def test_add_tick_and_remove_contacts_round_trip_through_the_service(self, pupils, monkeypatch):
        pupils.search.setText("Amara")
        pupils.table.selectRow(0)
        pupil_id = pupils.current_pupil_id()
        before = pupils.services.pupils.pupil_values(pupils.actor, pupil_id)["contacts"]
        assert [c["name"] for c in before][:1] == ["Abena Osei"]

        def edit(dialog: PupilDialog) -> None:
            model = dialog.contacts_model
            assert model.index(0, NAME).data() == "Abena Osei"
            dialog.add_contact_button.click()
            row = model.rowCount() - 1
            for column, value in ((NAME, "Kwame Osei"), (RELATIONSHIP, "father"), (PHONE, "07700 900555")):
                model.setData(model.index(row, column), value)
            model.setData(model.index(row, PARENTAL_RESPONSIBILITY), Qt.CheckState.Checked,
                          Qt.ItemDataRole.CheckStateRole)
            dialog.contacts.setCurrentIndex(model.index(0, NAME))
            dialog.remove_contact_button.click()  # Abena Osei goes
            dialog.on_save_clicked()

        answer(monkeypatch, PupilDialog, edit)
        pupils.edit_button.click()
        after = pupils.services.pupils.pupil_values(pupils.actor, pupil_id)["contacts"]
        names = [c["name"] for c in after]
        assert "Abena Osei" not in names and "Kwame Osei" in names
        kwame = next(c for c in after if c["name"] == "Kwame Osei")
        assert (kwame["relationship"], kwame["parental_responsibility"], kwame["phone"], kwame["email"]) == \
            ("father", True, "07700 900555", None)
        assert len(after) == len(before)

        # and the form shows them back as rows, the tick ticked
        shown: list[PupilDialog] = []
        monkeypatch.setattr(PupilDialog, "exec", lambda d: shown.append(d) or QDialog.DialogCode.Rejected)
        pupils.edit_button.click()
        model = shown[0].contacts_model
        row = next(r for r in range(model.rowCount()) if model.index(r, NAME).data() == "Kwame Osei")
        assert model.index(row, PARENTAL_RESPONSIBILITY).data(Qt.ItemDataRole.CheckStateRole) == \
            Qt.CheckState.Checked.value


class TestDialogsKeepTheirSize:
    @pytest.mark.parametrize("which", ["staff", "professional", "pupil"])
    def test_a_long_problem_text_moves_nothing(self, which, qtbot, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        if which == "staff":
            dialog = FormDialog("Member of staff", [("name", "&Name", QLineEdit()), ("role", "&Role", QLineEdit())])
        elif which == "professional":
            dialog = ProfessionalDialog(sqlite_school, office)
        else:
            dialog = PupilDialog(sqlite_school, office, sqlite_school.pupils.class_names())
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        QApplication.processEvents()
        geometry = dialog.geometry()
        buttons = [b.mapTo(dialog, b.rect().topLeft()) for b in dialog.findChildren(QPushButton)]
        dialog.show_problems([Problem("name", LONG), Problem("email", LONG)])
        if which == "professional":  # its live status line changes too
            dialog.has_insurance.setChecked(True)
        QApplication.processEvents()
        assert dialog.message.text().startswith("Not saved.")
        assert dialog.geometry() == geometry, which
        assert [b.mapTo(dialog, b.rect().topLeft()) for b in dialog.findChildren(QPushButton)] == buttons


class TestTheDayViewArrangedPerUser:
    def make(self, qtbot, services, actor, username: str = "sbrown") -> TimetableScreen:  # noqa: ANN001
        screen = TimetableScreen(services, actor(services, username))
        qtbot.addWidget(screen)
        screen.resize(1280, 820)
        screen.set_day(date(2026, 11, 25))
        return screen

    @staticmethod
    def titles(screen: TimetableScreen) -> list[str]:
        return [c.title for c in screen.canvas.columns()]

    def test_the_school_s_order_puts_the_therapy_room_first(self, qtbot, sqlite_school, actor):
        screen = self.make(qtbot, sqlite_school, actor)
        assert self.titles(screen) == ["Therapy Room 1", "Sensory Room", "Hydrotherapy Pool", "Meeting Room"]
        assert [c.subtitle for c in screen.canvas.columns()][0] == "Therapy room"

    def test_a_chosen_selection_is_kept_for_that_user_in_a_new_window(self, qtbot, sqlite_school, actor,
                                                                     monkeypatch):
        screen = self.make(qtbot, sqlite_school, actor)

        def choose(dialog: ChooseSpacesDialog) -> None:
            dialog.set_checked("Sensory Room", False)
            dialog.list.setCurrentRow(3)  # Meeting Room to the top
            for _ in range(3):
                dialog.move(-1)

        answer(monkeypatch, ChooseSpacesDialog, choose)
        screen.choose_button.click()
        assert self.titles(screen) == ["Meeting Room", "Therapy Room 1", "Hydrotherapy Pool"]
        again = self.make(qtbot, sqlite_school, actor)  # a new window for the same person
        assert again.order_combo.currentData() == "chosen"
        assert self.titles(again) == ["Meeting Room", "Therapy Room 1", "Hydrotherapy Pool"]
        other = self.make(qtbot, sqlite_school, actor, "admin")  # someone else keeps the school's order
        assert self.titles(other)[0] == "Therapy Room 1" and len(self.titles(other)) == 4

    def test_the_most_booked_first_is_kept_too(self, qtbot, sqlite_school, actor):
        screen = self.make(qtbot, sqlite_school, actor)
        screen.order_combo.setCurrentIndex(screen.order_combo.findData("busiest"))
        titles = self.titles(screen)
        assert titles[-1] == "Meeting Room"  # nothing booked there in those weeks
        assert self.titles(self.make(qtbot, sqlite_school, actor)) == titles


class TestAtASchoolLaptopsSize:
    """The professional form and the pupil form's contacts table at 1366×768, at normal and at 150 % text."""

    @pytest.mark.parametrize("scale", [1.0, 1.5])
    def test_the_forms_fit_and_are_shot(self, scale, qtbot, qapp, sqlite_school, actor):
        from PySide6.QtGui import QFont

        from fairfields_desktop.ui.launch import load_style

        old, old_sheet = qapp.font(), qapp.styleSheet()
        big = QFont(old)
        big.setPointSizeF(old.pointSizeF() * scale)
        qapp.setFont(big)
        load_style(qapp)  # as the app does at start
        try:
            office, senco = actor(sqlite_school, "sbrown"), actor(sqlite_school, "mokafor")
            pro = ProfessionalDialog(sqlite_school, office, sqlite_school.professionals.values(
                office, sqlite_school.professionals.list_professionals(office)[0].id))
            amara = next(p for p in sqlite_school.pupils.list_pupils(senco) if p.first_name == "Amara")
            view = sqlite_school.pupils.edit_view(senco, amara.id)
            pupil = PupilDialog(sqlite_school, senco, sqlite_school.pupils.class_names(), view.values,
                                edits_needs=view.edits_needs)
            pupil.contacts_model.add_contact()
            for dialog, name in ((pro, "professional-form"), (pupil, "pupil-form-contacts")):
                qtbot.addWidget(dialog)
                dialog.show()
                qtbot.waitExposed(dialog)
                QApplication.processEvents()
                size = dialog.size()
                assert size.width() <= 1366 and size.height() <= 768 - 40, (name, scale, size)  # the taskbar
                shoot(dialog, f"{name}-{int(scale * 100)}")
            header = pupil.contacts.horizontalHeader()
            assert header.sectionSize(PARENTAL_RESPONSIBILITY) >= header.fontMetrics().horizontalAdvance(
                "Parental responsibility")  # the tick's heading is read whole
        finally:
            qapp.setStyleSheet(old_sheet)
            qapp.setFont(old)
