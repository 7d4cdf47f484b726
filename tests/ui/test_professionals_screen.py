"""The Professionals screen with qtbot: kinds shown distinctly, editing a check, visitors in and out."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QDialog

from fairfields_desktop.ui.models.base import ITEM_ROLE
from fairfields_desktop.ui.models.professionals import ProfessionalsModel
from fairfields_desktop.ui.views.professionals_view import (
    ProfessionalDialog,
    ProfessionalsScreen,
    SignInVisitorDialog,
)


@pytest.fixture
def screen(qtbot, sqlite_school, actor):  # noqa: ANN001, ANN201
    widget = ProfessionalsScreen(sqlite_school, actor(sqlite_school, "sbrown"))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def row_of(screen, ext_id: str) -> int:  # noqa: ANN001
    for row in range(screen.proxy.rowCount()):
        if screen.proxy.data(screen.proxy.index(row, 0), ITEM_ROLE).ext_id == ext_id:
            return row
    raise AssertionError(ext_id)


class TestRegister:
    def test_kinds_and_check_states_are_shown_in_words(self, screen):
        cell = lambda ext, col: screen.proxy.index(row_of(screen, ext), col).data()  # noqa: E731
        assert cell("ind-physio-1", ProfessionalsModel.KIND) == "Independent"
        assert cell("music-1", ProfessionalsModel.KIND) == "School-commissioned"
        assert cell("ind-physio-1", ProfessionalsModel.CHECKS).startswith("Warning: DBS school check 2 Oct 2023")
        assert cell("nhs-slt-1", ProfessionalsModel.CHECKS) == "Valid"

    def test_filter_by_kind_and_by_warnings(self, screen):
        screen.kind_filter.setCurrentIndex(screen.kind_filter.findData("independent"))
        assert screen.proxy.rowCount() == 2
        screen.kind_filter.setCurrentIndex(0)
        screen.level_filter.setCurrentIndex(screen.level_filter.findData("warning"))
        assert {screen.proxy.data(screen.proxy.index(r, 0), ITEM_ROLE).ext_id
                for r in range(screen.proxy.rowCount())} == {"nhs-physio-1", "ind-physio-1"}

    def test_editing_a_register_check_clears_the_warning_and_ctrl_z_restores_it(self, screen, monkeypatch, qtbot):
        screen.table.selectRow(row_of(screen, "nhs-physio-1"))

        def fake_exec(dialog: ProfessionalDialog) -> int:
            assert "register last checked 1 Jun 2025" in dialog.status.text()
            dialog.reg_checked.setDate(QDate(2026, 11, 23))
            assert dialog.status.text().startswith("<b>Valid</b>")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(ProfessionalDialog, "exec", fake_exec)
        screen.edit_button.click()
        assert screen.proxy.index(row_of(screen, "nhs-physio-1"), ProfessionalsModel.CHECKS).data() == "Valid"
        qtbot.keyClick(screen.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert screen.proxy.index(row_of(screen, "nhs-physio-1"), ProfessionalsModel.CHECKS).data().startswith(
            "Warning: HCPC register last checked 1 Jun 2025")


class TestVisitors:
    def test_sign_a_visitor_in_and_out(self, screen, monkeypatch):
        def fake_exec(dialog: SignInVisitorDialog) -> int:
            dialog.professional.setCurrentIndex(dialog.professional.findText("Rachel Green", Qt.MatchFlag.MatchStartsWith))
            dialog.identity.setChecked(True)
            dialog.purpose.setCurrentText("therapy")
            dialog.space.setCurrentIndex(dialog.space.findData("Therapy Room 1"))
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(SignInVisitorDialog, "exec", fake_exec)
        screen.sign_in_button.click()
        assert screen.visits_model.rowCount() == 1 and screen.on_site_label.text() == "1 visitor(s) on site"
        assert screen.visits_model.index(0, 0).data() == "Rachel Green"
        screen.visits_table.selectRow(0)
        screen.sign_out_button.click()
        assert screen.visits_model.rowCount() == 0
        assert screen.log_model.rowCount() == 1

    def test_the_on_site_list_prints_to_pdf_with_every_visitor(self, screen, sqlite_school, tmp_path):
        rachel = next(p for p in sqlite_school.professionals.list_professionals(screen.actor) if p.ext_id == "nhs-slt-1")
        sqlite_school.professionals.sign_in_visitor(screen.actor, rachel.id, identity_checked=True, purpose="meeting",
                                                    location="Reception")
        screen.reload_visits()
        path = screen.save_on_site_pdf(str(tmp_path / "on-site.pdf"))
        text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout
        assert "Fire list" in text and "Rachel Green" in text and "Reception" in text


class TestPupilsOffSite:
    """r-003: Dev Sharma with Peter Quinn off site, Fridays 13:30–15:00 from 8 Jan 2027."""

    @staticmethod
    def at(sqlite_school, monkeypatch, when) -> None:  # noqa: ANN001
        monkeypatch.setattr(sqlite_school.clock, "today", lambda: when.date())
        monkeypatch.setattr(sqlite_school.clock, "now", lambda: when)

    @pytest.fixture
    def approved(self, sqlite_school, actor, monkeypatch):  # noqa: ANN001, ANN201
        from PySide6.QtWidgets import QInputDialog

        sqlite_school.requests.decide(actor(sqlite_school, "hcarter"), "r-003", "approve")
        monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (a[3][0], True))
        return sqlite_school

    def test_a_pupil_out_for_therapy_is_listed_beside_the_visitors_until_back(self, screen, approved, monkeypatch,
                                                                              tmp_path):
        import os
        from datetime import datetime

        from PySide6.QtWidgets import QInputDialog

        from fairfields_desktop.ui.views.professionals_view import OffSiteReturnDialog

        self.at(approved, monkeypatch, datetime(2027, 1, 8, 13, 15))
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Anjali Sharma (mother)", True))
        screen.out_button.click()
        assert screen.off_site_model.rowCount() == 1
        assert screen.off_site_model.index(0, 0).data() == "Dev Sharma"
        assert screen.off_site_model.index(0, 3).data() == "Anjali Sharma (mother)"
        screen.off_site_table.selectRow(0)
        self.at(approved, monkeypatch, datetime(2027, 1, 8, 14, 50))
        seen = {}

        def fake_exec(dialog: OffSiteReturnDialog) -> int:
            offered = [dialog.mark.itemData(i) for i in range(dialog.mark.count())]
            seen["offered"] = offered
            # registered at the afternoon registration, back within the session: the register mark stands
            seen["first"] = (dialog.mark.currentData(), dialog.why.text(), dialog.registered.isChecked())
            dialog.show()
            if os.environ.get("FAIRFIELDS_SCREENSHOTS"):
                dialog.grab().save(os.path.join(os.environ["FAIRFIELDS_SCREENSHOTS"], "off-site-return.png"))
            dialog.registered.setChecked(False)  # not registered: the afternoon is missed for the appointment
            seen["unregistered"] = dialog.mark.currentData()
            dialog.registered.setChecked(True)
            dialog.back.setTime(QTime(15, 40))  # after the end of the school day: still the register mark
            seen["later"] = dialog.mark.currentData()
            dialog.back.setTime(QTime(14, 50))
            dialog.mark.setCurrentIndex(dialog.mark.findData("M"))  # the attendance lead decides
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(OffSiteReturnDialog, "exec", fake_exec)
        screen.back_button.click()
        assert "M" in seen["offered"] and "B" in seen["offered"] and "P" not in seen["offered"]
        code, why, registered = seen["first"]
        assert code == "\\" and registered and "The register mark stands (present" in why
        assert seen["unregistered"] == "M"
        assert seen["later"] != "B"
        assert screen.off_site_model.rowCount() == 0
        assert screen.visit_message.text() == "Dev Sharma is back at 14:50, marked M (medical or dental appointment)."

    def test_a_whole_afternoon_away_suggests_m_and_never_b(self, screen, approved, monkeypatch):
        from datetime import datetime

        from fairfields_desktop.ui.views.professionals_view import OffSiteReturnDialog

        self.at(approved, monkeypatch, datetime(2027, 1, 8, 13, 0))
        office = screen.actor
        log_id = approved.requests.log_off_site(office, "r-003", datetime(2027, 1, 8, 13, 0))
        screen.reload_visits()
        screen.off_site_table.selectRow(0)
        self.at(approved, monkeypatch, datetime(2027, 1, 8, 15, 5))
        seen = {}

        def fake_exec(dialog: OffSiteReturnDialog) -> int:
            dialog.registered.setChecked(False)
            seen["mark"], seen["why"] = dialog.mark.currentData(), dialog.why.text()
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(OffSiteReturnDialog, "exec", fake_exec)
        screen.back_button.click()
        assert seen["mark"] == "M" and "not registered at the afternoon registration" in seen["why"]
        assert [r[0] for r in approved.requests.off_site_now(office)] == [log_id]  # cancelled: still out

    def test_on_a_monday_the_office_is_told_why_not_and_nothing_is_recorded(self, screen, approved, monkeypatch):
        from datetime import datetime

        self.at(approved, monkeypatch, datetime(2027, 1, 11, 13, 30))
        screen.out_button.click()
        assert screen.visit_message.text() == (
            "Not recorded: r-003 is authorised for Fridays 13:30–15:00; today is Monday 11 Jan 2027. Only the "
            "headteacher (or an acting head) may let the pupil go outside the authorisation.")
        assert screen.off_site_model.rowCount() == 0

    def test_on_a_monday_the_headteacher_lets_the_pupil_go_with_a_reason(self, qtbot, approved, actor, monkeypatch):
        from datetime import datetime

        from PySide6.QtWidgets import QInputDialog

        head_screen = ProfessionalsScreen(approved, actor(approved, "hcarter"))
        qtbot.addWidget(head_screen)
        self.at(approved, monkeypatch, datetime(2027, 1, 11, 13, 30))
        asked = []

        def get_text(_parent, title, label, *a, **k):  # noqa: ANN001, ANN202
            asked.append(label)
            return ("clinic moved this week's session", True) if title == "Outside the authorisation" else ("Mum", True)

        monkeypatch.setattr(QInputDialog, "getText", get_text)
        head_screen.out_button.click()
        assert asked[0].startswith("r-003 is authorised for Fridays 13:30–15:00; today is Monday 11 Jan 2027.")
        assert head_screen.off_site_model.rowCount() == 1
        assert "an exception to the authorisation" in head_screen.visit_message.text()


class TestFormerProfessionals:
    def test_marked_as_no_longer_working_here_then_hidden_until_shown_and_back_again(self, screen, monkeypatch):
        from PySide6.QtWidgets import QInputDialog

        screen.table.selectRow(row_of(screen, "ind-ot-1"))
        assert screen.active_button.text() == "No longer &works here…"
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("contract ended July 2026", True))
        screen.active_button.click()
        assert "is marked as no longer working with the school" in screen.message.text()
        with pytest.raises(AssertionError):
            row_of(screen, "ind-ot-1")  # not listed any more
        screen.show_former.setChecked(True)
        row = row_of(screen, "ind-ot-1")
        assert screen.proxy.index(row, ProfessionalsModel.NAME).data().endswith("(no longer works here)")
        screen.table.selectRow(row)
        assert "No longer works with the school" in screen.detail.toPlainText()
        assert screen.active_button.text() == "&Works here again"
        screen.active_button.click()
        assert screen.message.text().endswith("works with the school again.")
        screen.show_former.setChecked(False)
        assert not screen.proxy.index(row_of(screen, "ind-ot-1"), ProfessionalsModel.NAME).data().endswith(
            "(no longer works here)")

    def test_a_former_professional_is_not_offered_for_a_visit(self, screen, sqlite_school, actor, monkeypatch):
        karen = next(p for p in sqlite_school.professionals.list_professionals(actor(sqlite_school, "sbrown"))
                     if p.ext_id == "ind-ot-1")
        sqlite_school.professionals.set_active(actor(sqlite_school, "sbrown"), karen.id, False, "moved away")
        offered = []

        def fake_exec(dialog: SignInVisitorDialog) -> int:
            offered.extend(dialog.professional.itemText(i) for i in range(dialog.professional.count()))
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(SignInVisitorDialog, "exec", fake_exec)
        screen.tabs.setCurrentIndex(1)
        screen.sign_in_button.click()
        assert offered and not any(karen.name in text for text in offered)
