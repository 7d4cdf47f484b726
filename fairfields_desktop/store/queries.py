"""Queries too particular for the ORM: the database finds which bookings fall in requests' sessions.

A request's sessions are its weekday each week from the first to the last session, at its times. The
bookings that overlap them are found with one join for many requests at once, using the dialect's
weekday and clock-time functions (SQLite `strftime`, PostgreSQL `extract`/`to_char`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Integer, String, and_, case, cast, func, literal, literal_column, select, type_coerce
from sqlalchemy.orm import Session

from .models import BookingOccurrenceRow, BookingRow, BookingStaffRow, ProfessionalRow, RequestRow, SpaceRow

_WEEKDAY_NUMBER = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5}  # 0 is Sunday


def _weekday(column, dialect: str):
    if dialect == "sqlite":
        return cast(func.strftime("%w", column), Integer)
    return cast(func.extract("dow", column), Integer)


def _clock(column, dialect: str, *, is_time: bool = False):
    """HH:MM of a date-time (or of a time) column, as text that sorts like the clock."""
    if dialect == "sqlite":
        return func.substr(column, 1, 5) if is_time else func.strftime("%H:%M", column)
    return func.to_char(column, "HH24:MI")


def _day_after(column, dialect: str):
    """The day after a date column, comparable with date-times (an upper bound the index can use)."""
    if dialect == "sqlite":
        return func.date(column, "+1 day")
    return column + literal_column("interval '1 day'")


def request_overlaps(session: Session, request_ids: Iterable[int], *, by: str) -> dict[int, list[tuple]]:
    """For each request id, the booked occurrences overlapping one of its sessions, either in its space
    (``by="space"``) or attended by its named class staff (``by="staff"``), other than its own bookings.

    Rows are (start, end, purpose, professional kind or None, space name)."""
    ids = list(request_ids)
    if not ids:
        return {}
    dialect = session.get_bind().dialect.name
    occ, booking, request = BookingOccurrenceRow, BookingRow, RequestRow
    weekday = case(*((request.weekday == name, literal(number)) for name, number in _WEEKDAY_NUMBER.items()),
                   else_=literal(-1))
    query = (select(request.id, type_coerce(occ.starts_at, String), type_coerce(occ.ends_at, String),
                    booking.purpose, ProfessionalRow.kind, SpaceRow.name)
             .select_from(request)
             .join(booking, (booking.request_id.is_(None)) | (booking.request_id != request.id))
             .join(occ, occ.booking_id == booking.id)
             .join(SpaceRow, SpaceRow.id == occ.space_id)
             .outerjoin(ProfessionalRow, ProfessionalRow.id == booking.professional_id)
             .where(request.id.in_(ids), occ.status == "booked",
                    occ.starts_at >= request.first_session,
                    occ.starts_at < _day_after(request.last_session, dialect),
                    _weekday(occ.starts_at, dialect) == weekday,
                    _clock(occ.starts_at, dialect) < _clock(request.end_time, dialect, is_time=True),
                    _clock(occ.ends_at, dialect) > _clock(request.start_time, dialect, is_time=True)))
    if by == "space":
        query = query.where(occ.space_id == request.space_id)
    else:
        query = query.join(BookingStaffRow, and_(BookingStaffRow.booking_id == booking.id,
                                                 BookingStaffRow.staff_id == request.class_staff_id))
    found: dict[int, list[tuple]] = {}
    for request_id, start, end, purpose, kind, space in session.execute(query):
        if isinstance(start, str):
            start, end = datetime.fromisoformat(start), datetime.fromisoformat(end)
        found.setdefault(request_id, []).append((start, end, purpose, kind, space))
    return found
