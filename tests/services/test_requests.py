"""Requests for independent therapy: the rules in context, each transition and each refused one."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed, Refused
from fairfields_desktop.domain.rules import RULE_IDS
from fairfields_desktop.services.context import Clock


def booked_dates(services, actor, ref: str) -> list[date]:
    blocks = services.bookings.bookings_between(actor, date(2026, 9, 1), date(2027, 7, 31), space="Therapy Room 1")
    return [b.start.date() for b in blocks if b.title and ref in b.title]


class TestCheck:
    def test_the_example_requests_are_judged_as_the_policy_says(self, school, actor):
        views = {v.ref: v for v in school.requests.check(actor(school, "mokafor"))}
        assert [r.rule for r in views["r-001"].results] == list(RULE_IDS)
        assert views["r-001"].eligible and views["r-003"].eligible
        assert views["r-002"].failed == ("ATTENDANCE",)
        [attendance] = [r for r in views["r-002"].results if r.rule == "ATTENDANCE"]
        assert attendance.detail == "attendance 91.5% on 20 Nov 2026 is below the school's 95.0%"

    def test_a_statutory_booking_in_the_requested_slot_fails_space(self, sqlite_school, actor):
        from fairfields_desktop.services.bookings import BookingDraft

        office = actor(sqlite_school, "sbrown")
        sqlite_school.bookings.book(office, BookingDraft("Therapy Room 1", datetime(2026, 12, 8, 10, 30),
                                                         datetime(2026, 12, 8, 11, 0), professional="nhs-slt-1",
                                                         title="SLT review"))
        [view] = sqlite_school.requests.check(actor(sqlite_school, "hcarter"), "r-001")
        [space] = [r for r in view.results if r.rule == "SPACE"]
        assert not space.ok and space.detail.startswith("Therapy Room 1 is taken on 1 of 10 dates: 8 Dec")

    def test_the_form_panel_evaluates_values_not_yet_saved(self, sqlite_school, actor):
        values = {"pupil": "X319700121005", "professional": "ind-ot-1", "setting": "in_school",
                  "first_session": "2027-01-06", "last_session": "2027-05-26", "start_time": "13:30",
                  "end_time": "14:15", "space": "Sensory Room", "class_staff": "jpatel"}
        results = {r.rule: r for r in sqlite_school.requests.evaluate_values(actor(sqlite_school, "mokafor"), values)}
        assert not results["MAX_WEEKS"].ok and "over the school's maximum of 12" in results["MAX_WEEKS"].detail
        assert not results["EHCP_APPROVAL"].ok and not results["CLASSROOM_AGREEMENT"].ok
        assert results["CLASS_STAFF"].detail == "Jaya Patel is Oak class staff, not Willow"
        assert results["ATTENDANCE"].ok  # 95.0% meets 95.0%


class TestDecisions:
    def test_approving_books_the_in_school_sessions_in_one_go(self, school, actor):
        head = actor(school, "hcarter")
        result = school.requests.decide(head, "r-001", "approve", reason="all rules met")
        assert result.request.status == "approved" and result.booked == 10
        assert booked_dates(school, head, "r-001")[:3] == [date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15)]
        assert result.request.history[-1].action == "approved" and result.request.history[-1].by == "hcarter"

    def test_approving_over_a_failed_rule_needs_an_override_reason(self, school, actor):
        head = actor(school, "hcarter")
        with pytest.raises(Refused, match="ATTENDANCE"):
            school.requests.decide(head, "r-002", "approve")
        assert school.requests.get(head, "r-002").status == "submitted"
        result = school.requests.decide(head, "r-002", "approve",
                                        overrides={"ATTENDANCE": "attendance rising since September"})
        assert result.request.overrides[0][:3] == ("ATTENDANCE", "attendance rising since September", "hcarter")

    def test_declining_needs_a_reason(self, sqlite_school, actor):
        head = actor(sqlite_school, "hcarter")
        with pytest.raises(InvalidInput, match="why"):
            sqlite_school.requests.decide(head, "r-002", "decline")
        assert sqlite_school.requests.decide(head, "r-002", "decline", reason="attendance").request.status == "declined"

    def test_suspend_review_meeting_then_reinstate_rebooks_what_is_free(self, sqlite_school, actor):
        head, senco = actor(sqlite_school, "hcarter"), actor(sqlite_school, "mokafor")
        sqlite_school.requests.decide(head, "r-001", "approve")
        later = Clock(date(2026, 12, 2))
        sqlite_school.requests.clock = later
        sqlite_school.bookings.clock = later
        result = sqlite_school.requests.decide(head, "r-001", "suspend", reason="missing phonics group")
        assert result.cancelled == 9  # 8 Dec onwards; 1 Dec has passed
        assert booked_dates(sqlite_school, head, "r-001") == [date(2026, 12, 1)]
        with pytest.raises(Refused, match="review meeting"):
            sqlite_school.requests.decide(head, "r-001", "reinstate")
        with pytest.raises(InvalidInput, match="on or after the suspension"):
            sqlite_school.requests.decide(senco, "r-001", "review-meeting", on=date(2026, 12, 1))
        sqlite_school.requests.decide(senco, "r-001", "review-meeting", on=date(2026, 12, 2),
                                      attendees="Abena Osei, Karen Walsh, Tom Taylor", reason="resume in January")
        from fairfields_desktop.services.bookings import BookingDraft

        sqlite_school.bookings.book(actor(sqlite_school, "sbrown"), BookingDraft(
            "Therapy Room 1", datetime(2027, 1, 5, 10, 30), datetime(2027, 1, 5, 11, 0), professional="nhs-slt-1"))
        result = sqlite_school.requests.decide(head, "r-001", "reinstate", reason="agreed at the review")
        assert result.request.status == "approved" and result.booked == 8
        assert result.not_rebooked == ("5 Jan 2027: Therapy Room 1 is taken by Rachel Green",)
        actions = [h.action for h in sqlite_school.requests.get(head, "r-001").history]
        assert actions[-4:] == ["approved", "suspended", "review meeting", "reinstated"]

    def test_extend_makes_a_new_linked_authorisation(self, sqlite_school, actor):
        head = actor(sqlite_school, "hcarter")
        sqlite_school.requests.decide(head, "r-003", "approve")
        with pytest.raises(InvalidInput, match="reason"):
            sqlite_school.requests.decide(head, "r-003", "extend", until=date(2027, 5, 14))
        result = sqlite_school.requests.decide(head, "r-003", "extend", until=date(2027, 5, 14),
                                               reason="rehabilitation after surgery")
        new = result.request
        assert new.extends == "r-003" and new.status == "approved" and new.first_session == date(2027, 4, 16)
        assert new.last_session == date(2027, 5, 14)
        [extension] = [r for r in new.results if r.rule == "EXTENSION"]
        assert extension.ok and "rehabilitation after surgery" in extension.detail

    def test_end_cancels_future_sessions_and_keeps_them(self, sqlite_school, actor):
        head = actor(sqlite_school, "hcarter")
        sqlite_school.requests.decide(head, "r-001", "approve")
        result = sqlite_school.requests.decide(head, "r-001", "end", reason="therapy finished early",
                                               on=date(2027, 1, 1))
        assert result.cancelled == 7 and result.request.status == "ended"
        week = sqlite_school.bookings.week_view(head, sqlite_school.bookings.spaces(head)[-1].id, date(2027, 1, 5),
                                                include_cancelled=True)
        assert any(b.status == "cancelled" and "therapy finished early" in (b.cancel_reason or "") for b in week.blocks)


class TestWhoDecides:
    def test_only_the_headteacher_decides(self, sqlite_school, actor):
        for username in ("mokafor", "sbrown", "admin"):
            with pytest.raises(NotAllowed, match="acting head"):
                sqlite_school.requests.decide(actor(sqlite_school, username), "r-001", "approve")

    def test_an_acting_head_decides_under_delegation_and_it_is_recorded(self, sqlite_school, actor):
        head, senco = actor(sqlite_school, "hcarter"), actor(sqlite_school, "mokafor")
        sqlite_school.requests.delegate(head, "mokafor", date(2026, 11, 23), date(2026, 11, 27))
        result = sqlite_school.requests.decide(senco, "r-001", "approve")
        assert result.request.history[-1].details["on_behalf_of"] == "hcarter"

    def test_a_delegation_that_has_ended_no_longer_allows_decisions(self, sqlite_school, actor):
        head, senco = actor(sqlite_school, "hcarter"), actor(sqlite_school, "mokafor")
        sqlite_school.requests.delegate(head, "mokafor", date(2026, 11, 9), date(2026, 11, 20))
        with pytest.raises(NotAllowed, match="23 Nov 2026"):
            sqlite_school.requests.decide(senco, "r-001", "approve")

    def test_only_the_headteacher_delegates(self, sqlite_school, actor):
        with pytest.raises(NotAllowed):
            sqlite_school.requests.delegate(actor(sqlite_school, "mokafor"), "mokafor", date(2026, 11, 23),
                                            date(2026, 11, 27))


class TestOffSite:
    def test_an_off_site_session_is_logged_and_listed_until_the_pupil_is_back(self, sqlite_school, actor):
        head, office = actor(sqlite_school, "hcarter"), actor(sqlite_school, "sbrown")
        sqlite_school.requests.decide(head, "r-003", "approve")
        log_id = sqlite_school.requests.log_off_site(office, "r-003", datetime(2027, 1, 8, 13, 20), taken_by="Dad")
        [(ident, pupil, pro, out, by)] = sqlite_school.requests.off_site_now(office)
        assert (ident, pupil, pro, by) == (log_id, "Dev Sharma", "Peter Quinn", "Dad")
        sqlite_school.requests.mark_back(office, log_id, datetime(2027, 1, 8, 15, 5), "\\")
        assert sqlite_school.requests.off_site_now(office) == []


class TestWhatIsReadIsKeptOnlyWhileUnchanged:
    def test_a_booking_made_on_another_pc_is_seen_by_the_next_check(self, school, open_school, db_url, actor):
        from fairfields_desktop.services.bookings import BookingDraft

        head = actor(school, "hcarter")
        [before] = school.requests.check(head, "r-001")
        assert [r.ok for r in before.results if r.rule == "SPACE"] == [True]
        other_pc = open_school(db_url)
        other_pc.bookings.book(actor(other_pc, "sbrown"), BookingDraft(
            "Therapy Room 1", datetime(2027, 1, 12, 10, 30), datetime(2027, 1, 12, 11, 0), professional="nhs-slt-1"))
        [after] = school.requests.check(head, "r-001")
        [space] = [r for r in after.results if r.rule == "SPACE"]
        assert not space.ok and "12 Jan" in space.detail
