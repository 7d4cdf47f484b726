"""Annual reviews panel: one pupil's review meeting, its paperwork and deadlines, and past meetings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QDialog

from fairfields_desktop.services.context import Clock
from fairfields_desktop.ui.views.reviews_panel import (
    AdviceDialog,
    AfterDialog,
    InviteeDialog,
    MeetingDialog,
    ReviewsPanel,
)

BEN = "X319700119023"


def rows(model) -> list[list[str]]:  # noqa: ANN001
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def step(panel, what: str) -> list[str]:  # noqa: ANN001
    return next(r for r in rows(panel.steps_model) if r[0] == what)


def ben_panel(qtbot, services, actor, username: str = "mokafor") -> ReviewsPanel:  # noqa: ANN001
    panel = ReviewsPanel(services, actor(services, username))
    qtbot.addWidget(panel)
    panel.show_pupil(BEN)
    return panel


def schedule(panel, monkeypatch, day: date = date(2026, 12, 14), at: time | None = None,  # noqa: ANN001
             place: str | None = None) -> None:
    monkeypatch.setattr(panel, "ask_meeting", lambda *a: (day, at, place))
    panel.schedule_button.click()


def move_clock(services, day: date) -> None:  # noqa: ANN001
    services.clock = services.reviews.clock = Clock(day)


def test_only_pupils_with_an_ehcp_are_offered_and_an_overdue_review_says_so(qtbot, sqlite_school, actor,
                                                                            monkeypatch):
    every = sqlite_school.pupils.list_pupils(actor(sqlite_school, "mokafor"))
    # every pupil of the example school has a plan: say Chloe Nowak has none
    every = [replace(p, has_ehcp=False) if p.first_name == "Chloe" else p for p in every]
    monkeypatch.setattr(sqlite_school.pupils, "list_pupils", lambda _actor: every)
    panel = ben_panel(qtbot, sqlite_school, actor)
    offered = [panel.pupil.itemText(i) for i in range(panel.pupil.count())]
    assert offered == ["Ben Hughes (Oak)", "Amara Osei (Oak)", "Dev Sharma (Willow)"]
    assert panel.pupil.accessibleName() == "Pupil"
    assert panel.pupil.currentData() == BEN
    assert "Plan issued: 1 Jun 2022" in panel.summary.text() and "Last review: 10 Nov 2025" in panel.summary.text()
    assert panel.next_due.text() == "Next review due by: 9 Nov 2026 — OVERDUE (14 days late)"
    assert panel.meeting.text() == "No review meeting is planned."
    assert panel.schedule_button.isEnabled()
    for button in (panel.move_button, panel.cancel_button, panel.held_button, panel.invite_button,
                   panel.save_button, panel.after_button):
        assert not button.isEnabled()


def test_scheduling_a_meeting_shows_its_deadlines_and_who_is_invited(qtbot, sqlite_school, actor, monkeypatch):
    panel = ben_panel(qtbot, sqlite_school, actor)
    schedule(panel, monkeypatch, date(2026, 12, 14), time(10, 0), "Library")
    assert "14 Dec 2026 at 10:00, Library" in panel.meeting.text() and "planned" in panel.meeting.text()
    assert panel.message.text() == ("Review meeting for Ben Hughes set for 14 Dec 2026: invitations and advice "
                                    "are due by 30 Nov 2026.")
    assert step(panel, "invitations sent") == ["invitations sent", "30 Nov 2026", "", "to do"]
    assert step(panel, "the LA's decision")[1] == "11 Jan 2027"
    invitees = rows(panel.invitees_model)
    assert ["parent or carer", "Mark Hughes"] in invitees and ["parent or carer", "Claire Hughes"] in invitees
    assert ["class teacher", "Tom Taylor"] in invitees
    assert not panel.schedule_button.isEnabled()
    assert panel.move_button.isEnabled() and panel.cancel_button.isEnabled() and panel.save_button.isEnabled()
    assert not panel.after_button.isEnabled()  # nothing to record after a meeting not yet held
    # a second meeting cannot be set while one is planned: the service says why
    assert sqlite_school.reviews.for_pupil(actor(sqlite_school, "mokafor"), BEN).current is not None


def test_moving_the_meeting_moves_the_deadlines_and_the_advice_due(qtbot, sqlite_school, actor, monkeypatch):
    panel = ben_panel(qtbot, sqlite_school, actor)
    schedule(panel, monkeypatch)
    monkeypatch.setattr(panel, "ask_professionals", lambda: (["nhs-slt-1"], None))
    panel.advice_button.click()
    assert panel.message.text() == "Advice asked of 1 professional, due by 30 Nov 2026."
    assert rows(panel.advice_model) == [["Rachel Green", "23 Nov 2026", "30 Nov 2026", "awaited"]]
    moved_to = []
    monkeypatch.setattr(panel, "ask_meeting", lambda title, review: moved_to.append(review.meeting_on)
                        or (date(2027, 1, 11), time(13, 30), "Hall"))
    panel.move_button.click()
    assert moved_to == [date(2026, 12, 14)]  # the dialog starts from the meeting as it is
    assert panel.message.text() == "Meeting moved to 11 Jan 2027: the deadlines moved with it. Ctrl+Z undoes it."
    assert "11 Jan 2027 at 13:30, Hall" in panel.meeting.text()
    assert step(panel, "invitations sent")[1] == "28 Dec 2026"
    assert step(panel, "the LA's decision")[1] == "8 Feb 2027"
    assert rows(panel.advice_model) == [["Rachel Green", "23 Nov 2026", "28 Dec 2026", "awaited"]]


def test_the_childs_views_are_saved_and_shown_again(qtbot, sqlite_school, actor, monkeypatch):
    panel = ben_panel(qtbot, sqlite_school, actor)
    schedule(panel, monkeypatch)
    panel.texts["child_views"].setPlainText("Ben likes the hydrotherapy pool and wants to walk further.")
    panel.texts["proposed_amendments"].setPlainText("Section F: add weekly physiotherapy.")
    panel.save_button.click()
    assert panel.message.text() == "Paperwork of Ben Hughes's review saved. Ctrl+Z undoes it."
    again = ben_panel(qtbot, sqlite_school, actor)
    assert again.texts["child_views"].toPlainText() == "Ben likes the hydrotherapy pool and wants to walk further."
    assert again.texts["proposed_amendments"].toPlainText() == "Section F: add weekly physiotherapy."
    assert again.texts["parent_views"].toPlainText() == ""


def test_text_being_typed_survives_other_changes_and_saves(qtbot, sqlite_school, actor, monkeypatch):
    panel = ben_panel(qtbot, sqlite_school, actor)
    schedule(panel, monkeypatch)
    panel.texts["parent_views"].document().setModified(True)
    panel.texts["parent_views"].setPlainText("Mr and Mrs Hughes would like more swimming.")
    panel.texts["parent_views"].document().setModified(True)
    panel.invitations_button.click()  # changes the meeting (and its version) while the text is unsaved
    assert step(panel, "invitations sent")[2:] == ["23 Nov 2026", "done"]
    assert panel.texts["parent_views"].toPlainText() == "Mr and Mrs Hughes would like more swimming."
    panel.save_button.click()
    assert panel.message.text() == "Paperwork of Ben Hughes's review saved. Ctrl+Z undoes it."


def test_saving_over_someone_elses_change_is_refused_and_keeps_the_text(qtbot, sqlite_school, actor, monkeypatch):
    senco = ben_panel(qtbot, sqlite_school, actor)
    schedule(senco, monkeypatch)
    head = ben_panel(qtbot, sqlite_school, actor, "hcarter")
    senco.texts["child_views"].setPlainText("Ben's own words.")
    senco.save_button.click()
    head.texts["child_views"].setPlainText("The head's note.")
    head.texts["child_views"].document().setModified(True)
    head.save_button.click()
    assert head.message.text().startswith("This review meeting was changed by mokafor")
    assert head.texts["child_views"].toPlainText() == "The head's note."
    assert "Your text is still below" in head.message.text()
    review = sqlite_school.reviews.for_pupil(actor(sqlite_school, "mokafor"), BEN).current
    assert review.child_views == "Ben's own words."
    head.saved_text_button.click()
    assert head.texts["child_views"].toPlainText() == "Ben's own words."
    head.texts["child_views"].setPlainText("Ben's own words. The head's note.")
    head.save_button.click()
    assert head.message.text() == "Paperwork of Ben Hughes's review saved. Ctrl+Z undoes it."


def test_recording_the_meeting_held_makes_it_the_last_review(qtbot, sqlite_school, actor, monkeypatch):
    panel = ben_panel(qtbot, sqlite_school, actor)
    schedule(panel, monkeypatch)
    monkeypatch.setattr(panel, "confirm", lambda *a: True)
    panel.held_button.click()  # too early: the meeting is in three weeks
    assert panel.message.text().startswith("Not recorded: the meeting is on 14 Dec 2026")
    assert "Last review: 10 Nov 2025" in panel.summary.text()
    move_clock(sqlite_school, date(2026, 12, 15))
    panel.held_button.click()
    assert panel.message.text() == ("Meeting of 14 Dec 2026 recorded as held: it is Ben Hughes's last review.")
    assert "Last review: 14 Dec 2026" in panel.summary.text()
    assert panel.next_due.text() == "Next review due by: 13 Dec 2027 (in 363 days)"
    assert "Last meeting: 14 Dec 2026" in panel.meeting.text() and "held" in panel.meeting.text()
    assert rows(panel.past_model) == [["14 Dec 2026", "held", "nothing recorded after the meeting yet"]]
    assert panel.schedule_button.isEnabled() and panel.after_button.isEnabled()
    assert not panel.move_button.isEnabled() and not panel.held_button.isEnabled()
    monkeypatch.setattr(panel, "ask_after", lambda review: {"report_sent_on": date(2026, 12, 15)})
    panel.after_button.click()
    assert panel.message.text() == "Recorded: School's report sent to the LA and invitees 15 Dec 2026."
    assert step(panel, "the school's report sent to the LA and every invitee")[2:] == ["15 Dec 2026", "done"]
    assert rows(panel.past_model)[0][2] == "report sent 15 Dec 2026"


def test_a_held_meeting_not_confirmed_is_not_recorded(qtbot, sqlite_school, actor, monkeypatch):
    panel = ben_panel(qtbot, sqlite_school, actor)
    schedule(panel, monkeypatch)
    move_clock(sqlite_school, date(2026, 12, 15))
    monkeypatch.setattr(panel, "confirm", lambda *a: False)
    panel.held_button.click()
    assert "planned" in panel.meeting.text() and "Last review: 10 Nov 2025" in panel.summary.text()


def test_a_teacher_sees_their_pupils_reviews_read_only(qtbot, sqlite_school, actor, monkeypatch):
    senco = ben_panel(qtbot, sqlite_school, actor)
    schedule(senco, monkeypatch)
    senco.texts["child_views"].setPlainText("Ben's own words.")
    senco.save_button.click()
    panel = ben_panel(qtbot, sqlite_school, actor, "ttaylor")
    assert all(panel.pupil.itemText(i).endswith("(Oak)") for i in range(panel.pupil.count()))
    assert "14 Dec 2026" in panel.meeting.text()
    assert ["class teacher", "Tom Taylor"] in rows(panel.invitees_model)
    assert panel.texts["child_views"].toPlainText() == "Ben's own words."
    assert panel.texts["child_views"].isReadOnly()
    for button in panel.edit_buttons:
        assert button.isHidden()
    panel.show()
    assert not panel.schedule_button.isVisible() and not panel.save_button.isVisible()


def test_cancelling_needs_a_reason_and_then_keeps_the_meeting_with_it(qtbot, sqlite_school, actor, monkeypatch):
    panel = ben_panel(qtbot, sqlite_school, actor)
    schedule(panel, monkeypatch)
    monkeypatch.setattr(panel, "ask_reason", lambda: "  ")
    panel.cancel_button.click()
    assert panel.message.text() == "Not recorded: reason: say why the meeting is cancelled"
    assert "planned" in panel.meeting.text() and rows(panel.past_model) == []
    monkeypatch.setattr(panel, "ask_reason", lambda: "Mrs Hughes is in hospital")
    panel.cancel_button.click()
    assert panel.message.text() == "The meeting of 14 Dec 2026 is cancelled (kept in the past meetings)."
    assert rows(panel.past_model) == [["14 Dec 2026", "cancelled", "reason: Mrs Hughes is in hospital"]]
    assert panel.meeting.text() == "No review meeting is planned."
    assert panel.schedule_button.isEnabled() and not panel.move_button.isEnabled()
    assert rows(panel.steps_model) == [] and rows(panel.invitees_model) == []


def test_inviting_and_removing_people(qtbot, sqlite_school, actor, monkeypatch):
    panel = ben_panel(qtbot, sqlite_school, actor)
    schedule(panel, monkeypatch)
    monkeypatch.setattr(panel, "ask_invitee", lambda: ("other", "", None))
    panel.invite_button.click()
    assert panel.message.text() == "Not recorded: name: give the name of the person invited"
    monkeypatch.setattr(panel, "ask_invitee", lambda: ("professional", "", "nhs-slt-1"))
    panel.invite_button.click()
    monkeypatch.setattr(panel, "ask_invitee", lambda: ("other", "Sam Field (hydrotherapy)", None))
    panel.invite_button.click()
    invitees = rows(panel.invitees_model)
    assert ["professional", "Rachel Green"] in invitees and ["other", "Sam Field (hydrotherapy)"] in invitees
    panel.remove_button.click()
    assert panel.message.text() == "Choose the invitee to remove first."
    panel.invitees_table.selectRow(next(i for i, r in enumerate(rows(panel.invitees_model)) if r[1] == "Tom Taylor"))
    panel.remove_button.click()
    assert panel.message.text() == "Tom Taylor is no longer invited."
    assert "Tom Taylor" not in [r[1] for r in rows(panel.invitees_model)]


def test_recording_a_circulation_marks_the_step_done(qtbot, sqlite_school, actor, monkeypatch):
    panel = ben_panel(qtbot, sqlite_school, actor)
    schedule(panel, monkeypatch)
    monkeypatch.setattr(panel, "ask_circulation", lambda: ("physiotherapy advice", "all invitees", date(2026, 12, 1)))
    panel.circulation_button.click()
    assert panel.message.text().startswith("Not recorded: sent_on: the date sent cannot be in the future")
    assert rows(panel.circulations_model) == []
    monkeypatch.setattr(panel, "ask_circulation", lambda: ("physiotherapy advice", "all invitees", date(2026, 11, 20)))
    panel.circulation_button.click()
    assert rows(panel.circulations_model) == [["physiotherapy advice", "all invitees", "20 Nov 2026"]]
    assert step(panel, "advice and reports circulated to the invitees")[2:] == ["20 Nov 2026", "done"]


def test_late_paperwork_reads_overdue(qtbot, sqlite_school, actor, monkeypatch):
    panel = ben_panel(qtbot, sqlite_school, actor)
    schedule(panel, monkeypatch, date(2026, 11, 30))  # invitations were due by 16 Nov
    assert step(panel, "invitations sent")[1:] == ["16 Nov 2026", "", "OVERDUE"]
    panel.invitations_button.click()
    assert step(panel, "invitations sent")[2:] == ["23 Nov 2026", "done late"]


def test_the_meeting_dialog_gives_date_time_and_place(qtbot, sqlite_school, actor, monkeypatch):
    panel = ben_panel(qtbot, sqlite_school, actor)

    def fill(dialog) -> int:  # noqa: ANN001
        assert dialog.day.calendarPopup() and dialog.day.date() == QDate(2026, 11, 23)
        assert not dialog.at.isEnabled()
        dialog.day.setDate(QDate(2026, 12, 14))
        dialog.timed.setChecked(True)
        dialog.at.setTime(QTime(14, 15))
        dialog.place.setText("  Meeting room ")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(MeetingDialog, "exec", fill)
    panel.schedule_button.click()
    assert "14 Dec 2026 at 14:15, Meeting room" in panel.meeting.text()
    monkeypatch.setattr(MeetingDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    panel.move_button.click()
    assert "14 Dec 2026 at 14:15, Meeting room" in panel.meeting.text()


def test_the_invitee_and_after_meeting_dialogs(qtbot, sqlite_school, actor):
    services = sqlite_school
    invite = InviteeDialog(services.professionals.list_professionals(actor(services, "mokafor")))
    qtbot.addWidget(invite)
    invite.role.setCurrentIndex(invite.role.findData("social_worker"))
    invite.person.setText(" Jo Bell ")
    assert invite.values() == ("social_worker", "Jo Bell", None)
    invite.professional.setCurrentIndex(invite.professional.findData("nhs-slt-1"))
    assert invite.values() == ("professional", "", "nhs-slt-1") and not invite.person.isEnabled()
    review = services.reviews.schedule(actor(services, "mokafor"), BEN, date(2026, 11, 2))
    after = AfterDialog(review, date(2026, 11, 23))
    qtbot.addWidget(after)
    assert after.values() == {}
    after.ticks["la_decision_on"].setChecked(True)
    after.dates["la_decision_on"].setDate(QDate(2026, 11, 20))
    assert after.values() == {"la_decision_on": date(2026, 11, 20)}
    ask = AdviceDialog(services.professionals.list_professionals(actor(services, "mokafor")), date(2026, 11, 30))
    qtbot.addWidget(ask)
    for row in range(ask.list.count()):
        if ask.list.item(row).text().startswith("Rachel Green"):
            ask.list.item(row).setCheckState(Qt.CheckState.Checked)
    assert ask.values() == (["nhs-slt-1"], None)



def test_choosing_another_pupil_and_reloading(qtbot, sqlite_school, actor, monkeypatch):
    panel = ben_panel(qtbot, sqlite_school, actor)
    schedule(panel, monkeypatch)
    panel.show_pupil("X000000000000")
    assert panel.message.text() == "There is no pupil with an EHCP and UPN X000000000000 to show here."
    assert panel.pupil.currentData() == BEN
    panel.pupil.setCurrentIndex(panel.pupil.findText("Dev Sharma (Willow)"))
    assert panel.message.text() == "" and panel.meeting.text() == "No review meeting is planned."
    assert "Last review: 14 Apr 2026" in panel.summary.text()
    # someone else sets Dev's meeting: reload shows it
    sqlite_school.reviews.schedule(actor(sqlite_school, "hcarter"), panel.pupil.currentData(), date(2027, 1, 20))
    panel.reload()
    assert "20 Jan 2027" in panel.meeting.text() and not panel.schedule_button.isEnabled()
    panel.show_pupil(BEN.lower())
    assert "14 Dec 2026" in panel.meeting.text()
