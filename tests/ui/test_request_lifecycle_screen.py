"""The Requests screen follows the request's life: its buttons are the actions the status allows, the forms
ask what the service needs (the review meeting offers the pupil's contacts and the professionals), the
refusal shown is the service's, and a decided request shows the rules as they stood beside today's."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QDialog

from fairfields_desktop.ui.models.base import ITEM_ROLE
from fairfields_desktop.ui.views.request_dialogs import AttendeesPicker, DecisionDialog
from fairfields_desktop.ui.views.requests_view import ALL_FILTER, RequestsScreen

#: the buttons enabled for the headteacher, by the stored status (written out: not read from the code)
ENABLED = {
    "submitted": {"approve", "decline"},
    "approved": {"extend", "suspend", "end"},
    "suspended": {"extend", "review-meeting", "reinstate", "end"},
    "ended": {"extend"},
    "declined": set(),
}


def make_screen(qtbot, services, actor, username: str) -> RequestsScreen:  # noqa: ANN001
    widget = RequestsScreen(services, actor(services, username))
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.filter.setCurrentIndex(widget.filter.findData(ALL_FILTER))
    widget.show()
    return widget


def choose(screen: RequestsScreen, ref: str) -> None:
    refs = [screen.proxy.data(screen.proxy.index(r, 0), ITEM_ROLE).ref for r in range(screen.proxy.rowCount())]
    screen.table.selectRow(refs.index(ref))
    assert screen.current is not None and screen.current.ref == ref


def enabled(screen: RequestsScreen) -> set[str]:
    return {action for action, button in screen.buttons.items() if button.isEnabled()}


def shot(widget, name: str) -> None:  # noqa: ANN001
    folder = os.environ.get("FAIRFIELDS_SCREENSHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / name))


class TestButtonsFollowTheStatus:
    def test_each_status_enables_exactly_its_actions(self, qtbot, sqlite_school, actor):
        head = actor(sqlite_school, "hcarter")
        sqlite_school.requests.decide(head, "r-001", "approve")
        sqlite_school.requests.decide(head, "r-003", "approve")
        sqlite_school.requests.decide(head, "r-003", "suspend", reason="missing phonics")
        sqlite_school.requests.decide(head, "r-002", "decline", reason="attendance")
        screen = make_screen(qtbot, sqlite_school, actor, "hcarter")
        for ref, status in (("r-001", "approved"), ("r-003", "suspended"), ("r-002", "declined")):
            choose(screen, ref)
            assert screen.current.status == status and enabled(screen) == ENABLED[status]
        sqlite_school.requests.decide(head, "r-001", "end", reason="finished")
        screen.reload("r-001")
        assert screen.current.status == "ended" and enabled(screen) == ENABLED["ended"]


class TestReviewMeetingForm:
    def test_the_form_offers_the_pupils_parents_and_the_professionals_and_shows_the_services_refusal(
            self, qtbot, sqlite_school, actor, monkeypatch):
        head = actor(sqlite_school, "hcarter")
        sqlite_school.requests.decide(head, "r-001", "approve")
        sqlite_school.requests.decide(head, "r-001", "suspend", reason="missing phonics")
        screen = make_screen(qtbot, sqlite_school, actor, "hcarter")
        choose(screen, "r-001")
        seen = []

        def fake_exec(dialog: DecisionDialog) -> int:
            picker = dialog.fields["attendees"]
            assert isinstance(picker, AttendeesPicker)
            offered = [picker.list.item(r).text() for r in range(picker.list.count())]
            assert "Abena Osei (parent or carer)" in offered and "Karen Walsh (professional)" in offered
            assert "Tom Taylor (staff)" in offered and "absent_reason" in dialog.fields
            seen.append(dialog.message.text())
            if len(seen) == 1:
                picker.others.setText("Teacher only")
            elif len(seen) == 2:
                picker.others.clear()
                picker.tick("Tom Taylor", "Abena Osei")
            else:
                picker.tick("Karen Walsh")
                shot(dialog, "review-meeting-form.png")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(DecisionDialog, "exec", fake_exec)
        screen.buttons["review-meeting"].click()
        assert "Teacher only: not known to the app" in seen[1]
        assert "needs a professional" in seen[2]
        assert screen.message.text() == "Review meeting for r-001 recorded."
        last = screen.history.row(screen.history.rowCount() - 1)
        assert last.details["attendees"] == "Abena Osei, Karen Walsh, Tom Taylor"

    def test_ending_without_a_reason_shows_the_services_words(self, qtbot, sqlite_school, actor, monkeypatch):
        sqlite_school.requests.decide(actor(sqlite_school, "hcarter"), "r-001", "approve")
        screen = make_screen(qtbot, sqlite_school, actor, "hcarter")
        choose(screen, "r-001")
        messages = []

        def fake_exec(dialog: DecisionDialog) -> int:
            messages.append(dialog.message.text())
            if len(messages) == 2:
                dialog.fields["reason"].setText("therapy finished early")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(DecisionDialog, "exec", fake_exec)
        screen.buttons["end"].click()
        assert messages[1] == "Not saved. Reason: say why the sessions are ended"
        assert screen.current.status == "ended"


class TestVerdictsShown:
    def test_an_approval_shows_the_rules_as_they_stood_and_todays_beside(self, qtbot, sqlite_school, actor):
        head = actor(sqlite_school, "hcarter")
        sqlite_school.requests.decide(head, "r-001", "approve")
        csv = ("UPN,Legal Surname,Legal Forename,DOB,Year,Reg Group,Attendance %\n"
               "Z319700118114,Osei,Amara,11/03/2014,Year 8,Oak,88.1\n")
        sqlite_school.mis.apply(actor(sqlite_school, "sbrown"), csv, date(2026, 11, 27))
        screen = make_screen(qtbot, sqlite_school, actor, "hcarter")
        choose(screen, "r-001")
        result, _rule, detail = screen.panel.row("ATTENDANCE")
        assert result == "✓ met" and detail.startswith("attendance 97.2% on 20 Nov 2026 meets")
        assert "Now: NOT MET: attendance 88.1% on 27 Nov 2026 is below the school's 95.0%" in detail
        assert "Rules at the decision" in screen.panel.title.text()
        assert "Outside the school day: not recorded" in screen.summary.text()
        shot(screen, "requests-verdicts-then-and-now.png")

    def test_a_decision_from_before_says_its_verdicts_were_not_recorded(self, qtbot, open_school, tmp_path,
                                                                          example_doc, actor):
        example_doc["requests"][2]["status"] = "approved"
        example_doc["requests"][2]["history"] = [{"at": "2026-09-01T09:00:00", "by": "hcarter",
                                                  "action": "approved"}]
        example_doc["requests"][2]["outside_school_day"] = "after school the clinic is closed"
        services = open_school(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        services.dataset.load(example_doc)
        screen = make_screen(qtbot, services, actor, "hcarter")
        choose(screen, "r-003")
        assert "verdicts at the time not recorded" in screen.panel.title.text()
        assert screen.panel.row("ATTENDANCE")[0] == "✓ met"
        assert "Outside the school day: after school the clinic is closed" in screen.summary.text()
