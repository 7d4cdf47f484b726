"""Retention: a pupil who left is kept until their date of birth + the school's retention years (31 by
default: the IRMS toolkit for schools, SEN records), then listed for review and, when someone with the
right confirms, erased.

Erasing deletes the pupil and every row about them (contacts, consents, attendance, their places in
bookings and visits, the team, advice, assessments, reviews, outcomes and targets, budget discussions,
their requests with the requests' history, overrides, review meetings and off-site logs). Bookings and
their occurrences stay for the others in them (a session's note is cleared when they were the only pupil).
The audit trail keeps one entry saying what was erased, without personal data; the earlier entries about
the pupil are redacted, and the redaction is recorded in the chain (see `audit.redact`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from ..domain.errors import NotFound, Refused
from ..domain.permissions import require
from ..store.database import Database
from ..store.models import (
    AdviceRequestRow,
    AnnualReviewRow,
    BookingNoticeRow,
    BookingOccurrenceRow,
    BookingPupilRow,
    BookingRow,
    OutcomeRow,
    PupilRow,
    RequestRow,
    SchoolSettingsRow,
    SessionRecordRow,
    TargetRow,
    VisitPupilRow,
    VisitRow,
)
from ..store.pupil_tables import deleted_by_link
from . import audit, guard
from .context import Actor, Clock
from .subject_access import audit_entries_about, pupil_identifiers

DEFAULT_RETENTION_YEARS = 31


def keep_until(date_of_birth: date, years: int) -> date:
    """The date of birth ``years`` on (29 February: the 28th in a year without one)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:
        return date_of_birth.replace(year=date_of_birth.year + years, day=28)


@dataclass(frozen=True)
class DueForErasure:
    """A pupil who left and whose record is past the retention period."""

    id: int
    upn: str
    name: str
    class_name: str
    date_of_birth: date
    left_on: date
    keep_until: date


@dataclass(frozen=True)
class Erasure:
    """What an erasure did."""

    erased: tuple[int, ...]  # pupil ids
    redacted_entries: int  # audit entries redacted


class RetentionService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def retention_years(self, session: Session) -> int:
        settings = session.get(SchoolSettingsRow, 1)
        return int(settings.retention_years) if settings and settings.retention_years else DEFAULT_RETENTION_YEARS

    def due_for_erasure(self, actor: Actor) -> list[DueForErasure]:
        """Pupils who left and are past date of birth + the retention years, for review (oldest first)."""
        require(actor.roles, "retention.manage", who=actor.username)
        today = self.clock.today()
        with self.db.read_session() as session:
            years = self.retention_years(session)
            rows = session.scalars(select(PupilRow).options(selectinload(PupilRow.klass))
                                   .where(PupilRow.left_on.is_not(None))).all()
            due = [DueForErasure(p.id, p.upn, f"{p.first_name} {p.last_name}", p.klass.name, p.date_of_birth,
                                 p.left_on, keep_until(p.date_of_birth, years))
                   for p in rows if keep_until(p.date_of_birth, years) < today]
            return sorted(due, key=lambda d: (d.keep_until, d.id))

    def erase(self, actor: Actor, pupil_ids: list[int]) -> Erasure:
        """Erase these pupils (each must still be due), all or none."""
        require(actor.roles, "retention.manage", who=actor.username)
        today = self.clock.today()
        erased: list[int] = []
        redacted = 0
        with self.db.session() as session:
            years = self.retention_years(session)
            for pupil_id in sorted(set(pupil_ids)):  # one writer at a time per pupil (guard), in order
                guard.lock(session, PupilRow, pupil_id)
            for pupil_id in dict.fromkeys(pupil_ids):
                pupil = session.get(PupilRow, pupil_id, options=[selectinload(PupilRow.contacts)])
                if pupil is None:
                    raise NotFound(f"there is no pupil record {pupil_id}: nothing was erased")
                if pupil.left_on is None:
                    raise Refused(f"pupil record {pupil_id} is on roll: only a pupil who left can be erased; "
                                  "nothing was erased")
                until = keep_until(pupil.date_of_birth, years)
                if until >= today:
                    raise Refused(f"pupil record {pupil_id} is kept until {until:%d %b %Y} under the retention "
                                  "policy; nothing was erased")
                left_on = pupil.left_on
                identifiers = pupil_identifiers(pupil, [c.name for c in pupil.contacts])
                entries = [row.id for row, shared in audit_entries_about(session, pupil) if not shared]
                _delete_pupil(session, pupil, identifiers)
                audit.record(session, actor, self.clock, "erase", "pupil", pupil_id,
                             note=f"erased pupil record {pupil_id} (left {left_on.isoformat()}) under the "
                                  "retention policy")
                redacted += audit.redact(session, actor, self.clock, entries, identifiers=identifiers,
                                         note=f"audit entries about erased pupil record {pupil_id} redacted")
                erased.append(pupil_id)
        return Erasure(tuple(erased), redacted)


def _without(value: str | None, identifiers: tuple[str, ...]) -> str | None:
    """Free text with the pupil's identifiers replaced by "[erased]"."""
    if not value:
        return value
    for word in identifiers:
        value = re.sub(re.escape(word), "[erased]", value, flags=re.IGNORECASE)
    return value


def _delete_pupil(session: Session, pupil: PupilRow, identifiers: tuple[str, ...]) -> None:
    s, pid = session, pupil.id

    def execute(statement) -> None:
        s.execute(statement.execution_options(synchronize_session=False))

    def delete_children(parent: str, ids: list[int]) -> None:
        """The rows the registry says go by their link to these `parent` rows (store/pupil_tables.py)."""
        for entry in deleted_by_link(parent):
            execute(delete(entry.model).where(getattr(entry.model, entry.link).in_(ids)))

    # independent-therapy requests, with their history, overrides, review meetings and off-site logs
    request_ids = list(s.scalars(select(RequestRow.id).where(RequestRow.pupil_id == pid)))
    if request_ids:
        execute(update(BookingRow).where(BookingRow.request_id.in_(request_ids)).values(request_id=None))
        execute(update(RequestRow).where(RequestRow.extends_id.in_(request_ids)).values(extends_id=None))
        delete_children("requests", request_ids)
        execute(delete(RequestRow).where(RequestRow.id.in_(request_ids)))
    # outcomes and targets: the session notes written against them stay with the session, unlinked
    outcome_ids = list(s.scalars(select(OutcomeRow.id).where(OutcomeRow.pupil_id == pid)))
    if outcome_ids:
        target_ids = list(s.scalars(select(TargetRow.id).where(TargetRow.outcome_id.in_(outcome_ids))))
        if target_ids:
            execute(update(SessionRecordRow).where(SessionRecordRow.target_id.in_(target_ids))
                    .values(target_id=None))
            execute(delete(TargetRow).where(TargetRow.id.in_(target_ids)))
        execute(delete(OutcomeRow).where(OutcomeRow.id.in_(outcome_ids)))
    # sessions: their place in bookings goes; a session only they had keeps no note about them
    booking_ids = list(s.scalars(select(BookingPupilRow.booking_id).where(BookingPupilRow.pupil_id == pid)))
    if booking_ids:
        group = set(s.scalars(select(BookingPupilRow.booking_id).where(
            BookingPupilRow.booking_id.in_(booking_ids), BookingPupilRow.pupil_id != pid)))
        solo = [b for b in booking_ids if b not in group]
        occurrences = select(BookingOccurrenceRow.id).where(BookingOccurrenceRow.booking_id.in_(solo))
        if solo:
            execute(update(SessionRecordRow).where(SessionRecordRow.occurrence_id.in_(occurrences)).values(note=None))
        contacts = {c.name for c in pupil.contacts}
        marker = f"of {pupil.first_name})"
        notices = [n for n, who in s.execute(
            select(BookingNoticeRow.id, BookingNoticeRow.who)
            .join(BookingOccurrenceRow, BookingOccurrenceRow.id == BookingNoticeRow.occurrence_id)
            .where(BookingOccurrenceRow.booking_id.in_(booking_ids), BookingNoticeRow.audience == "parents"))
            if who.endswith(marker) and who.split(" (")[0] in contacts]
        if notices:
            execute(delete(BookingNoticeRow).where(BookingNoticeRow.id.in_(notices)))
        for booking in s.scalars(select(BookingRow).where(BookingRow.id.in_(booking_ids))):
            booking.purpose = _without(booking.purpose, identifiers)
            # a booking's notes are about its pupils: gone with a pupil's own sessions, names taken out of a group's
            booking.notes = None if booking.id in solo else _without(booking.notes, identifiers)
        execute(delete(BookingPupilRow).where(BookingPupilRow.pupil_id == pid))
    visit_ids = list(s.scalars(select(VisitPupilRow.visit_id).where(VisitPupilRow.pupil_id == pid)))
    if visit_ids:
        for visit in s.scalars(select(VisitRow).where(VisitRow.id.in_(visit_ids))):
            visit.note = _without(visit.note, identifiers)
        execute(delete(VisitPupilRow).where(VisitPupilRow.pupil_id == pid))
    # advice (with its chases) and annual reviews (with invitees and circulations)
    advice_ids = list(s.scalars(select(AdviceRequestRow.id).where(AdviceRequestRow.pupil_id == pid)))
    if advice_ids:
        delete_children("advice_requests", advice_ids)
        execute(delete(AdviceRequestRow).where(AdviceRequestRow.id.in_(advice_ids)))
    review_ids = list(s.scalars(select(AnnualReviewRow.id).where(AnnualReviewRow.pupil_id == pid)))
    if review_ids:
        execute(update(AdviceRequestRow).where(AdviceRequestRow.review_id.in_(review_ids)).values(review_id=None))
        delete_children("annual_reviews", review_ids)
        execute(delete(AnnualReviewRow).where(AnnualReviewRow.id.in_(review_ids)))
    delete_children("pupils", [pid])
    s.flush()
    s.expunge(pupil)
    execute(delete(PupilRow).where(PupilRow.id == pid))
