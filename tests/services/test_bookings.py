"""Bookings over the school calendar: repetition, half-open edges, clashes, priority, series edits."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import vobject

from fairfields_desktop.domain.bookings import time_band
from fairfields_desktop.domain.errors import InvalidInput, NotAllowed, Refused
from fairfields_desktop.services.bookings import BookingDraft

#: an independent therapist with a pupil in the school day is booked by an approved request, or directly by
#: the headteacher with a reason: the tests of priority book their independent sessions so
HEADS_REASON = "Parent-arranged OT, agreed at the annual review while the request is considered"


def at(day: str, hm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hm}")


def slt(start: datetime, end: datetime, **kw) -> BookingDraft:
    return BookingDraft(space=kw.pop("space", "Therapy Room 1"), start=start, end=end,
                        professional=kw.pop("professional", "nhs-slt-1"), **kw)


class TestRepetition:
    def test_a_weekly_series_skips_half_term_inset_days_and_the_christmas_holiday(self, school, actor):
        office = actor(school, "sbrown")
        # Fridays from 20 Nov 2026: 27 Nov is an INSET day; Christmas; 19 Feb 2027 is half term
        plan = school.bookings.plan(office, slt(at("2026-11-20", "13:00"), at("2026-11-20", "13:45"),
                                                weekly_until=date(2027, 2, 26)))
        days = [d.day.isoformat() for d in plan.dates]
        assert "2026-11-27" not in days and "2027-02-19" not in days and "2026-12-25" not in days
        assert days[:3] == ["2026-11-20", "2026-12-04", "2026-12-11"]
        assert days[3:5] == ["2026-12-18", "2027-01-08"]  # the series crosses into the spring term
        assert days[-1] == "2027-02-26" and plan.ok

    def test_a_bank_holiday_in_the_summer_term_is_skipped(self, sqlite_school, actor):
        plan = sqlite_school.bookings.plan(actor(sqlite_school, "sbrown"), slt(
            at("2027-04-26", "09:00"), at("2027-04-26", "09:30"), weekly_until=date(2027, 5, 10)))
        assert [d.day for d in plan.dates] == [date(2027, 4, 26), date(2027, 5, 10)]

    def test_the_series_is_offered_until_the_end_of_the_term(self, sqlite_school):
        assert sqlite_school.bookings.default_until(date(2026, 11, 24)) == date(2026, 12, 18)
        assert sqlite_school.bookings.default_until(date(2026, 12, 23)) == date(2027, 3, 25)

    def test_a_first_date_that_is_not_a_school_day_is_refused_with_why(self, sqlite_school, actor):
        with pytest.raises(InvalidInput, match="INSET day"):
            sqlite_school.bookings.plan(actor(sqlite_school, "sbrown"),
                                        slt(at("2026-11-27", "09:00"), at("2026-11-27", "09:30")))


class TestClashes:
    def test_touching_bookings_do_not_clash(self, school, actor):
        office = actor(school, "sbrown")  # b-001 holds Therapy Room 1 on Tuesdays 09:30-10:15
        before = school.bookings.book(office, slt(at("2026-11-24", "08:50"), at("2026-11-24", "09:30")))
        after = school.bookings.book(office, slt(at("2026-11-24", "10:15"), at("2026-11-24", "11:00")))
        assert len(before) == len(after) == 1

    def test_one_minute_of_overlap_clashes_and_names_the_booking(self, school, actor):
        office = actor(school, "sbrown")
        with pytest.raises(Refused) as caught:
            school.bookings.book(office, slt(at("2026-11-24", "10:14"), at("2026-11-24", "10:30"),
                                             professional="ind-ot-1"))
        [clash] = caught.value.reasons
        assert (clash.booking_ref, clash.start, clash.who) == ("b-001", at("2026-11-24", "09:30"),
                                                               "Rachel Green (SLT: AAC programme)")

    def test_every_clash_of_a_series_is_listed_and_skipping_books_the_rest(self, school, actor):
        office = actor(school, "sbrown")
        draft = slt(at("2026-11-17", "09:45"), at("2026-11-17", "10:30"), professional="ind-ot-1",
                    weekly_until=date(2027, 1, 12))
        plan = school.bookings.plan(office, draft)
        assert [d.day.isoformat() for d in plan.clashing] == ["2026-11-24", "2026-12-01", "2026-12-08",
                                                              "2026-12-15"]
        with pytest.raises(Refused):
            school.bookings.book(office, draft)
        booked = school.bookings.book(office, draft, skip=[d.day for d in plan.clashing])
        assert [b.start.date().isoformat() for b in booked] == ["2026-11-17", "2026-12-15"][:1] + ["2027-01-05",
                                                                                                 "2027-01-12"]

    def test_a_blocked_professional_is_refused_naming_the_check(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        karen = next(p for p in sqlite_school.professionals.list_professionals(office) if p.ext_id == "ind-ot-1")
        values = sqlite_school.professionals.values(office, karen.id)
        values["checks"]["insurance_expires"] = "2026-12-10"
        sqlite_school.professionals.save(office, values, karen.id)
        draft = slt(at("2026-12-03", "13:00"), at("2026-12-03", "13:45"), professional="ind-ot-1",
                    weekly_until=date(2026, 12, 17))
        with pytest.raises(Refused, match="insurance expired on 10 Dec 2026"):
            sqlite_school.bookings.book(office, draft)
        booked = sqlite_school.bookings.book(office, draft, skip=[date(2026, 12, 17)])
        assert len(booked) == 2  # 3 and 10 December: the insurance holds on its last day

    def test_a_space_out_of_use_cannot_be_booked(self, sqlite_school, actor):
        admin, office = actor(sqlite_school, "admin"), actor(sqlite_school, "sbrown")
        with pytest.raises(NotAllowed):
            sqlite_school.bookings.set_out_of_use(office, "Sensory Room", date(2026, 12, 1), date(2026, 12, 4), "x")
        sqlite_school.bookings.set_out_of_use(admin, "Sensory Room", date(2026, 12, 1), date(2026, 12, 4),
                                              "new flooring")
        with pytest.raises(Refused, match="new flooring"):
            sqlite_school.bookings.book(office, slt(at("2026-12-02", "09:00"), at("2026-12-02", "09:30"),
                                                    space="Sensory Room"))

    def test_school_use_books_staff_and_shows_on_the_class_week(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        sqlite_school.bookings.book(office, BookingDraft("Meeting Room", at("2026-11-25", "15:00"),
                                                         at("2026-11-25", "15:10"), staff=("lwhite", "dking"),
                                                         title="Willow team meeting"))
        week = sqlite_school.bookings.class_week(actor(sqlite_school, "hcarter"), "Willow", date(2026, 11, 25))
        assert "School: Lucy White, Daniel King" in [b.who for b in week.blocks]
        with pytest.raises(NotAllowed):
            sqlite_school.bookings.class_week(actor(sqlite_school, "ttaylor"), "Willow", date(2026, 11, 25))


class TestSeriesEdits:
    def test_cancelling_one_date_keeps_it_and_a_later_series_move_leaves_it_cancelled(self, school, actor):
        office = actor(school, "sbrown")
        series = school.bookings.book(office, slt(at("2026-11-30", "13:00"), at("2026-11-30", "13:30"),
                                                  weekly_until=date(2026, 12, 14)))
        assert len(series) == 3
        school.bookings.cancel(office, series[1].occurrence_id, "therapist on a course")
        moved = school.bookings.move(office, series[0].occurrence_id, at("2026-11-30", "14:00"),
                                     at("2026-11-30", "14:30"), whole_series=True)
        assert [b.start.isoformat() for b in moved] == ["2026-11-30T14:00:00", "2026-12-14T14:00:00"]
        week = school.bookings.week_view(office, series[1].space_id, date(2026, 12, 7), include_cancelled=True)
        [kept] = [b for b in week.blocks if b.occurrence_id == series[1].occurrence_id]
        assert (kept.status, kept.start.time().isoformat(), kept.cancel_reason, kept.cancelled_by) == (
            "cancelled", "13:00:00", "therapist on a course", "sbrown")
        assert kept.occurrence_id not in [b.occurrence_id for b in school.bookings.week_view(
            office, series[1].space_id, date(2026, 12, 7)).blocks]

    def test_a_cancellation_needs_a_reason(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        [block] = sqlite_school.bookings.day_view(office, date(2026, 11, 24)).blocks
        with pytest.raises(InvalidInput, match="why"):
            sqlite_school.bookings.cancel(office, block.occurrence_id, "  ")

    def test_moving_onto_another_booking_is_refused(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        [pool] = sqlite_school.bookings.day_view(office, date(2026, 11, 26)).blocks
        sqlite_school.bookings.book(office, slt(at("2026-11-26", "13:00"), at("2026-11-26", "14:00"),
                                                space="Hydrotherapy Pool"))
        with pytest.raises(Refused, match="already booked"):
            sqlite_school.bookings.move(office, pool.occurrence_id, at("2026-11-26", "13:30"),
                                        at("2026-11-26", "14:15"))


class TestPriority:
    def test_a_statutory_booking_moves_an_independent_session_and_records_who_must_be_told(self, school, actor):
        office = actor(school, "sbrown")
        # an independent session with a pupil in the school day: booked by the headteacher, with her reason
        [ot] = school.bookings.book(actor(school, "hcarter"), slt(
            at("2026-12-02", "10:00"), at("2026-12-02", "10:45"), professional="ind-ot-1",
            pupils=("Z319700118114",), title="OT", direct_reason=HEADS_REASON))
        plan = school.bookings.plan(office, slt(at("2026-12-02", "10:00"), at("2026-12-02", "10:30")))
        [clash] = school.bookings.displaceable(plan, "statutory")
        slots = school.bookings.suggest_slots(office, clash.occurrence_id, avoid=(plan.draft.start, plan.draft.end))
        # the least disturbing first: the same time in another room; never two alike
        assert (slots[0].space, slots[0].start, slots[0].why) == ("Hydrotherapy Pool", at("2026-12-02", "10:00"),
                                                                  "same time, another room")
        [later] = [s for s in slots if s.space == "Therapy Room 1" and s.start.date() == date(2026, 12, 2)]
        assert later.start == at("2026-12-02", "10:30")  # the nearest free time in its own room, once
        notices = school.bookings.give_priority(office, clash.occurrence_id, move_to=later)
        assert [(n.audience, n.who) for n in notices] == [
            ("professional", "Karen Walsh"), ("parents", "Abena Osei (mother of Amara)"),
            ("class_teacher", "Tom Taylor (class teacher, Oak)")]
        assert "OT in Therapy Room 1 on 2 Dec 2026 at 10:00 moved to Therapy Room 1, 10:30" in notices[0].what
        assert "priority to a statutory/commissioned service" in notices[0].what
        school.bookings.book(office, plan.draft)
        told = school.bookings.mark_told(office, notices[1].id, at("2026-11-23", "15:20"))
        assert told.told_at == at("2026-11-23", "15:20") and told.told_by == "sbrown"
        assert len(school.bookings.notices(office, ot.occurrence_id, untold_only=True)) == 2

    def test_suggestions_offer_another_room_another_time_and_another_day_never_the_pupils_busy_times(
            self, school, actor):
        office = actor(school, "sbrown")
        [ot] = school.bookings.book(actor(school, "hcarter"), slt(
            at("2026-12-02", "10:00"), at("2026-12-02", "10:45"), professional="ind-ot-1",
            pupils=("Z319700118114",), title="OT", direct_reason=HEADS_REASON))
        # Amara's SLT on Thursday at 10:00 (in the pool): no suggestion puts her OT there
        school.bookings.book(office, slt(at("2026-12-03", "10:00"), at("2026-12-03", "10:45"),
                                         space="Hydrotherapy Pool", pupils=("Z319700118114",)))
        slots = school.bookings.suggest_slots(office, ot.occurrence_id, avoid=(ot.start, ot.end))
        assert len(slots) == 5
        assert {s.space for s in slots if s.start == ot.start} - {"Therapy Room 1"}  # another room, same time
        assert any(s.start.date() == ot.start.date() and s.start != ot.start for s in slots)  # another time
        other_days = [s for s in slots if s.start.date() != ot.start.date()]
        assert other_days and all(date(2026, 11, 30) <= s.start.date() <= date(2026, 12, 4) for s in other_days)
        assert all(not (s.start.date() == date(2026, 12, 3) and s.start < at("2026-12-03", "10:45")
                        and s.end > at("2026-12-03", "10:00")) for s in slots)
        bands = {(s.space, s.start.date(), time_band(s.start.time())) for s in slots}
        assert len(bands) == len(slots)  # never near-identical

    def test_resolving_two_dates_says_what_happened_on_each(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        head = actor(sqlite_school, "hcarter")
        ots = [sqlite_school.bookings.book(head, slt(at(day, "10:00"), at(day, "10:45"), professional="ind-ot-1",
                                                     pupils=("Z319700118114",), direct_reason=HEADS_REASON))[0]
               for day in ("2026-12-02", "2026-12-09", "2026-12-16")]
        draft = slt(at("2026-12-02", "10:00"), at("2026-12-02", "10:30"), weekly_until=date(2026, 12, 16))
        outcome = sqlite_school.bookings.resolve_priority(
            office, draft, {ots[0].occurrence_id: ("Sensory Room", at("2026-12-02", "10:00")),
                            ots[1].occurrence_id: None}, skip=[date(2026, 12, 16)])
        assert outcome.sentences == (
            "2 Dec 2026: booked; Karen Walsh's session moved to Sensory Room at 10:00.",
            "9 Dec 2026: booked; Karen Walsh's session cancelled for priority.",
            "16 Dec 2026: not booked (skipped); Karen Walsh keeps Therapy Room 1.")
        assert [b.start.date() for b in outcome.booked] == [date(2026, 12, 2), date(2026, 12, 9)]
        assert {n.who for n in outcome.notices} >= {"Karen Walsh", "Abena Osei (mother of Amara)"}

    def test_an_equal_or_higher_priority_booking_is_never_displaced(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        plan = sqlite_school.bookings.plan(office, slt(at("2026-11-24", "09:30"), at("2026-11-24", "10:00"),
                                                       professional="music-1"))
        assert plan.clashing and sqlite_school.bookings.displaceable(plan, "commissioned") == []
        [clash] = plan.dates[0].clashes
        with pytest.raises(Refused, match="only an independent session"):
            sqlite_school.bookings.give_priority(office, clash.occurrence_id)


class TestCalendarExport:
    def test_the_ics_reads_back_with_initials_only_by_default(self, sqlite_school, actor, tmp_path):
        office = actor(sqlite_school, "sbrown")
        data = sqlite_school.bookings.export_ics(office, date(2026, 11, 23), date(2026, 12, 18),
                                                 space="Therapy Room 1")
        events = list(vobject.readComponents(data.decode("utf-8")))[0].vevent_list
        assert len(events) == 4
        first = sorted(events, key=lambda e: e.dtstart.value)[0]
        assert first.summary.value == "Rachel Green: SLT: AAC programme with A.O."  # the title is public
        assert first.dtstart.value.isoformat() == "2026-11-24T09:30:00+00:00"
        assert first.location.value == "Therapy Room 1"
        assert "Amara" not in data.decode() and "Z319700118114" not in data.decode()

    def test_full_names_only_when_asked(self, sqlite_school, actor):
        data = sqlite_school.bookings.export_ics(actor(sqlite_school, "sbrown"), date(2026, 11, 23),
                                                 date(2026, 11, 27), professional="music-1", full_names=True)
        event = list(vobject.readComponents(data.decode("utf-8")))[0].vevent
        assert event.summary.value == "Grace Lee: Music therapy group with Ben Hughes, Dev Sharma"


class TestPriorityInOneTransaction:
    def test_if_the_booking_is_refused_the_independent_session_does_not_move(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        [ot] = sqlite_school.bookings.book(actor(sqlite_school, "hcarter"), slt(
            at("2026-11-24", "10:15"), at("2026-11-24", "11:00"), professional="ind-ot-1",
            pupils=("Z319700118114",), direct_reason=HEADS_REASON))
        # the statutory draft also clashes with b-001 (statutory, 09:30-10:15): it cannot give way
        draft = slt(at("2026-11-24", "10:00"), at("2026-11-24", "10:45"), professional="music-1")
        with pytest.raises(Refused, match="already booked"):
            sqlite_school.bookings.book_with_priority(office, draft, {ot.occurrence_id: None})
        [still] = [b for b in sqlite_school.bookings.day_view(office, date(2026, 11, 24)).blocks
                   if b.occurrence_id == ot.occurrence_id]
        assert still.status == "booked" and sqlite_school.bookings.notices(office, ot.occurrence_id) == []

    def test_giving_way_and_booking_together(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        [ot] = sqlite_school.bookings.book(actor(sqlite_school, "hcarter"), slt(
            at("2026-11-24", "10:15"), at("2026-11-24", "11:00"), professional="ind-ot-1",
            pupils=("Z319700118114",), direct_reason=HEADS_REASON))
        draft = slt(at("2026-11-24", "10:15"), at("2026-11-24", "10:45"), professional="music-1")
        blocks, notices = sqlite_school.bookings.book_with_priority(office, draft, {ot.occurrence_id: None})
        assert blocks[0].professional == "Grace Lee"
        assert {n.audience for n in notices} == {"professional", "parents", "class_teacher"}
        assert "cancelled (priority to a statutory/commissioned service)" in notices[0].what

    def test_a_cancelled_session_cannot_be_cancelled_again_or_moved(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        [block] = sqlite_school.bookings.day_view(office, date(2026, 11, 24)).blocks
        sqlite_school.bookings.cancel(office, block.occurrence_id, "staff training")
        with pytest.raises(Refused, match="already cancelled by sbrown: staff training"):
            sqlite_school.bookings.cancel(office, block.occurrence_id, "again")
        with pytest.raises(Refused, match="cannot be moved"):
            sqlite_school.bookings.move(office, block.occurrence_id, at("2026-11-24", "13:00"),
                                        at("2026-11-24", "13:45"))
