"""Editing a booking whole: this date only, this and the following dates, or the whole series; every change
checked as a new booking is, refused with nothing changed, stale edits refused naming who, and undone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import select

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed, Refused, StaleRecord
from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.store.models import AuditRow, BookingOccurrenceRow, BookingRow

AMARA, BEN = "Z319700118114", "X319700119023"


def at(day: str, hm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hm}")


#: Rachel Green (statutory SLT) with Amara and Tom Taylor, Thursdays in the Meeting Room: 26 Nov, 3, 10, 17 Dec
SERIES = BookingDraft(space="Meeting Room", start=at("2026-11-26", "14:00"), end=at("2026-11-26", "14:45"),
                      professional="nhs-slt-1", staff=("ttaylor",), pupils=(AMARA,), title="SLT: AAC programme",
                      weekly_until=date(2026, 12, 17))


def dates(services, ref: str) -> list[tuple[str, str, str, str, str | None]]:
    """(date, start–end, space, status, cancel reason) of every date of a booking, as stored."""
    with services.db.read_session() as session:
        booking = session.scalar(select(BookingRow).where(BookingRow.ext_id == ref))
        return [(f"{o.starts_at:%Y-%m-%d}", f"{o.starts_at:%H:%M}-{o.ends_at:%H:%M}", o.space.name, o.status,
                 o.cancel_reason) for o in booking.occurrences]


def booking(services, ref: str) -> BookingRow:
    with services.db.read_session() as session:
        row = session.scalar(select(BookingRow).where(BookingRow.ext_id == ref))
        session.expunge(row)
        return row


def on(blocks, day: str):
    return next(b for b in blocks if f"{b.start:%Y-%m-%d}" == day)


def book_series(services, who) -> list:
    return services.bookings.book(who, SERIES)


def occurrence_on(services, who, ref: str, day: str):
    blocks = services.bookings.bookings_between(who, date(2026, 11, 23), date(2027, 3, 31))
    return next(b for b in blocks if b.booking_ref == ref and f"{b.start:%Y-%m-%d}" == day)


class TestThisDateOnly:
    def test_every_field_of_one_date_changes_and_the_rest_of_the_series_stays(self, school, actor):
        office = actor(school, "sbrown")
        blocks = book_series(school, office)
        ref = blocks[0].booking_ref
        third = on(blocks, "2026-12-03")
        changes = BookingDraft(space="Sensory Room", start=at("2026-12-04", "09:00"), end=at("2026-12-04", "10:00"),
                               professional="music-1", staff=("jpatel", "ttaylor"), pupils=(AMARA, BEN),
                               title="Music and SLT together")
        done = school.bookings.edit(office, third.occurrence_id, changes, "this")
        [edited] = done.blocks
        assert (edited.space, edited.start, edited.end) == ("Sensory Room", at("2026-12-04", "09:00"),
                                                            at("2026-12-04", "10:00"))
        assert edited.professional == "Grace Lee" and edited.title == "Music and SLT together"
        assert edited.staff == ("Jaya Patel", "Tom Taylor") and edited.pupils == ("Amara Osei", "Ben Hughes")
        assert done.booking_ref != ref and edited.booking_ref == done.booking_ref  # a date of its own now
        assert not edited.repeating
        # the other dates are as they were
        assert dates(school, ref) == [(d, "14:00-14:45", "Meeting Room", "booked", None)
                                      for d in ("2026-11-26", "2026-12-10", "2026-12-17")]
        rest = occurrence_on(school, office, ref, "2026-12-10")
        assert rest.title == "SLT: AAC programme" and rest.professional == "Rachel Green"
        assert rest.pupils == ("Amara Osei",) and rest.staff == ("Tom Taylor",)
        with school.db.read_session() as session:
            [audited] = session.scalars(select(AuditRow.after).where(AuditRow.entity_id == ref,
                                                                     AuditRow.action == "edit"))
        assert audited["scope"] == "this" and audited["carried_on_by"] == done.booking_ref
        assert audited["title"] == "Music and SLT together"

    def test_a_new_time_only_keeps_the_date_in_its_series_and_a_series_edit_leaves_it(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        blocks = book_series(sqlite_school, office)
        ref = blocks[0].booking_ref
        done = sqlite_school.bookings.edit(office, on(blocks, "2026-12-10").occurrence_id,
                                           replace(SERIES, start=at("2026-12-10", "13:00"),
                                                   end=at("2026-12-10", "13:30")), "this")
        assert done.booking_ref == ref and done.blocks[0].repeating
        sqlite_school.bookings.edit(office, on(blocks, "2026-11-26").occurrence_id,
                                    replace(SERIES, end=at("2026-11-26", "15:00")), "series")
        assert [d[:2] for d in dates(sqlite_school, ref)] == [
            ("2026-11-26", "14:00-15:00"), ("2026-12-03", "14:00-15:00"), ("2026-12-10", "13:00-13:30"),
            ("2026-12-17", "14:00-15:00")]

    def test_notes_are_written_by_the_head_and_the_senco_only(self, sqlite_school, actor):
        office, senco = actor(sqlite_school, "sbrown"), actor(sqlite_school, "mokafor")
        [block] = sqlite_school.bookings.book(office, replace(SERIES, weekly_until=None))
        with pytest.raises(NotAllowed):
            sqlite_school.bookings.edit(office, block.occurrence_id, replace(SERIES, weekly_until=None,
                                                                             notes="Amara is anxious"), "this")
        sqlite_school.bookings.edit(senco, block.occurrence_id, replace(SERIES, weekly_until=None,
                                                                        notes="Amara is anxious"), "this")
        # the office's edit of the title keeps the notes it cannot read
        sqlite_school.bookings.edit(office, block.occurrence_id, replace(SERIES, weekly_until=None, title="SLT"),
                                    "this")
        row = booking(sqlite_school, block.booking_ref)
        assert (row.notes, row.purpose) == ("Amara is anxious", "SLT")
        assert sqlite_school.bookings.editable(office, block.occurrence_id).draft.notes is None

    def test_a_title_naming_a_pupil_is_refused(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        blocks = book_series(sqlite_school, office)
        with pytest.raises(InvalidInput, match="Title|title") as caught:
            sqlite_school.bookings.edit(office, blocks[0].occurrence_id, replace(SERIES, title="SLT for Amara Osei"),
                                        "series")
        assert caught.value.problems[0].where == "title"
        assert booking(sqlite_school, blocks[0].booking_ref).purpose == "SLT: AAC programme"


class TestThisAndFollowing:
    def test_the_series_splits_keeping_a_cancelled_date_and_a_moved_one(self, school, actor):
        office = actor(school, "sbrown")
        blocks = book_series(school, office)
        ref = blocks[0].booking_ref
        school.bookings.cancel(office, on(blocks, "2026-12-10").occurrence_id, "therapist on a course")
        school.bookings.move(office, on(blocks, "2026-12-17").occurrence_id, at("2026-12-17", "09:00"),
                             at("2026-12-17", "09:45"))
        changes = replace(SERIES, start=at("2026-12-03", "14:00"), end=at("2026-12-03", "15:00"),
                          title="SLT: AAC and signing", staff=("jpatel",), weekly_until=date(2027, 1, 14))
        done = school.bookings.edit(office, on(blocks, "2026-12-03").occurrence_id, changes, "following")
        new = done.booking_ref
        assert new != ref
        # the original series ends before this date
        assert dates(school, ref) == [("2026-11-26", "14:00-14:45", "Meeting Room", "booked", None)]
        assert booking(school, ref).repeat_weekly_until == date(2026, 12, 2)
        assert dates(school, new) == [
            ("2026-12-03", "14:00-15:00", "Meeting Room", "booked", None),
            ("2026-12-10", "14:00-14:45", "Meeting Room", "cancelled", "therapist on a course"),  # kept cancelled
            ("2026-12-17", "09:00-09:45", "Meeting Room", "booked", None),  # moved on its own: kept there
            ("2027-01-07", "14:00-15:00", "Meeting Room", "booked", None),  # the series now runs on
            ("2027-01-14", "14:00-15:00", "Meeting Room", "booked", None)]
        moved = occurrence_on(school, office, new, "2026-12-17")
        assert moved.title == "SLT: AAC and signing" and moved.staff == ("Jaya Patel",)
        assert occurrence_on(school, office, ref, "2026-11-26").title == "SLT: AAC programme"

    def test_undo_puts_the_series_back_whole(self, school, actor):
        office = actor(school, "sbrown")
        blocks = book_series(school, office)
        ref = blocks[0].booking_ref
        school.bookings.cancel(office, on(blocks, "2026-12-10").occurrence_id, "therapist on a course")
        before = dates(school, ref)
        done = school.bookings.edit(office, on(blocks, "2026-12-03").occurrence_id,
                                    replace(SERIES, start=at("2026-12-03", "13:00"), end=at("2026-12-03", "13:45"),
                                            title="New title", weekly_until=date(2026, 12, 10)), "following")
        assert dates(school, done.booking_ref)  # the split-off booking
        school.bookings.undo_edit(office, done.undo)
        assert dates(school, ref) == before
        row = booking(school, ref)
        assert (row.purpose, row.repeat_weekly_until) == ("SLT: AAC programme", date(2026, 12, 17))
        with school.db.read_session() as session:
            assert session.scalar(select(BookingRow).where(BookingRow.ext_id == done.booking_ref)) is None


class TestWholeSeries:
    def test_every_date_changes_but_those_cancelled_or_moved_on_their_own(self, school, actor):
        office = actor(school, "sbrown")
        blocks = book_series(school, office)
        ref = blocks[0].booking_ref
        school.bookings.cancel(office, on(blocks, "2026-12-03").occurrence_id, "pupil on a trip")
        school.bookings.move(office, on(blocks, "2026-12-17").occurrence_id, at("2026-12-17", "09:00"),
                             at("2026-12-17", "09:45"))
        changes = replace(SERIES, space="Sensory Room", start=at("2026-12-10", "13:00"), end=at("2026-12-10", "14:00"),
                          professional="nhs-physio-1", pupils=(BEN,), staff=("dking",), title="Physio",
                          weekly_until=date(2027, 1, 7))
        done = school.bookings.edit(office, on(blocks, "2026-12-10").occurrence_id, changes, "series")
        assert done.booking_ref == ref
        assert dates(school, ref) == [
            ("2026-11-26", "13:00-14:00", "Sensory Room", "booked", None),
            ("2026-12-03", "14:00-14:45", "Meeting Room", "cancelled", "pupil on a trip"),
            ("2026-12-10", "13:00-14:00", "Sensory Room", "booked", None),
            ("2026-12-17", "09:00-09:45", "Meeting Room", "booked", None),
            ("2027-01-07", "13:00-14:00", "Sensory Room", "booked", None)]
        first = occurrence_on(school, office, ref, "2026-11-26")
        assert (first.professional, first.pupils, first.staff, first.title) == (
            "Omar Haddad", ("Ben Hughes",), ("Daniel King",), "Physio")
        row = booking(school, ref)
        assert row.repeat_weekly_until == date(2027, 1, 7) and row.starts_at == at("2026-11-26", "13:00")

    def test_a_shorter_series_loses_its_later_dates_and_undo_brings_them_back(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        blocks = book_series(sqlite_school, office)
        ref = blocks[0].booking_ref
        before = dates(sqlite_school, ref)
        done = sqlite_school.bookings.edit(office, blocks[0].occurrence_id,
                                           replace(SERIES, weekly_until=date(2026, 12, 3)), "series")
        assert [d[0] for d in dates(sqlite_school, ref)] == ["2026-11-26", "2026-12-03"]
        sqlite_school.bookings.undo_edit(office, done.undo)
        assert dates(sqlite_school, ref) == before

    def test_a_clash_on_one_date_is_refused_and_nothing_changes(self, school, actor):
        office = actor(school, "sbrown")
        blocks = book_series(school, office)
        ref = blocks[0].booking_ref
        school.bookings.book(office, BookingDraft(space="Meeting Room", start=at("2026-12-10", "13:00"),
                                                  end=at("2026-12-10", "13:30"), staff=("hcarter",),
                                                  title="Governors"))
        before, version = dates(school, ref), booking(school, ref).version
        earlier = replace(SERIES, start=at("2026-11-26", "13:00"), end=at("2026-11-26", "13:45"), title="Moved earlier")
        plan = school.bookings.plan_edit(office, blocks[0].occurrence_id, earlier, "series")  # what the form shows
        assert not plan.ok and [d.day for d in plan.clashing] == [date(2026, 12, 10)] and len(plan.dates) == 4
        assert plan.clashing[0].clashes[0].who == "School: Governors"
        with pytest.raises(Refused, match="already booked") as caught:
            school.bookings.edit(office, blocks[0].occurrence_id, earlier, "series")
        assert [c.start.date() for c in caught.value.reasons] == [date(2026, 12, 10)]
        assert dates(school, ref) == before
        assert booking(school, ref).version == version and booking(school, ref).purpose == "SLT: AAC programme"


class TestAuthorisation:
    def test_pupils_edited_in_to_an_independent_session_by_the_office_are_refused(self, school, actor):
        office = actor(school, "sbrown")
        meeting = BookingDraft(space="Meeting Room", start=at("2026-12-02", "10:30"), end=at("2026-12-02", "11:15"),
                               professional="ind-ot-1", staff=("ttaylor",), title="OT: advice to Oak class staff")
        [block] = school.bookings.book(office, meeting)
        with pytest.raises(Refused, match="headteacher's authorisation"):
            school.bookings.edit(office, block.occurrence_id, replace(meeting, pupils=(AMARA,)), "this")
        [seen] = school.bookings.bookings_between(office, date(2026, 12, 2), date(2026, 12, 2), space="Meeting Room")
        assert seen.pupils == () and seen.title == "OT: advice to Oak class staff"

    def test_a_booking_made_by_a_request_keeps_it_but_its_pupils_change_through_the_request(self, sqlite_school,
                                                                                          actor):
        head, office = actor(sqlite_school, "hcarter"), actor(sqlite_school, "sbrown")
        sqlite_school.requests.decide(head, "r-001", "approve", reason="all rules met")
        made = [b for b in sqlite_school.bookings.bookings_between(office, date(2026, 12, 1), date(2027, 2, 23))
                if b.request_ref == "r-001"]
        editable = sqlite_school.bookings.editable(office, made[0].occurrence_id)
        assert editable.request_ref == "r-001"
        with pytest.raises(Refused, match="through the request"):
            sqlite_school.bookings.edit(office, made[0].occurrence_id, replace(editable.draft, pupils=(AMARA, BEN)),
                                        "series")
        # its title and time may change: the request's authorisation stays with it
        done = sqlite_school.bookings.edit(office, made[0].occurrence_id,
                                           replace(editable.draft, title="OT (r-001), later start",
                                                   start=editable.draft.start.replace(minute=45),
                                                   end=editable.draft.end.replace(minute=59)), "this")
        assert done.blocks[0].request_ref == "r-001" and done.blocks[0].title == "OT (r-001), later start"


class TestStale:
    def test_an_edit_over_a_change_made_since_is_refused_naming_who(self, school, actor):
        office, senco = actor(school, "sbrown"), actor(school, "mokafor")
        blocks = book_series(school, office)
        opened = school.bookings.editable(office, blocks[0].occurrence_id)
        school.bookings.edit(senco, blocks[0].occurrence_id, replace(opened.draft, title="SLT (senco)"), "series",
                             expected_version=school.bookings.editable(senco, blocks[0].occurrence_id).version)
        with pytest.raises(StaleRecord, match="mokafor"):
            school.bookings.edit(office, blocks[0].occurrence_id, replace(opened.draft, title="SLT (office)"),
                                 "series", expected_version=opened.version)
        assert booking(school, blocks[0].booking_ref).purpose == "SLT (senco)"

    def test_an_undo_over_a_change_made_since_is_refused_naming_who(self, sqlite_school, actor):
        office, senco = actor(sqlite_school, "sbrown"), actor(sqlite_school, "mokafor")
        blocks = book_series(sqlite_school, office)
        done = sqlite_school.bookings.edit(office, blocks[0].occurrence_id, replace(SERIES, title="Office's"),
                                           "series")
        sqlite_school.bookings.edit(senco, blocks[0].occurrence_id, replace(SERIES, title="SENCO's"), "series")
        with pytest.raises(StaleRecord, match="mokafor"):
            sqlite_school.bookings.undo_edit(office, done.undo)
        assert booking(sqlite_school, blocks[0].booking_ref).purpose == "SENCO's"


def test_occurrences_stay_one_per_date(sqlite_school, actor):
    """No edit leaves two dates of one booking on one day."""
    office = actor(sqlite_school, "sbrown")
    blocks = book_series(sqlite_school, office)
    sqlite_school.bookings.edit(office, blocks[0].occurrence_id, replace(SERIES, weekly_until=date(2027, 1, 14)),
                                "series")
    with sqlite_school.db.read_session() as session:
        days = [o.starts_at.date() for o in session.scalars(select(BookingOccurrenceRow).where(
            BookingOccurrenceRow.booking_id == select(BookingRow.id).where(
                BookingRow.ext_id == blocks[0].booking_ref).scalar_subquery()))]
    assert len(days) == len(set(days)) == 6
