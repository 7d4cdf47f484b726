"""The booking window with an independent therapist and a pupil in the school day: the refusal before "Book",
the request it offers to start (filled from the booking), the headteacher's reason; the request's sessions
in the Requests screen; the booking's detail naming the request that made it."""

from __future__ import annotations

import os
from datetime import date, datetime

from PySide6.QtWidgets import QDialog

from fairfields_desktop.ui.views.booking_dialog import BookingDialog
from fairfields_desktop.ui.views.request_dialogs import RequestDialog
from fairfields_desktop.ui.views.requests_view import ALL_FILTER, RequestsScreen
from fairfields_desktop.ui.views.timetable_view import render_block

AMARA = "Z319700118114"
SCREENSHOTS = os.environ.get("FAIRFIELDS_SCREENSHOTS")


def weekly_ot_dialog(qtbot, services, who) -> BookingDialog:  # noqa: ANN001
    dialog = BookingDialog(services, who, space="Therapy Room 1", start=datetime(2026, 12, 2, 10, 30),
                           end=datetime(2026, 12, 2, 11, 15))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose_professional("ind-ot-1")
    dialog.choose_pupils([AMARA])
    dialog.title_field.setText("OT")
    dialog.repeat.setChecked(True)
    dialog.until.setDate(dialog.until.date().fromString("2026-12-16", "yyyy-MM-dd"))
    return dialog


def ot_bookings(services, who) -> list:  # noqa: ANN001
    return [b for b in services.bookings.bookings_between(who, date(2026, 11, 23), date(2027, 3, 31))
            if b.professional_id == "ind-ot-1"]


class TestTheBookingWindow:
    def test_no_professional_is_chosen_for_the_person(self, qtbot, sqlite_school, actor):
        dialog = BookingDialog(sqlite_school, actor(sqlite_school, "sbrown"), space="Meeting Room",
                               start=datetime(2026, 11, 30, 9, 0), end=datetime(2026, 11, 30, 9, 30))
        qtbot.addWidget(dialog)
        assert dialog.professional.currentData() is None and dialog.professional.currentText() == "— choose —"
        assert dialog.draft().professional is None

    def test_the_office_is_told_before_booking_and_offered_a_request_filled_from_the_booking(
            self, qtbot, sqlite_school, actor, monkeypatch):
        office = actor(sqlite_school, "sbrown")
        dialog = weekly_ot_dialog(qtbot, sqlite_school, office)
        assert not dialog.submit()
        assert dialog.plan_box.isVisible() and dialog.plan_box.title() == "The headteacher's authorisation is needed"
        assert "only under the headteacher's authorisation" in dialog.plan_summary.text()
        assert "Nothing has been booked" in dialog.plan_summary.text()
        assert dialog.request_button.isVisible() and dialog.request_button.text().startswith("Start a &request")
        assert not dialog.ok_button.isEnabled() and not dialog.direct_reason.isVisible()
        if SCREENSHOTS:
            dialog.grab().save(os.path.join(SCREENSHOTS, "booking-needs-a-request.png"))
        assert ot_bookings(sqlite_school, office) == []

        form = dialog.request_dialog()
        qtbot.addWidget(form)
        assert isinstance(form, RequestDialog)
        values = form.values()
        assert (values["pupil"], values["professional"], values["setting"], values["space"]) == (
            AMARA, "ind-ot-1", "in_school", "Therapy Room 1")
        assert (values["first_session"], values["last_session"], values["weekday"]) == (
            "2026-12-02", "2026-12-16", "wednesday")
        assert (values["start_time"], values["end_time"]) == ("10:30", "11:15")

        def save_as_draft(form: RequestDialog) -> int:
            form.draft_button.click()
            return form.result()

        monkeypatch.setattr(RequestDialog, "exec", save_as_draft)
        dialog.request_button.click()
        qtbot.waitUntil(lambda: dialog.request_saved is not None)
        saved = sqlite_school.requests.get(actor(sqlite_school, "mokafor"), dialog.request_saved)
        assert (saved.status, saved.pupil_upn, saved.professional_id, saved.space) == (
            "draft", AMARA, "ind-ot-1", "Therapy Room 1")
        assert ot_bookings(sqlite_school, office) == []  # a request, not a booking

    def test_the_headteacher_gives_her_reason_and_books_it(self, qtbot, sqlite_school, actor):
        head = actor(sqlite_school, "hcarter")
        dialog = weekly_ot_dialog(qtbot, sqlite_school, head)
        assert not dialog.direct_reason.isVisible()
        assert not dialog.submit()
        assert dialog.direct_reason.isVisible() and not dialog.request_button.isVisible()
        assert "As headteacher you may book it directly" in dialog.plan_summary.text()
        assert dialog.ok_button.isEnabled()
        dialog.direct_reason.setText("Parent-arranged OT agreed at the annual review")
        assert dialog.submit()
        assert dialog.result() == QDialog.DialogCode.Accepted
        booked = ot_bookings(sqlite_school, head)
        assert len(booked) == 3 and booked[0].direct_reason == "Parent-arranged OT agreed at the annual review"
        assert "booked directly by the headteacher: Parent-arranged OT" in render_block(booked[0])


class TestARequestsSessions:
    def test_the_detail_lists_the_sessions_and_the_booking_names_its_request(self, qtbot, sqlite_school, actor):
        head, office = actor(sqlite_school, "hcarter"), actor(sqlite_school, "sbrown")
        sqlite_school.requests.decide(head, "r-001", "approve", reason="all rules met")
        made = [b for b in sqlite_school.bookings.bookings_between(office, date(2026, 12, 1), date(2027, 2, 23))
                if b.request_ref == "r-001"]
        sqlite_school.bookings.cancel(office, made[1].occurrence_id, "therapist ill")
        assert "made by request r-001" in render_block(made[0])
        screen = RequestsScreen(sqlite_school, head)
        qtbot.addWidget(screen)
        screen.resize(1400, 800)
        screen.show()
        screen.filter.setCurrentIndex(screen.filter.findData(ALL_FILTER))
        screen.select_request("r-001")
        assert screen.current is not None and screen.current.ref == "r-001"
        assert screen.sessions.isVisible()
        assert screen.sessions.text() == "<b>Sessions:</b> 9 booked in Therapy Room 1 (1 cancelled: therapist ill)"
        assert "Tue 8 Dec 2026: cancelled (therapist ill)" in screen.sessions.toolTip()
        if SCREENSHOTS:
            screen.grab().save(os.path.join(SCREENSHOTS, "request-sessions.png"))
        screen.select_request("r-002")
        assert not screen.sessions.isVisible()  # undecided: no sessions booked yet


def test_without_pupils_the_window_plans_an_observation_as_bookable(qtbot, sqlite_school, actor):
    office = actor(sqlite_school, "sbrown")
    dialog = BookingDialog(sqlite_school, office, space="Therapy Room 1", start=datetime(2026, 12, 2, 9, 0),
                           end=datetime(2026, 12, 2, 9, 45))
    qtbot.addWidget(dialog)
    dialog.choose_professional("ind-ot-1")
    dialog.title_field.setText("OT: observation of Oak class seating")
    plan = sqlite_school.bookings.plan(office, dialog.draft())
    assert plan.needs_request is None and plan.ok
    assert dialog.submit() and not dialog.request_button.isVisible()
