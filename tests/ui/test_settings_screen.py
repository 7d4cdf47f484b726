"""The Settings screen: an admin edits the school's settings and terms; others only see them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from fairfields_desktop.ui.models.terms import ClosuresModel, TermsModel
from fairfields_desktop.ui.views.settings_view import SettingsScreen


@pytest.fixture
def screen_for(qtbot, sqlite_school, actor):  # noqa: ANN001, ANN201
    def make(username: str) -> SettingsScreen:
        screen = SettingsScreen(sqlite_school, actor(sqlite_school, username))
        qtbot.addWidget(screen)
        screen.show()
        return screen

    return make


class TestSchoolSettings:
    def test_the_database_in_use_is_shown(self, screen_for):
        screen = screen_for("admin")
        assert screen.database_label.text().startswith("SQLite file ")

    def test_an_admin_changes_the_school_name_and_threshold(self, screen_for, sqlite_school, qtbot):
        screen = screen_for("admin")
        screen.school_name.clear()
        qtbot.keyClicks(screen.school_name, "Fairfields Special School")
        screen.threshold.setValue(93.0)
        with qtbot.waitSignal(screen.settings_saved, timeout=2000):
            qtbot.mouseClick(screen.save_settings_button, Qt.MouseButton.LeftButton)
        assert screen.settings_message.text() == "Settings saved. Ctrl+Z undoes it."
        saved = sqlite_school.school.settings()
        assert (saved.school_name, saved.attendance_threshold_percent) == ("Fairfields Special School", 93.0)

    def test_a_day_that_ends_before_it_starts_is_refused_naming_the_field(self, screen_for, sqlite_school, qtbot):
        screen = screen_for("admin")
        screen.day_end.setTime(screen.day_start.time().addSecs(-3600))
        qtbot.mouseClick(screen.save_settings_button, Qt.MouseButton.LeftButton)
        assert "School day ends" in screen.settings_message.text()
        assert sqlite_school.school.settings_values()["school_day"]["end"] == "15:10"

    def test_a_teacher_sees_the_settings_but_cannot_change_them(self, screen_for):
        screen = screen_for("ttaylor")
        assert screen.school_name.text() == "Fairfields School"
        assert not screen.school_name.isEnabled() and not screen.save_settings_button.isEnabled()
        assert not screen.add_term_button.isEnabled()
        assert not (screen.terms_model.flags(screen.terms_model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable)


class TestTerms:
    def test_an_admin_adds_a_closure_and_saves(self, screen_for, sqlite_school):
        screen = screen_for("admin")
        screen.terms_view.selectRow(1)  # Spring 2027
        screen.on_add_closure_clicked()
        model = screen.closures_model
        row = model.rowCount() - 1
        for column, value in ((ClosuresModel.FROM, "2027-01-05"), (ClosuresModel.TO, "2027-01-05"),
                              (ClosuresModel.WHY, "INSET day")):
            assert model.setData(model.index(row, column), value)
        assert screen.terms_model.data(screen.terms_model.index(1, TermsModel.CLOSURES)) == 2
        screen.on_save_terms_clicked()
        assert screen.terms_message.text() == "Terms saved."
        assert sqlite_school.school.calendar().why_not_school_day(__import__("datetime").date(2027, 1, 5)) == "INSET day"

    def test_a_bad_date_is_named_by_term_and_field_and_nothing_is_saved(self, screen_for, sqlite_school):
        screen = screen_for("admin")
        model = screen.terms_model
        model.setData(model.index(0, TermsModel.LAST_DAY), "18/12/2026")
        screen.on_save_terms_clicked()
        assert screen.terms_message.text().startswith("Not saved. Autumn 2026, last day: ")
        assert sqlite_school.school.terms_values()[0]["last_day"] == "2026-12-18"

    def test_undo_changes_puts_back_the_saved_terms(self, screen_for):
        screen = screen_for("admin")
        screen.on_add_term_clicked()
        assert screen.terms_model.rowCount() == 4
        screen.revert_terms_button.click()
        assert screen.terms_model.rowCount() == 3


class TestModels:
    def test_the_terms_models_pass_qt_model_tester(self, qtmodeltester, sqlite_school):
        terms = TermsModel(sqlite_school.school.terms_values(), editable=True)
        qtmodeltester.check(terms)
        closures = ClosuresModel(terms)
        closures.show_term(0)
        qtmodeltester.check(closures)

    def test_dates_show_in_words_and_edit_as_iso(self, sqlite_school):
        terms = TermsModel(sqlite_school.school.terms_values())
        index = terms.index(0, TermsModel.FIRST_DAY)
        assert terms.data(index) == "Thu 03 Sep 2026"
        assert terms.data(index, Qt.ItemDataRole.EditRole) == "2026-09-03"


class TestLetterheadSettings:
    def test_an_admin_types_the_address_and_telephone_for_the_letters(self, screen_for, sqlite_school, qtbot):
        screen = screen_for("admin")
        screen.address.setPlainText("Fairfields Lane\nLeeds LS6 2AB")
        qtbot.keyClicks(screen.telephone, "0113 496 0000")
        with qtbot.waitSignal(screen.settings_saved, timeout=2000):
            qtbot.mouseClick(screen.save_settings_button, Qt.MouseButton.LeftButton)
        saved = sqlite_school.school.settings()
        assert saved.address_lines == ("Fairfields Lane", "Leeds LS6 2AB") and saved.telephone == "0113 496 0000"

    def test_a_telephone_that_is_not_one_is_refused_in_words(self, screen_for, sqlite_school, qtbot):
        screen = screen_for("admin")
        qtbot.keyClicks(screen.telephone, "ask at reception")
        qtbot.mouseClick(screen.save_settings_button, Qt.MouseButton.LeftButton)
        assert "Telephone" in screen.settings_message.text() and "not a telephone number" in \
            screen.settings_message.text()
        assert sqlite_school.school.settings().telephone is None
