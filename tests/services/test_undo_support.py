"""What the window's undo needs from the services: a consent recorded or withdrawn undone, and a booking
just made cancelled, each refused (naming who, and when) if the record was changed since."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from fairfields_desktop.domain.errors import NotAllowed, StaleRecord
from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.store.database import translate

BEN = "X319700119023"


@pytest.fixture
def senco(sqlite_school, actor):
    return actor(sqlite_school, "mokafor")


def consents(services, who, pupil_id: int) -> list[tuple[str, date | None]]:
    return sorted((c.share_with, c.withdrawn_on) for c in services.pupils.get_pupil(who, pupil_id).consents or ())


class TestConsent:
    def test_a_consent_recorded_is_removed_and_a_withdrawal_undone(self, sqlite_school, senco):
        pupils = sqlite_school.pupils
        pupil_id = pupils.id_of(senco, BEN)
        before = consents(sqlite_school, senco, pupil_id)
        added = pupils.add_consent(senco, pupil_id, organisation="Riverside Physio", sections=["outcomes"],
                                   given_by_kind="parent", given_by="Claire Hughes", given_on=date(2026, 11, 20))
        pupils.remove_consent(senco, added.id, pupils.consent_version(senco, pupil_id))
        assert consents(sqlite_school, senco, pupil_id) == before
        again = pupils.add_consent(senco, pupil_id, organisation="Riverside Physio", sections=["outcomes"],
                                   given_by_kind="parent", given_by="Claire Hughes", given_on=date(2026, 11, 20))
        pupils.withdraw_consent(senco, again.id, date(2026, 11, 24))
        reinstated = pupils.reinstate_consent(senco, again.id, pupils.consent_version(senco, pupil_id))
        assert reinstated.withdrawn_on is None
        assert ("Riverside Physio", None) in consents(sqlite_school, senco, pupil_id)

    def test_an_undo_after_a_change_on_another_pc_is_refused_naming_who(self, school, actor, open_school, db_url):
        senco = actor(school, "mokafor")
        pupils = school.pupils
        pupil_id = pupils.id_of(senco, BEN)
        added = pupils.add_consent(senco, pupil_id, organisation="Riverside Physio", sections=["outcomes"],
                                   given_by_kind="parent", given_by="Claire Hughes", given_on=date(2026, 11, 20))
        version = pupils.consent_version(senco, pupil_id)
        other = open_school(db_url)
        other.pupils.withdraw_consent(actor(other, "hcarter"), added.id, date(2026, 11, 24))
        with pytest.raises(StaleRecord, match="changed by hcarter at"):
            pupils.remove_consent(senco, added.id, version)
        assert ("Riverside Physio", date(2026, 11, 24)) in consents(school, senco, pupil_id)

    def test_only_those_who_record_consent_may_undo_it(self, sqlite_school, senco, actor):
        pupils = sqlite_school.pupils
        pupil_id = pupils.id_of(senco, BEN)
        added = pupils.add_consent(senco, pupil_id, organisation="Riverside Physio", sections=["outcomes"],
                                   given_by_kind="parent", given_by="Claire Hughes", given_on=date(2026, 11, 20))
        with pytest.raises(NotAllowed):
            pupils.remove_consent(actor(sqlite_school, "ttaylor"), added.id)


class TestBookingUndo:
    def test_a_booking_is_cancelled_only_where_it_was_booked(self, school, actor, open_school, db_url):
        office = actor(school, "sbrown")
        draft = BookingDraft(space="Meeting Room", start=datetime(2026, 12, 1, 13, 0),
                             end=datetime(2026, 12, 1, 13, 30), staff=("ttaylor",), title="meeting")
        (booked,) = school.bookings.book(office, draft)
        seen = (booked.start, booked.end, booked.space)
        other = open_school(db_url)
        other.bookings.move(actor(other, "hcarter"), booked.occurrence_id, datetime(2026, 12, 1, 14, 0),
                            datetime(2026, 12, 1, 14, 30))
        with pytest.raises(StaleRecord, match=f"booking {booked.booking_ref} was changed by hcarter at"):
            school.bookings.cancel(office, booked.occurrence_id, "undone", expected=seen)
        moved = (datetime(2026, 12, 1, 14, 0), datetime(2026, 12, 1, 14, 30), "Meeting Room")
        (cancelled,) = school.bookings.cancel(office, booked.occurrence_id, "undone", whole_series=True,
                                              expected=moved)
        assert cancelled.status == "cancelled"


def test_a_connection_lost_while_saving_is_not_offered_again_blindly():
    class Lost(Exception):
        connection_invalidated = True

    assert getattr(translate(Lost("server closed the connection"), during_commit=True), "outcome_unknown", False)
    assert not getattr(translate(Lost("server closed the connection")), "outcome_unknown", False)
