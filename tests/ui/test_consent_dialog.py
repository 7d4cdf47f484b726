"""The consent form through the Pupils screen: a consent in words reviewed with the same form (its words shown),
the service's problems shown at their fields, and what the detail pane then says."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialog

from fairfields_desktop.ui.main_window import MainWindow
from fairfields_desktop.ui.views.consent_dialog import ConsentDialog

AMARA, CHLOE = "Z319700118114", "X319700117077"


@pytest.fixture
def screen_for(qtbot, sqlite_school, actor):
    def make(username: str, upn: str):
        window = MainWindow(sqlite_school, actor(sqlite_school, username))
        qtbot.addWidget(window)
        window.show()
        window.show_screen("pupils")
        screen = window.screens["pupils"]
        screen.select_pupil(sqlite_school.pupils.id_of(screen.actor, upn))
        return screen

    return make


def run_dialog(monkeypatch, *steps):
    """Each time the form opens, the next step fills it (it sees the dialog as shown); it is then saved."""
    seen: list[ConsentDialog] = []
    pending = list(steps)

    def fake_exec(dialog: ConsentDialog) -> int:
        seen.append(dialog)
        if not pending:
            return QDialog.DialogCode.Rejected
        pending.pop(0)(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ConsentDialog, "exec", fake_exec)
    return seen


class TestReviewingWordsOfBefore:
    def test_the_detail_shows_it_to_be_reviewed_and_the_form_shows_the_words(self, screen_for, monkeypatch, qtbot,
                                                                            sqlite_school):
        screen = screen_for("mokafor", AMARA)
        assert "To be reviewed: “progress notes” to Karen Walsh (Walsh Paediatric OT)" in screen.detail.toPlainText()
        shown: list[str] = []

        def nothing_ticked(dialog: ConsentDialog) -> None:
            shown.append(dialog.words_label.text())
            assert "to Karen Walsh (Walsh Paediatric OT), given by" in dialog.words_label.text()
            assert dialog.professional.currentData() == "ind-ot-1" and dialog.to_professional.isChecked()
            assert dialog.given_by.currentText() == "Abena Osei (mother)"
            assert dialog.given_on.date().toPython() == date(2026, 9, 10)
            assert not any(box.isChecked() for box in dialog.sections.values())

        def outcomes_ticked(dialog: ConsentDialog) -> None:
            assert dialog.errors["sections"].isVisibleTo(dialog)
            assert "Tick at least one section that may be shared" in dialog.errors["sections"].text()
            assert not dialog.errors["recipient"].isVisibleTo(dialog)
            dialog.show()
            qtbot.waitExposed(dialog)
            dialog.sections["outcomes"].setChecked(True)
            dialog.hide()

        dialogs = run_dialog(monkeypatch, nothing_ticked, outcomes_ticked)
        screen.review_consent_button.click()
        assert len(dialogs) == 2
        assert "“progress notes”" in shown[0] and "shares nothing until" in shown[0]
        detail = screen.detail.toPlainText()
        assert "To be reviewed" not in detail
        assert "Outcomes and progress to Karen Walsh (Walsh Paediatric OT), given by Abena Osei (mother) from " \
               "10 Sep 2026; reviewed 23 Nov 2026 from the words “progress notes”" in detail
        assert "Consent reviewed" in screen.message.text()

    def test_withdrawn_words_are_kept_on_record_with_nothing_to_review(self, screen_for, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        pupil = sqlite_school.pupils.id_of(senco, AMARA)
        [words] = [c for c in sqlite_school.pupils.list_consents(senco, pupil) if c.to_be_reviewed]
        sqlite_school.pupils.withdraw_consent(senco, words.id, date(2026, 11, 20))
        screen = screen_for("mokafor", AMARA)
        detail = screen.detail.toPlainText()
        assert "“progress notes” to Karen Walsh (Walsh Paediatric OT) (recorded in words), given by Abena Osei " \
               "(mother) from 10 Sep 2026 — withdrawn 20 Nov 2026" in detail
        assert "To be reviewed" not in detail


class TestRecording:
    def test_an_organisation_typed_with_an_end_date(self, screen_for, monkeypatch, sqlite_school):
        screen = screen_for("mokafor", AMARA)

        def fill(dialog: ConsentDialog) -> None:
            dialog.to_organisation.setChecked(True)
            assert dialog.organisation.isEnabled() and not dialog.professional.isEnabled()
            dialog.organisation.setText("Leeds Autism Outreach")
            dialog.sections["health"].setChecked(True)
            dialog.sections["attendance"].setChecked(True)
            dialog.ends.setChecked(True)
            dialog.until.setDate(date(2027, 7, 31))

        run_dialog(monkeypatch, fill)
        screen.consent_button.click()
        assert "Attendance, health details to Leeds Autism Outreach, given by Abena Osei (mother) from " \
               "23 Nov 2026 until 31 Jul 2027" in screen.detail.toPlainText()

    def test_no_parent_with_parental_responsibility_and_too_young(self, screen_for, monkeypatch):
        screen = screen_for("mokafor", CHLOE)
        texts: list[str] = []

        def fill(dialog: ConsentDialog) -> None:
            texts.append(" ".join(label.text() for label in dialog.findChildren(type(dialog.message))))
            assert dialog.given_by.count() == 0
            dialog.sections["views"].setChecked(True)

        def look(dialog: ConsentDialog) -> None:
            texts.append(dialog.errors["given_by"].text())

        run_dialog(monkeypatch, fill, look)
        screen.consent_button.click()
        assert "The young person may give their own consent once past compulsory school age, from 30 Jun 2029." \
            in texts[0]
        assert "No contact with parental responsibility is recorded" in texts[0]
        assert "Say who gave consent" in texts[1]
