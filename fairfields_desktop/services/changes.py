"""The kinds of record the screens show, named for each table (the one place that says which), and who last
changed a record (for the "changed by … — reload to see it" banner of an open form)."""

from __future__ import annotations

from ..store.changes import Changes
from ..store.database import Database

#: table → the kind of record screens speak of. Every table has one (tests/services/test_change_kinds.py).
KINDS: dict[str, str] = {
    "school_settings": "school", "terms": "school", "closures": "school",
    "spaces": "spaces", "space_closures": "spaces",
    "classes": "people", "staff": "people",
    "users": "users", "delegations": "users",
    "professionals": "professionals",
    "visits": "visits", "visit_pupils": "visits",
    "pupils": "pupils", "attendance_records": "pupils", "contacts": "pupils", "consents": "pupils",
    "pupil_team": "pupils", "off_site_sessions": "pupils",
    "bookings": "bookings", "booking_occurrences": "bookings", "booking_staff": "bookings",
    "booking_pupils": "bookings", "booking_notices": "bookings",
    "requests": "requests", "request_events": "requests", "request_overrides": "requests",
    "request_letters": "requests",
    "budget_discussions": "requests",
    "advice_requests": "advice", "advice_chases": "advice",
    "assessments": "assessments",
    "annual_reviews": "reviews", "review_meetings": "reviews", "review_invitees": "reviews",
    "review_circulations": "reviews",
    "session_records": "sessions",
    "ehcp_outcomes": "outcomes", "targets": "outcomes",
    "audit_events": "audit",
}
ALL_KINDS: frozenset[str] = frozenset(KINDS.values())


def kinds_of(changes: Changes) -> frozenset[str]:
    """The kinds a change touched (all of them when anything may have changed)."""
    if changes.everything:
        return ALL_KINDS
    return frozenset(KINDS.get(table, "other") for table in changes.tables)


class ChangeService:
    """Who last changed a record, for a form left open while someone else saved it."""

    def __init__(self, db: Database, clock) -> None:
        self.db = db
        self.clock = clock

    def last_change(self, entity: str, entity_id: object) -> str:
        """"Sarah Brown at 10:42" (or "someone else") from the audit trail: who last changed the record."""
        from sqlalchemy import select

        from ..store.models import AuditRow, StaffRow, UserRow

        with self.db.read_session() as session:
            last = session.scalar(select(AuditRow).where(AuditRow.entity == entity,
                                                         AuditRow.entity_id == str(entity_id))
                                  .order_by(AuditRow.id.desc()).limit(1))
            if last is None:
                return "someone else"
            name = session.scalar(select(StaffRow.name).join(UserRow, UserRow.staff_id == StaffRow.id)
                                  .where(UserRow.username == last.username)) or last.username
            return f"{name} at {last.at:%H:%M}"

    def stamp(self, entity: str, entity_id: object = None,
              also: tuple[tuple[str, tuple[object, ...]], ...] = ()) -> tuple[int | None, str]:
        """The audit trail's last entry about a record (its id, or None) and "Sarah Brown at 10:42": a form
        compares the id with the one it opened with to know the record changed since.

        ``entity_id`` None: any record of ``entity`` (the terms, saved as a whole). ``also``: (entity, ids)
        audited on their own that the form shows too (a target's outcome)."""
        from sqlalchemy import and_, or_, select

        from ..store.models import AuditRow, StaffRow, UserRow

        about = AuditRow.entity == entity
        if entity_id is not None:
            about = and_(about, AuditRow.entity_id == str(entity_id))
        children = [and_(AuditRow.entity == e, AuditRow.entity_id.in_([str(i) for i in ids])) for e, ids in also
                    if ids]
        if children:
            about = or_(about, *children)
        with self.db.read_session() as session:
            last = session.scalar(select(AuditRow).where(about).order_by(AuditRow.id.desc()).limit(1))
            if last is None:
                return None, "someone else"
            name = session.scalar(select(StaffRow.name).join(UserRow, UserRow.staff_id == StaffRow.id)
                                  .where(UserRow.username == last.username)) or last.username
            return last.id, f"{name} at {last.at:%H:%M}"

    def latest(self) -> str:
        """"Sarah Brown at 10:42": who made the latest change the audit trail holds (any record)."""
        from sqlalchemy import select

        from ..store.models import AuditRow, StaffRow, UserRow

        with self.db.read_session() as session:
            last = session.scalar(select(AuditRow).order_by(AuditRow.id.desc()).limit(1))
            if last is None:
                return "someone else"
            name = session.scalar(select(StaffRow.name).join(UserRow, UserRow.staff_id == StaffRow.id)
                                  .where(UserRow.username == last.username)) or last.username
            return f"{name} at {last.at:%H:%M}"
