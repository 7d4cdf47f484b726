"""The Requests screen with qtbot: the headteacher's queue, the live rule panel, decisions and who may take them."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QDialog

from fairfields_desktop.domain.rules import RULE_IDS
from fairfields_desktop.ui.models.base import ITEM_ROLE
from fairfields_desktop.ui.models.requests import RequestsModel
from fairfields_desktop.ui.views.request_dialogs import DecisionDialog, RequestDialog
from fairfields_desktop.ui.views.requests_view import RequestsScreen


def make_screen(qtbot, services, actor, username: str) -> RequestsScreen:  # noqa: ANN001
    widget = RequestsScreen(services, actor(services, username))
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    with qtbot.waitActive(widget):  # shortcuts (Ctrl+N, Ctrl+E) go to the active window
        widget.show()
        widget.activateWindow()
    return widget


def refs(screen: RequestsScreen) -> list[str]:
    return [screen.proxy.data(screen.proxy.index(r, 0), ITEM_ROLE).ref for r in range(screen.proxy.rowCount())]


def cell(screen: RequestsScreen, ref: str, column: int) -> str:
    row = refs(screen).index(ref)
    return screen.proxy.index(row, column).data()


def choose(screen: RequestsScreen, ref: str) -> None:
    screen.table.selectRow(refs(screen).index(ref))
    assert screen.current is not None and screen.current.ref == ref


def fill_dev_sharma(dialog: RequestDialog) -> None:
    dialog.pupil.setCurrentIndex(dialog.pupil.findData("X319700121005"))
    dialog.professional.setCurrentIndex(dialog.professional.findData("ind-ot-1"))
    dialog.setting.setCurrentIndex(dialog.setting.findData("in_school"))
    dialog.first.setDate(QDate(2027, 1, 6))
    dialog.last.setDate(QDate(2027, 3, 24))
    dialog.start.setTime(QTime(13, 30))
    dialog.end.setTime(QTime(14, 15))
    dialog.space.setCurrentIndex(dialog.space.findData("Sensory Room"))
    dialog.class_staff.setCurrentIndex(dialog.class_staff.findData("jpatel"))
    dialog.outside_school_day.setText("after school he is too tired to take part")


class TestQueue:
    def test_the_headteacher_sees_every_undecided_request_with_its_verdict_in_words(self, qtbot, sqlite_school,
                                                                                   actor):
        screen = make_screen(qtbot, sqlite_school, actor, "hcarter")
        assert screen.findChild(type(screen.message), "screenTitle").text() == "Requests"
        assert screen.filter.currentText() == "Awaiting a decision"
        assert refs(screen) == ["r-001", "r-002", "r-003"]
        assert cell(screen, "r-001", RequestsModel.VERDICT) == "all rules met"
        assert cell(screen, "r-002", RequestsModel.VERDICT) == "fails ATTENDANCE"
        assert cell(screen, "r-003", RequestsModel.VERDICT) == "all rules met"
        assert cell(screen, "r-001", RequestsModel.STATE) == "awaiting decision"
        assert cell(screen, "r-003", RequestsModel.SETTING) == "off site"
        assert cell(screen, "r-001", RequestsModel.PERIOD) == "Tuesdays 1 Dec 2026 – 23 Feb 2027, 10:30–11:15"

    def test_the_rule_panel_lists_every_rule_in_order_with_words_not_only_colour(self, qtbot, sqlite_school, actor):
        screen = make_screen(qtbot, sqlite_school, actor, "hcarter")
        choose(screen, "r-002")
        assert [screen.panel.model.row(r).rule for r in range(screen.panel.model.rowCount())] == list(RULE_IDS)
        result, rule, detail = screen.panel.row("ATTENDANCE")
        assert (result, rule) == ("✗ not met", "Attendance") and "is below" in detail
        assert screen.panel.row("CHECKS")[:2] == ("✓ met", "Safeguarding checks")
        assert screen.panel.row("MAX_WEEKS")[1] == "Maximum weeks"

    def test_search_finds_by_pupil_or_professional(self, qtbot, sqlite_school, actor):
        screen = make_screen(qtbot, sqlite_school, actor, "hcarter")
        screen.search.setText("quinn")
        assert refs(screen) == ["r-002", "r-003"]
        screen.search.setText("amara")
        assert refs(screen) == ["r-001"]


class TestRequestForm:
    def test_the_live_panel_follows_the_form_and_a_submitted_request_joins_the_queue(self, qtbot, sqlite_school,
                                                                                    actor, monkeypatch):
        screen = make_screen(qtbot, sqlite_school, actor, "hcarter")
        seen = {}

        def fake_exec(dialog: RequestDialog) -> int:
            assert "Pupil: choose the pupil" in dialog.panel.problems.text()
            fill_dev_sharma(dialog)
            assert dialog.weekday.text().startswith("Wednesdays")
            assert dialog.panel.row("CLASS_STAFF") == ("✗ not met", "Class staff",
                                                       "Jaya Patel is Oak class staff, not Willow")
            assert dialog.panel.row("EHCP_APPROVAL")[0] == "✗ not met"
            assert dialog.panel.row("CLASSROOM_AGREEMENT")[0] == "✗ not met"
            dialog.class_staff.setCurrentIndex(dialog.class_staff.findData("dking"))
            assert dialog.panel.row("CLASS_STAFF")[0] == "✓ met"
            assert not dialog.ehcp_on.isEnabled()
            dialog.has_ehcp.setChecked(True)
            assert dialog.ehcp_on.isEnabled()
            dialog.ehcp_on.setDate(QDate(2026, 11, 2))
            dialog.ehcp_reference.setText("EHCP/2026/118")
            dialog.budget.setChecked(True)
            assert dialog.panel.row("EHCP_APPROVAL")[0] == "✓ met"
            dialog.agreed.setChecked(True)
            assert dialog.panel.row("CLASSROOM_AGREEMENT")[0] == "✓ met"
            assert dialog.panel.summary.text() == "All rules met."
            seen["texts"] = dialog.panel.texts()
            dialog.submit = True
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(RequestDialog, "exec", fake_exec)
        qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        assert len(seen["texts"]) == len(RULE_IDS)
        assert screen.message.text() == "r-004 submitted for the headteacher's decision."
        assert "r-004" in refs(screen)
        assert cell(screen, "r-004", RequestsModel.VERDICT) == "all rules met"
        assert screen.current.ref == "r-004" and screen.current.class_staff == "Daniel King"

    def test_editing_keeps_what_was_entered(self, qtbot, sqlite_school, actor, monkeypatch):
        screen = make_screen(qtbot, sqlite_school, actor, "hcarter")
        choose(screen, "r-001")

        def fake_exec(dialog: RequestDialog) -> int:
            assert dialog.pupil.currentData() == "Z319700118114"
            assert dialog.space.currentData() == "Therapy Room 1"
            assert dialog.class_staff.currentData() == "jpatel"
            assert dialog.panel.summary.text() == "All rules met."
            dialog.end.setTime(QTime(11, 30))
            dialog.submit = False
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(RequestDialog, "exec", fake_exec)
        qtbot.keyClick(screen.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        assert screen.message.text() == "r-001 saved: still awaiting the headteacher's decision."
        assert screen.current.ref == "r-001" and screen.current.end_time.strftime("%H:%M") == "11:30"
        assert screen.current.eligible


class TestDecisions:
    def test_approving_an_eligible_request_books_its_sessions(self, qtbot, sqlite_school, actor, monkeypatch):
        screen = make_screen(qtbot, sqlite_school, actor, "hcarter")
        choose(screen, "r-001")
        assert screen.buttons["approve"].isEnabled() and not screen.buttons["suspend"].isEnabled()

        def fake_exec(dialog: DecisionDialog) -> int:
            assert dialog.intro.text() == "Every rule is met."
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(DecisionDialog, "exec", fake_exec)
        screen.buttons["approve"].click()
        assert screen.message.text() == "r-001 approved: 10 sessions booked."
        assert screen.current.ref == "r-001" and screen.current.status == "approved"
        assert cell(screen, "r-001", RequestsModel.STATE) == "approved (not started)"
        assert not screen.buttons["approve"].isEnabled() and screen.buttons["suspend"].isEnabled()
        assert [screen.history.row(r).action for r in range(screen.history.rowCount())][-1] == "approved"

    def test_approving_over_a_failed_rule_asks_a_reason_for_it_and_records_the_override(self, qtbot, sqlite_school,
                                                                                       actor, monkeypatch):
        screen = make_screen(qtbot, sqlite_school, actor, "hcarter")
        choose(screen, "r-002")
        asked = []

        def fake_exec(dialog: DecisionDialog) -> int:
            asked.append(sorted(dialog.required))
            if len(asked) == 1:  # first without a reason: the form says it is required and stays open
                return QDialog.DialogCode.Accepted
            # the service's refusal, as the command line gives it
            assert dialog.message.text().startswith("Not saved: not approved: ATTENDANCE: attendance 91.5%")
            dialog.fields["ATTENDANCE"].setText("attendance improving since the new transport began")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(DecisionDialog, "exec", fake_exec)
        screen.buttons["approve"].click()
        assert asked == [["ATTENDANCE"], ["ATTENDANCE"]]
        assert screen.current.status == "approved"
        assert screen.message.text().startswith("r-002 approved")
        assert screen.overrides.rowCount() == 1
        assert [screen.overrides.index(0, c).data() for c in range(3)] == [
            "Attendance", "attendance improving since the new transport began", "hcarter"]

    def test_declining_needs_a_reason(self, qtbot, sqlite_school, actor, monkeypatch):
        screen = make_screen(qtbot, sqlite_school, actor, "hcarter")
        choose(screen, "r-003")

        def fake_exec(dialog: DecisionDialog) -> int:
            dialog.fields["reason"].setText("the family withdrew the request")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(DecisionDialog, "exec", fake_exec)
        screen.buttons["decline"].click()
        assert screen.message.text() == "r-003 declined."
        assert screen.current.status == "declined"
        last = screen.history.row(screen.history.rowCount() - 1)
        assert (last.action, last.reason) == ("declined", "the family withdrew the request")


class TestWhoMayDecide:
    def test_a_senco_sees_the_queue_but_may_not_approve(self, qtbot, sqlite_school, actor):
        screen = make_screen(qtbot, sqlite_school, actor, "mokafor")
        assert refs(screen) == ["r-001", "r-002", "r-003"]
        choose(screen, "r-001")
        assert not screen.buttons["approve"].isEnabled() and not screen.buttons["decline"].isEnabled()
        assert screen.new_button.isEnabled() and screen.edit_button.isEnabled()
        assert "only the headteacher" in screen.decider_hint.text()
        assert not screen.acting_button.isVisible()

    def test_an_office_user_may_create_a_request_but_not_decide(self, qtbot, sqlite_school, actor, monkeypatch):
        screen = make_screen(qtbot, sqlite_school, actor, "sbrown")
        assert screen.new_button.isEnabled()
        assert not any(b.isEnabled() for b in screen.buttons.values())
        assert "headteacher and the SENCO" in screen.message.text()

        def fake_exec(dialog: RequestDialog) -> int:
            fill_dev_sharma(dialog)
            assert "headteacher and the SENCO see the rules" in dialog.panel.problems.text()
            dialog.submit = True
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(RequestDialog, "exec", fake_exec)
        screen.new_button.click()
        assert screen.message.text() == "r-004 submitted for the headteacher's decision."
        head = make_screen(qtbot, sqlite_school, actor, "hcarter")
        assert "r-004" in refs(head)

    def test_an_acting_head_named_by_the_headteacher_may_decide(self, qtbot, sqlite_school, actor, monkeypatch):
        from fairfields_desktop.ui.views.request_dialogs import ActingHeadDialog

        head = make_screen(qtbot, sqlite_school, actor, "hcarter")
        assert head.acting_button.isVisible()

        def fake_exec(dialog: ActingHeadDialog) -> int:
            dialog.user.setCurrentText("mokafor")
            dialog.ends.setDate(QDate(2026, 11, 27))
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(ActingHeadDialog, "exec", fake_exec)
        head.acting_button.click()
        assert head.message.text() == "mokafor is acting head from 23 Nov 2026 to 27 Nov 2026."
        senco = make_screen(qtbot, sqlite_school, actor, "mokafor")
        choose(senco, "r-001")
        assert senco.buttons["approve"].isEnabled()
