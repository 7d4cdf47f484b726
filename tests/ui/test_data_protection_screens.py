"""Data protection in the window: the audit trail tab and its check, the retention tab with its
confirmation, the subject access button on the Pupils screen, and who sees them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import delete, select, update

from fairfields_desktop.store.models import AuditRow, PupilRow
from fairfields_desktop.ui.models.base import ITEM_ROLE
from fairfields_desktop.ui.views.audit_view import AuditTab
from fairfields_desktop.ui.views.pupils_view import PupilsScreen
from fairfields_desktop.ui.views.retention_view import (
    ConfirmErasureDialog,
    RetentionTab,
)
from fairfields_desktop.ui.views.settings_view import SettingsScreen

AMARA, BEN, DEV = "Z319700118114", "X319700119023", "X319700121005"


@pytest.fixture
def busy_school(sqlite_school, actor):
    """The example school with a few entries in the trail, and Ben a leaver of long ago."""
    head = actor(sqlite_school, "hcarter")
    ben = sqlite_school.pupils.id_of(head, BEN)
    sqlite_school.pupils.add_consent(head, ben, professional="music-1", sections=["outcomes"], given_by_kind="parent",
                                     given_by="Claire Hughes", given_on=date(2026, 11, 2))
    sqlite_school.pupils.mark_left(head, sqlite_school.pupils.id_of(head, DEV), date(2026, 11, 20))
    sqlite_school.pupils.mark_left(head, ben, date(2011, 7, 20))
    with sqlite_school.db.session() as session:
        session.execute(update(PupilRow).where(PupilRow.id == ben).values(date_of_birth=date(1993, 7, 29)))
    return sqlite_school


@pytest.fixture
def make(qtbot):
    def show(widget):
        qtbot.addWidget(widget)
        widget.resize(1100, 650)
        widget.show()
        return widget

    return show


def rows(tab) -> list:
    return [tab.proxy.data(tab.proxy.index(r, 0), ITEM_ROLE) for r in range(tab.proxy.rowCount())]


class TestAuditTab:
    def test_the_trail_is_listed_latest_first_with_changes_in_words(self, busy_school, actor, make):
        tab = make(AuditTab(busy_school, actor(busy_school, "hcarter")))
        entries = rows(tab)
        assert [e.action for e in entries][:3] == ["left", "left", "create"]
        model = tab.proxy
        headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
        assert headers == ["When", "Who", "Action", "What", "Record", "Changes"]
        consent = next(r for r in range(model.rowCount()) if model.data(model.index(r, 3)) == "Consent")
        assert model.data(model.index(consent, 1)) == "hcarter (Helen Carter)"
        assert "what: outcomes and progress" in model.data(model.index(consent, 5))
        assert tab.count_label.text() == "4 entries."

    def test_filters_narrow_the_list(self, busy_school, actor, make, qtbot):
        tab = make(AuditTab(busy_school, actor(busy_school, "admin")))
        tab.kind.setCurrentIndex(tab.kind.findData("consent"))
        assert [e.entity for e in rows(tab)] == ["consent"]
        tab.kind.setCurrentIndex(0)
        tab.who.setCurrentIndex(tab.who.findData("system"))
        assert [e.action for e in rows(tab)] == ["load"]
        tab.who.setCurrentIndex(0)
        qtbot.keyClicks(tab.text, "2026-11-20")
        qtbot.mouseClick(tab.search_button, Qt.MouseButton.LeftButton)
        assert [e.action for e in rows(tab)] == ["left"]
        tab.text.clear()
        tab.use_since.setChecked(True)
        tab.since.setDate(QDate(2026, 11, 24))
        assert rows(tab) == [] and tab.count_label.text() == "0 entries."

    def test_choosing_an_entry_shows_it_whole(self, busy_school, actor, make):
        tab = make(AuditTab(busy_school, actor(busy_school, "hcarter")))
        tab.table.selectionModel().setCurrentIndex(tab.proxy.index(2, 0),
                                                   QItemSelectionModel.SelectionFlag.ClearAndSelect)
        assert "given by: Claire Hughes" in tab.detail.toPlainText()

    def test_check_the_trail_says_it_is_intact(self, busy_school, actor, make, qtbot):
        tab = make(AuditTab(busy_school, actor(busy_school, "hcarter")))
        qtbot.mouseClick(tab.check_button, Qt.MouseButton.LeftButton)
        assert tab.check_result.text() == "The audit trail is intact (4 entries checked)."

    def test_check_the_trail_lists_each_problem(self, busy_school, actor, make):
        with busy_school.db.session() as session:
            ids = list(session.scalars(select(AuditRow.id).order_by(AuditRow.id)))
            session.execute(update(AuditRow).where(AuditRow.id == ids[1]).values(note="nothing to see"))
            session.execute(delete(AuditRow).where(AuditRow.id == ids[2]))
        tab = make(AuditTab(busy_school, actor(busy_school, "admin")))
        tab.check_button.click()
        assert tab.check_result.text().splitlines() == [
            "The audit trail has 2 problems (3 entries checked):",
            f"• Entry {ids[1]} was changed after it was written.",
            f"• Entry {ids[2]} is missing (the chain jumps from {ids[1]} to {ids[3]}).",
        ]
        tab.grab().save("/tmp/audit-tab.png")


class TestRetentionTab:
    def test_the_records_past_retention_are_listed(self, busy_school, actor, make):
        tab = make(RetentionTab(busy_school, actor(busy_school, "hcarter")))
        due = rows(tab)
        assert [(d.name, d.upn, d.keep_until) for d in due] == [("Ben Hughes", BEN, date(2024, 7, 29))]
        assert tab.message.text() == "1 record is past the retention period: choose those to erase."
        assert "date of birth + 31 years" in tab.findChildren(QLabel)[0].text()
        tab.grab().save("/tmp/retention-tab.png")

    def test_erasing_asks_first_and_nothing_happens_when_declined(self, busy_school, actor, make, monkeypatch):
        tab = make(RetentionTab(busy_school, actor(busy_school, "hcarter")))
        asked = []
        monkeypatch.setattr(tab, "confirm", lambda chosen: asked.append([c.name for c in chosen]) or False)
        tab.erase_button.click()
        assert tab.message.text() == "Choose the records to erase first." and asked == []
        tab.table.selectRow(0)
        tab.erase_button.click()
        assert asked == [["Ben Hughes"]] and tab.message.text() == "Nothing was erased."
        assert len(rows(tab)) == 1

    def test_erasing_once_confirmed(self, busy_school, actor, make, monkeypatch, qtbot):
        tab = make(RetentionTab(busy_school, actor(busy_school, "admin")))
        ben = rows(tab)[0].id
        monkeypatch.setattr(tab, "confirm", lambda chosen: True)
        tab.table.selectRow(0)
        with qtbot.waitSignal(tab.erased, timeout=2000):
            tab.erase_button.click()
        assert tab.message.text() == f"Erased 1 pupil record under the retention policy (record {ben})."
        assert rows(tab) == [] and not tab.erase_button.isEnabled()
        with busy_school.db.read_session() as session:
            assert session.get(PupilRow, ben) is None

    def test_the_confirmation_needs_the_review_ticked(self, busy_school, actor, qtbot):
        chosen = busy_school.retention.due_for_erasure(actor(busy_school, "hcarter"))
        dialog = ConfirmErasureDialog(chosen)
        qtbot.addWidget(dialog)
        dialog.show()
        assert "Ben Hughes (UPN X319700119023), left 20 Jul 2011" in dialog.findChild(QLabel, "erasureList").text()
        assert dialog.erase_button.text() == "&Erase 1 record" and not dialog.erase_button.isEnabled()
        dialog.reviewed.setChecked(True)
        assert dialog.erase_button.isEnabled()
        dialog.grab().save("/tmp/erase-dialog.png")
        with qtbot.waitSignal(dialog.accepted, timeout=2000):
            dialog.erase_button.click()


class TestSettingsTabs:
    @pytest.mark.parametrize(("username", "shown"), [("admin", True), ("hcarter", True), ("mokafor", False),
                                                      ("sbrown", False), ("ttaylor", False)])
    def test_the_tabs_are_shown_to_those_allowed(self, busy_school, actor, make, username, shown):
        screen = make(SettingsScreen(busy_school, actor(busy_school, username)))
        titles = [screen.tabs.tabText(i) for i in range(screen.tabs.count())]
        assert ("A&udit trail" in titles) is shown and ("Rete&ntion" in titles) is shown


class TestSubjectAccessButton:
    def test_the_senco_exports_the_chosen_pupil_into_a_folder(self, busy_school, actor, make, monkeypatch,
                                                               tmp_path):
        out = tmp_path / "export"
        out.mkdir()
        screen = make(PupilsScreen(busy_school, actor(busy_school, "mokafor")))
        assert screen.subject_access_button.isVisibleTo(screen)
        amara = busy_school.pupils.id_of(actor(busy_school, "mokafor"), AMARA)
        screen.select_pupil(amara)
        monkeypatch.setattr(screen, "choose_export_folder", lambda: str(out))
        screen.subject_access_button.click()
        assert sorted(p.name for p in out.iterdir()) == [f"subject-access-{amara}.json",
                                                        f"subject-access-{amara}.pdf"]
        assert screen.message.text() == (f"Subject access export written to {out}: subject-access-{amara}.json "
                                         f"and subject-access-{amara}.pdf.")

    def test_cancelling_the_folder_writes_nothing(self, busy_school, actor, make, monkeypatch, tmp_path):
        screen = make(PupilsScreen(busy_school, actor(busy_school, "hcarter")))
        monkeypatch.setattr(screen, "choose_export_folder", lambda: "")
        screen.subject_access_button.click()
        assert screen.message.text() == ""
        assert not any(Path(tmp_path).rglob("subject-access-*"))

    @pytest.mark.parametrize("username", ["sbrown", "ttaylor", "admin"])
    def test_the_office_teachers_and_the_administrator_do_not_see_the_button(self, busy_school, actor, make, username):
        screen = make(PupilsScreen(busy_school, actor(busy_school, username)))
        assert not screen.subject_access_button.isVisibleTo(screen)
