"""The Pupils screen with qtbot: search, filter, details by role, add, edit with undo, import."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog

from fairfields_desktop.ui.models.pupils import PUPIL_ROLE, PupilFilterProxy, PupilsModel
from fairfields_desktop.ui.views.import_dialog import ImportDialog
from fairfields_desktop.ui.views.pupils_view import PupilDialog, PupilsScreen

SAMPLE = Path(__file__).parents[2] / "resources" / "sample-mis-export.csv"


@pytest.fixture
def screen_for(qtbot, sqlite_school, actor):  # noqa: ANN001, ANN201
    def make(username: str) -> PupilsScreen:
        screen = PupilsScreen(sqlite_school, actor(sqlite_school, username))
        qtbot.addWidget(screen)
        screen.show()
        return screen

    return make


def names(screen: PupilsScreen) -> list[str]:
    return [screen.proxy.data(screen.proxy.index(r, 0), PUPIL_ROLE).name for r in range(screen.proxy.rowCount())]


class TestSearchAndFilter:
    def test_searching_by_name_ignores_case_and_accents(self, screen_for, qtbot):
        screen = screen_for("mokafor")
        qtbot.keyClicks(screen.search, "CHLOE")
        assert names(screen) == ["Chloe Nowak"]
        screen.search.clear()
        qtbot.keyClicks(screen.search, "X3197001210")
        assert names(screen) == ["Dev Sharma"]
        assert screen.count_label.text() == "1 of 4 pupils"

    def test_filters_by_class_attendance_and_looked_after(self, screen_for):
        screen = screen_for("mokafor")
        screen.class_filter.setCurrentIndex(screen.class_filter.findData("Willow"))
        assert names(screen) == ["Dev Sharma"]
        screen.class_filter.setCurrentIndex(0)
        screen.attendance_filter.setChecked(True)
        assert names(screen) == ["Ben Hughes"]
        screen.attendance_filter.setChecked(False)
        screen.looked_after_filter.setChecked(True)
        assert names(screen) == ["Chloe Nowak"]

    def test_sorting_attendance_sorts_by_the_figure(self, screen_for):
        screen = screen_for("mokafor")
        screen.table.sortByColumn(PupilsModel.ATTENDANCE, Qt.SortOrder.AscendingOrder)
        assert names(screen) == ["Ben Hughes", "Dev Sharma", "Amara Osei", "Chloe Nowak"]


class TestDetailByRole:
    def test_the_senco_sees_needs_consent_and_the_team(self, screen_for):
        screen = screen_for("mokafor")
        screen.search.setText("Amara")
        screen.table.selectRow(0)
        text = screen.detail.toPlainText()
        assert "Areas of need" in text and "Consent to share" in text and "progress notes" in text
        assert "Team around the child" in text and "Rachel Green" in text

    def test_the_office_sees_contacts_but_no_needs_or_consent(self, screen_for):
        screen = screen_for("sbrown")
        screen.search.setText("Amara")
        screen.table.selectRow(0)
        text = screen.detail.toPlainText()
        assert "Abena Osei" in text
        assert "Areas of need" not in text and "progress notes" not in text
        assert "Not shown for your role" in text
        assert not screen.ehcp_filter.isVisible() and not screen.consent_button.isVisible()

    def test_a_teacher_sees_their_class_only_and_cannot_edit(self, screen_for):
        screen = screen_for("ttaylor")
        assert set(p.split()[0] for p in names(screen)) == {"Amara", "Ben", "Chloe"}
        assert not screen.add_button.isVisible() and not screen.class_filter.isEnabled()


class TestAddEditUndo:
    def test_adding_a_pupil_with_a_wrong_check_letter_is_refused_then_corrected(self, screen_for, sqlite_school,
                                                                               monkeypatch):
        screen = screen_for("mokafor")
        attempts = []

        def fake_exec(dialog: PupilDialog) -> int:
            if len(attempts) == 0:
                dialog.upn.setText("A319700122013")
                dialog.first_name.setText("Ela")
                dialog.last_name.setText("Yılmaz")
                dialog.date_of_birth.setDate(QDate(2016, 10, 4))
                dialog.year_group.setCurrentIndex(dialog.year_group.findData(5))
                dialog.class_name.setCurrentText("Willow")
            elif len(attempts) == 1:
                assert "UPN:" in dialog.message.text() and "call for T" in dialog.message.text()
                dialog.upn.setText("T319700122013")
            else:
                return QDialog.DialogCode.Rejected
            attempts.append(dialog.message.text())
            dialog.on_save_clicked()
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(PupilDialog, "exec", fake_exec)
        screen.add_button.click()
        assert len(attempts) == 2
        assert "Ela Yılmaz" in names(screen)
        assert screen.message.text() == "Ela Yılmaz added."

    def test_an_edit_is_undone_with_ctrl_z_and_redone(self, screen_for, sqlite_school, actor, qtbot):
        screen = screen_for("mokafor")
        screen.search.setText("Chloe")
        screen.table.selectRow(0)
        pupil_id = screen.current_pupil_id()
        before = sqlite_school.pupils.pupil_values(screen.actor, pupil_id)
        after = {k: v for k, v in before.items() if k != "version"} | {"last_name": "Nowak-Mills"}
        assert screen.edit_pupil(pupil_id, before, after) is None
        assert "Chloe Nowak-Mills" in names(screen)
        screen.activateWindow()
        screen.table.setFocus()  # (in the search box, Ctrl+Z undoes the typing instead)
        qtbot.waitUntil(screen.table.hasFocus, timeout=2000)
        qtbot.keyClick(screen.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert "Chloe Nowak" in names(screen)
        assert sqlite_school.pupils.get_pupil(screen.actor, pupil_id).summary.last_name == "Nowak"
        screen.undo_stack.redo()
        assert sqlite_school.pupils.get_pupil(screen.actor, pupil_id).summary.last_name == "Nowak-Mills"

    def test_marking_as_left_is_undoable(self, screen_for, sqlite_school):
        screen = screen_for("sbrown")
        screen.search.setText("Dev")
        screen.table.selectRow(0)
        pupil_id = screen.current_pupil_id()
        summary = screen.model.pupil(screen.model.row_of(pupil_id))
        screen.mark_left(pupil_id, sqlite_school.clock.today(), None, summary.version)
        assert "Dev Sharma" not in [p.name for p in sqlite_school.pupils.list_pupils(screen.actor)]
        screen.undo_stack.undo()
        assert "Dev Sharma" in [p.name for p in sqlite_school.pupils.list_pupils(screen.actor)]


class TestImport:
    def test_the_import_previews_then_imports_in_the_background(self, qtbot, sqlite_school, actor):
        dialog = ImportDialog(sqlite_school, actor(sqlite_school, "sbrown"))
        qtbot.addWidget(dialog)
        dialog.as_of.setDate(QDate(2026, 11, 27))
        dialog.load_file(str(SAMPLE))
        assert dialog.summary.text().startswith("1 to add, 4 to update, 0 unchanged, 0 refused")
        rows = [dialog.model.row(i) for i in range(dialog.model.rowCount())]
        assert [r.action for r in rows] == ["update"] * 4 + ["add"]
        assert len(sqlite_school.pupils.list_pupils(dialog.actor)) == 4  # nothing written yet
        with qtbot.waitSignal(dialog.imported, timeout=10_000):
            dialog.import_button.click()
        assert len(sqlite_school.pupils.list_pupils(dialog.actor)) == 5
        assert dialog.summary.text().startswith("Imported: 1 added, 4 updated")

    def test_a_refused_row_disables_import(self, qtbot, sqlite_school, actor, tmp_path):
        bad = tmp_path / "bad.csv"
        bad.write_text("UPN,Surname,Forename,DOB,Class\nZ319700118114,Osei,Amara,11/03/2014,Elm\n", encoding="utf-8")
        dialog = ImportDialog(sqlite_school, actor(sqlite_school, "sbrown"))
        qtbot.addWidget(dialog)
        dialog.load_file(str(bad))
        assert "1 refused" in dialog.summary.text() and not dialog.import_button.isEnabled()
        [row] = [dialog.model.row(i) for i in range(dialog.model.rowCount())]
        assert row.action == "refused" and "Elm" in row.detail


class TestModels:
    def test_the_pupils_model_and_proxy_pass_qt_model_tester(self, qtmodeltester, sqlite_school, actor):
        model = PupilsModel()
        model.set_pupils(sqlite_school.pupils.list_pupils(actor(sqlite_school, "mokafor")))
        qtmodeltester.check(model)
        proxy = PupilFilterProxy()
        proxy.setSourceModel(model)
        proxy.set_search("o")
        qtmodeltester.check(proxy)


def _dialog_text(dialog: QDialog) -> str:
    """Every word the dialog shows: labels, group titles, check boxes, fields' contents and names, tooltips."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QGroupBox,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QTableView,
        QWidget,
    )

    words = []
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
            words.append(widget.text())
        if isinstance(widget, QLineEdit):
            words.append(widget.placeholderText())
        if isinstance(widget, QPlainTextEdit):
            words.append(widget.toPlainText())
        if isinstance(widget, QTableView):  # the contacts' rows
            model = widget.model()
            words += [str(model.index(r, c).data() or "") for r in range(model.rowCount())
                      for c in range(model.columnCount())]
        if isinstance(widget, QGroupBox):
            words.append(widget.title())
        words += [widget.toolTip(), widget.accessibleName()]
    return "\n".join(w for w in words if w)


class TestTheEditPupilDialogByRole:
    """The Edit-pupil dialog is built from the service's edit view: the office's has no plan or areas of need
    (no widget, no word), the SENCO's has both, filled in."""

    def open_edit(self, screen: PupilsScreen, who: str, monkeypatch) -> PupilDialog:  # noqa: ANN001
        opened: list[PupilDialog] = []

        def fake_exec(dialog: PupilDialog) -> int:
            dialog.show()
            opened.append(dialog)
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(PupilDialog, "exec", fake_exec)
        screen.search.setText(who)
        screen.table.selectRow(0)
        screen.edit_button.click()
        [dialog] = opened
        return dialog

    def test_the_office_s_form_has_no_areas_of_need_and_no_plan(self, screen_for, monkeypatch):
        dialog = self.open_edit(screen_for("sbrown"), "Amara", monkeypatch)
        text = _dialog_text(dialog)
        assert "Abena Osei" in text and dialog.first_name.text() == "Amara"
        for word in ("Areas of need", "Communication and interaction", "Sensory", "EHCP", "Issued",
                     "Last review", "Personal budget", "PB-3190-0412", "3600"):
            assert word not in text, word
        assert dialog.ehcp_box is None and dialog.areas == {}

    def test_the_senco_s_form_has_the_areas_of_need_and_the_plan(self, screen_for, monkeypatch):
        dialog = self.open_edit(screen_for("mokafor"), "Amara", monkeypatch)
        text = _dialog_text(dialog)
        assert "Areas of need" in text and "EHCP" in text and "PB-3190-0412" in text
        assert dialog.areas["communication_and_interaction"].isChecked() and dialog.ehcp_box.isChecked()

    def test_an_office_save_from_the_form_keeps_the_plan(self, screen_for, monkeypatch, sqlite_school, actor):
        screen = screen_for("sbrown")
        dialog = self.open_edit(screen, "Amara", monkeypatch)
        pupil_id = screen.current_pupil_id()
        dialog.last_name.setText("Osei-Mensah")
        values = dialog.values()
        assert "ehcp" not in values and "areas_of_need" not in values
        before = sqlite_school.pupils.pupil_values(screen.actor, pupil_id)
        assert screen.edit_pupil(pupil_id, before, values) is None
        senco = sqlite_school.pupils.edit_view(actor(sqlite_school, "mokafor"), pupil_id).values
        assert senco["last_name"] == "Osei-Mensah"
        assert senco["ehcp"]["personal_budget"]["reference"] == "PB-3190-0412"
        assert senco["areas_of_need"] == ["communication_and_interaction", "sensory_and_physical"]
