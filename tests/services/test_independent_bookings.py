"""Independent therapy in the school day exists only through an approved request (or the headteacher's
recorded reason); a loaded school's approved requests hold their space; a request shows its sessions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

import pytest
from sqlalchemy import select, update

from fairfields_desktop.domain.bookings import needs_authorisation
from fairfields_desktop.domain.errors import NotAllowed, Refused
from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.services.context import Clock
from fairfields_desktop.services.requests import sessions_summary
from fairfields_desktop.store.models import AuditRow, BookingRow

AMARA = "Z319700118114"
HEADS_REASON = "Parent-arranged OT agreed at the annual review while the request is considered"


def at(day: str, hm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hm}")


#: Karen Walsh (independent) with a pupil, weekly in Therapy Room 1 through December: the issue's example
WEEKLY_OT = BookingDraft(space="Therapy Room 1", start=at("2026-12-02", "10:30"), end=at("2026-12-02", "11:15"),
                         professional="ind-ot-1", pupils=(AMARA,), title="OT", weekly_until=date(2026, 12, 16))


def ot_bookings(services, who) -> list:
    blocks = services.bookings.bookings_between(who, date(2026, 11, 23), date(2027, 3, 31), space="Therapy Room 1")
    return [b for b in blocks if b.professional_id == "ind-ot-1"]


class TestTheRule:
    def test_only_an_independent_therapist_with_pupils_touching_the_school_day(self):
        day_start, day_end = time(8, 50), time(15, 10)
        inside = (at("2026-12-02", "10:30"), at("2026-12-02", "11:15"))
        assert needs_authorisation("independent", True, *inside, day_start, day_end)
        assert not needs_authorisation("independent", False, *inside, day_start, day_end)  # a meeting
        assert not needs_authorisation("statutory", True, *inside, day_start, day_end)
        assert not needs_authorisation("independent", True, at("2026-12-02", "15:10"), at("2026-12-02", "16:00"),
                                       day_start, day_end)  # after school: starts as the day ends
        assert not needs_authorisation("independent", True, at("2026-12-02", "08:00"), at("2026-12-02", "08:50"),
                                       day_start, day_end)
        assert needs_authorisation("independent", True, at("2026-12-02", "15:00"), at("2026-12-02", "16:00"),
                                   day_start, day_end)  # ten minutes of it in the school day


class TestBookingRefused:
    def test_the_office_is_refused_and_nothing_is_booked(self, school, actor):
        office = actor(school, "sbrown")
        plan = school.bookings.plan(office, WEEKLY_OT)
        assert not plan.ok and "only under the headteacher's authorisation" in plan.needs_request
        assert "Start a request for the headteacher" in plan.needs_request
        with pytest.raises(Refused, match="Karen Walsh is an independent therapist"):
            school.bookings.book(office, WEEKLY_OT)
        assert ot_bookings(school, office) == []

    def test_giving_priority_does_not_open_a_way_round(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        with pytest.raises(Refused, match="headteacher's authorisation"):
            sqlite_school.bookings.book_with_priority(office, WEEKLY_OT, {})
        assert ot_bookings(sqlite_school, office) == []

    def test_a_meeting_without_pupils_is_booked_by_the_office(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        meeting = replace(WEEKLY_OT, pupils=(), staff=("ttaylor",), title="OT: advice to Oak class staff",
                          weekly_until=None)
        assert sqlite_school.bookings.plan(office, meeting).ok
        [block] = sqlite_school.bookings.book(office, meeting)
        assert block.professional == "Karen Walsh" and not block.direct and block.request_ref is None

    def test_the_head_with_a_reason_books_it_and_the_reason_is_kept(self, school, actor):
        head = actor(school, "hcarter")
        blocks = school.bookings.book(head, replace(WEEKLY_OT, direct_reason=f"  {HEADS_REASON} "))
        assert len(blocks) == 3 and all(b.direct for b in blocks)
        assert blocks[0].direct_reason == HEADS_REASON  # the head reads it, as she reads notes
        office = actor(school, "sbrown")
        seen = ot_bookings(school, office)[0]
        assert seen.direct and seen.direct_reason is None  # the office sees it was direct, not why
        with school.db.read_session() as session:
            stored = session.scalar(select(BookingRow.direct_reason).where(BookingRow.ext_id == blocks[0].booking_ref))
            [created] = session.scalars(select(AuditRow.after).where(AuditRow.entity == "booking",
                                                                     AuditRow.action == "create",
                                                                     AuditRow.entity_id == blocks[0].booking_ref))
        assert stored == HEADS_REASON and created["direct_reason"] == HEADS_REASON

    def test_the_head_without_a_reason_is_refused(self, sqlite_school, actor):
        head = actor(sqlite_school, "hcarter")
        with pytest.raises(Refused, match="headteacher's authorisation"):
            sqlite_school.bookings.book(head, replace(WEEKLY_OT, direct_reason="   "))
        assert ot_bookings(sqlite_school, head) == []

    def test_a_senco_giving_a_reason_is_not_allowed(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        with pytest.raises(NotAllowed, match="only the headteacher"):
            sqlite_school.bookings.book(senco, replace(WEEKLY_OT, direct_reason=HEADS_REASON))
        with pytest.raises(NotAllowed):
            sqlite_school.bookings.plan(senco, replace(WEEKLY_OT, direct_reason=HEADS_REASON))
        assert ot_bookings(sqlite_school, senco) == []

    def test_an_old_unauthorised_session_is_not_moved_by_the_office(self, sqlite_school, actor):
        """A booking from before the rule (no request, no reason) stays where it is but for the head."""
        office, head = actor(sqlite_school, "sbrown"), actor(sqlite_school, "hcarter")
        [block] = sqlite_school.bookings.book(head, replace(WEEKLY_OT, weekly_until=None, direct_reason="x"))
        with sqlite_school.db.session() as session:  # as a booking made before the rule was
            session.execute(update(BookingRow).where(BookingRow.ext_id == block.booking_ref)
                            .values(direct_reason=None))
        with pytest.raises(Refused, match="headteacher's authorisation"):
            sqlite_school.bookings.move(office, block.occurrence_id, at("2026-12-03", "10:30"),
                                        at("2026-12-03", "11:15"))
        [moved] = sqlite_school.bookings.move(head, block.occurrence_id, at("2026-12-03", "10:30"),
                                              at("2026-12-03", "11:15"))
        assert moved.start == at("2026-12-03", "10:30")

    def test_approving_a_request_still_books_its_sessions(self, sqlite_school, actor):
        head = actor(sqlite_school, "hcarter")
        result = sqlite_school.requests.decide(head, "r-001", "approve", reason="all rules met")
        assert result.booked == 10
        blocks = sqlite_school.bookings.bookings_between(head, date(2026, 12, 1), date(2027, 2, 23),
                                                         space="Therapy Room 1")
        made = [b for b in blocks if b.request_ref == "r-001"]
        assert len(made) == 10 and made[0].title == "Independent occupational therapy (r-001)"
        assert not made[0].direct


def approved_r001(doc: dict) -> dict:
    request = doc["requests"][0]
    request["status"] = "approved"
    request["history"] = [{"at": "2026-11-20T15:00", "by": "hcarter", "action": "approved", "reason": "checks done"}]
    return doc


class TestTheLoadBooksApprovedRequests:
    def test_an_approved_in_school_request_without_bookings_holds_its_room_after_a_load(self, open_school, db_url,
                                                                                         example_doc, actor):
        services = open_school(db_url)
        counts = services.dataset.load(approved_r001(example_doc))
        assert counts["request_sessions_booked"] == 10 and counts.problems == ()
        head = actor(services, "hcarter")
        blocks = services.bookings.bookings_between(head, date(2026, 12, 1), date(2027, 2, 23), space="Therapy Room 1")
        made = [b for b in blocks if b.request_ref == "r-001"]
        assert [b.start for b in made[:2]] == [at("2026-12-01", "10:30"), at("2026-12-08", "10:30")]
        assert len(made) == 10 and all("(r-001)" in b.title for b in made)

    def test_a_dump_holds_them_naming_the_request_and_a_second_load_books_nothing_twice(self, open_school, tmp_path,
                                                                                        example_doc, actor):
        first = open_school(f"sqlite:///{tmp_path / 'first.sqlite3'}")
        first.dataset.load(approved_r001(example_doc))
        dump = first.dataset.dump(actor(first, "admin"))
        assert [b["row"]["request_id"] for b in dump["bookings"] if "r-001" in (b["purpose"] or "")] == [1]
        again = open_school(f"sqlite:///{tmp_path / 'again.sqlite3'}")
        counts = again.dataset.load(dump)
        assert "request_sessions_booked" not in counts
        assert again.dataset.dump(actor(again, "admin"))["bookings"] == dump["bookings"]

    def test_a_clash_is_listed_and_that_session_left_unbooked(self, open_school, sqlite_url, example_doc, actor):
        doc = approved_r001(example_doc)
        doc["bookings"].append({"id": "b-004", "space": "Therapy Room 1", "start": "2026-12-08T10:15",
                                "end": "2026-12-08T11:00", "professional": "nhs-slt-1", "staff": [], "pupils": [],
                                "purpose": "SLT: staff training", "repeat_weekly_until": None, "status": "booked"})
        services = open_school(sqlite_url)
        counts = services.dataset.load(doc)
        assert counts["request_sessions_booked"] == 9
        [problem] = counts.problems
        assert problem.startswith("r-001 on Tue 8 Dec 2026 10:30–11:15: not booked: Therapy Room 1 is held by "
                                  "Rachel Green (SLT: staff training) (b-004)")
        sessions = services.requests.sessions_of(actor(services, "hcarter"), "r-001")
        assert [s.state for s in sessions[:3]] == ["booked", "not booked", "booked"]

    def test_a_request_not_approved_or_off_site_books_nothing(self, open_school, sqlite_url, example_doc):
        services = open_school(sqlite_url)
        counts = services.dataset.load(example_doc)
        assert "request_sessions_booked" not in counts and counts.problems == ()


class TestTheDemoSchool:
    def test_its_approved_in_school_requests_hold_their_rooms_and_suspending_cancels_them(self, open_school,
                                                                                        sqlite_url, actor):
        services = open_school(sqlite_url)
        services.dataset.load_demo()
        head = actor(services, "hcarter")
        approved = [r.ref for r in services.requests.list_requests(head, statuses=("approved",))
                    if r.setting == "in_school"]
        assert approved == ["r-006"]
        sessions = services.requests.sessions_of(head, "r-006")
        to_come = [s for s in sessions if s.day >= date(2026, 11, 23)]  # the demo's today
        assert len(to_come) >= 8 and {s.state for s in to_come} == {"booked"}
        assert {s.space for s in to_come} == {"Therapy Room 2"}
        assert sessions_summary(sessions).startswith(f"{len(to_come)} booked in Therapy Room 2")
        later = Clock(date(2026, 12, 2))
        services.requests.clock = services.bookings.clock = later
        result = services.requests.decide(head, "r-006", "suspend", reason="insurance renewal not yet seen")
        assert result.cancelled > 0
        sessions = services.requests.sessions_of(head, "r-006")
        cancelled = [s for s in sessions if s.state == "cancelled"]
        assert len(cancelled) == result.cancelled and cancelled[0].day == date(2026, 12, 2)
        assert "cancelled: suspended" in sessions_summary(sessions)


class TestSessionsOfARequest:
    def test_each_date_with_what_became_of_it(self, sqlite_school, actor):
        head, office = actor(sqlite_school, "hcarter"), actor(sqlite_school, "sbrown")
        sqlite_school.requests.decide(head, "r-001", "approve", reason="all rules met")
        blocks = [b for b in sqlite_school.bookings.bookings_between(head, date(2026, 12, 1), date(2027, 2, 23),
                                                                     space="Therapy Room 1")
                  if b.request_ref == "r-001"]
        sqlite_school.bookings.cancel(office, blocks[1].occurrence_id, "therapist ill")
        sqlite_school.bookings.move(office, blocks[2].occurrence_id, at("2026-12-15", "13:30"),
                                    at("2026-12-15", "14:15"))
        sessions = sqlite_school.requests.sessions_of(head, "r-001")
        assert len(sessions) == 10
        assert [s.state for s in sessions[:4]] == ["booked", "cancelled", "moved", "booked"]
        assert sessions[1].text() == "Tue 8 Dec 2026: cancelled (therapist ill)"
        assert sessions[2].text() == "Tue 15 Dec 2026: moved to Tue 15 Dec 2026 13:30–14:15 in Therapy Room 1"
        assert sessions_summary(sessions) == "8 booked in Therapy Room 1 (1 cancelled: therapist ill, 1 moved)"

    def test_an_off_site_request_holds_no_space(self, sqlite_school, actor):
        head = actor(sqlite_school, "hcarter")
        sessions = sqlite_school.requests.sessions_of(head, "r-003")
        assert sessions and {s.state for s in sessions} == {"off site"}
