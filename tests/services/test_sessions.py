"""Session records: sessions past their end are listed for marking, delivered or not and why."""

from __future__ import annotations

from datetime import datetime

import pytest

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed, Refused
from fairfields_desktop.services.context import Clock


@pytest.fixture
def later(sqlite_school):
    """The example school on Wednesday 2 December 2026 at 16:00: a week of sessions has passed."""
    clock = Clock(datetime(2026, 12, 2).date())
    clock.now = lambda: datetime(2026, 12, 2, 16, 0)  # type: ignore[method-assign]
    for service in (sqlite_school.sessions, sqlite_school.bookings):
        service.clock = clock
    return sqlite_school


class TestToMark:
    def test_ended_professional_sessions_are_listed_school_use_is_not(self, later, actor):
        office = actor(later, "sbrown")
        sessions = later.sessions.to_mark(office)
        starts = [(s.start.isoformat(), s.professional) for s in sessions]
        assert starts == [("2026-11-24T09:30:00", "Rachel Green"), ("2026-11-25T13:30:00", "Grace Lee"),
                          ("2026-12-01T09:30:00", "Rachel Green")]  # the Oak swimming (school use) is not a session

    def test_a_teacher_sees_their_class_sessions_only(self, later, actor):
        later_teacher = actor(later, "ttaylor")  # Oak: Amara (SLT) and Ben (music group)
        assert len(later.sessions.to_mark(later_teacher)) == 3


class TestMarking:
    def test_delivered_and_not_delivered_with_a_reason(self, later, actor):
        office = actor(later, "sbrown")
        first, second, third = later.sessions.to_mark(office)
        later.sessions.mark(office, first.occurrence_id, True, note="AAC: 3-word requests modelled")
        with pytest.raises(InvalidInput, match="why"):
            later.sessions.mark(office, second.occurrence_id, False)
        later.sessions.mark(office, second.occurrence_id, False, reason="pupil_absent")
        assert [s.occurrence_id for s in later.sessions.to_mark(office)] == [third.occurrence_id]
        with pytest.raises(Refused, match="already marked"):
            later.sessions.mark(office, first.occurrence_id, False, reason="other")

    def test_a_future_session_cannot_be_marked(self, later, actor):
        office = actor(later, "sbrown")
        future = [b for b in later.bookings.day_view(office, datetime(2026, 12, 8).date()).blocks][0]
        with pytest.raises(Refused, match="once it has ended"):
            later.sessions.mark(office, future.occurrence_id, True)

    def test_a_teacher_may_not_mark_another_class(self, later, actor):
        from fairfields_desktop.services.bookings import BookingDraft

        later.bookings.clock = Clock(datetime(2026, 11, 23).date())
        [willow] = later.bookings.book(actor(later, "sbrown"), BookingDraft(
            "Meeting Room", datetime(2026, 11, 30, 13, 0), datetime(2026, 11, 30, 13, 45),
            professional="nhs-slt-1", pupils=("X319700121005",)))
        with pytest.raises(NotAllowed, match="own class"):
            later.sessions.mark(actor(later, "ttaylor"), willow.occurrence_id, True)
