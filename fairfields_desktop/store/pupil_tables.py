"""The tables about a pupil, in one place: what the erasure (services/retention.py) does to each and where
the subject-access export (services/subject_access.py) shows it.

A table is about a pupil when it reaches `pupils` by foreign keys: directly (`contacts.pupil_id`), through
a table that does (`request_events` through `requests`, `targets` through `ehcp_outcomes`), or through a
link table that puts a pupil in something (`bookings` through `booking_pupils`, then `booking_occurrences`
and `session_records` through `bookings`). `tables_reaching_pupils` walks the schema that way, and
tests/store/test_pupil_tables.py fails naming any table it finds that `PUPIL_TABLES` lacks, so a new table
about pupils cannot be forgotten by the erasure or the export.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import MetaData, Table

from .models import (
    AdviceChaseRow,
    AdviceRequestRow,
    AnnualReviewRow,
    AssessmentRow,
    AttendanceRow,
    AuditRow,
    Base,
    BookingNoticeRow,
    BookingOccurrenceRow,
    BookingPupilRow,
    BookingRow,
    BookingStaffRow,
    BudgetDiscussionRow,
    ConsentRow,
    ContactRow,
    OffSiteSessionRow,
    OutcomeRow,
    PupilRow,
    RequestEventRow,
    RequestLetterRow,
    RequestOverrideRow,
    RequestRow,
    ReviewCirculationRow,
    ReviewInviteeRow,
    ReviewMeetingRow,
    SessionRecordRow,
    TargetRow,
    TeamMemberRow,
    VisitPupilRow,
    VisitRow,
)


class Erasure(Enum):
    """What erasing a pupil does to a table's rows about them."""

    DELETED = "deleted by their link to the parent"  # the generic step: rows whose `link` is a parent's id go
    BY_HAND = "deleted by a step of its own"  # retention.py deletes them, after unlinking what points at them
    KEPT = "kept for the others, the pupil's name taken out"  # shared records (a group session, a visit)


@dataclass(frozen=True)
class PupilTable:
    """One table about a pupil."""

    model: type[Base]
    parent: str | None  # the table it reaches the pupil through (None: `pupils` itself, or no foreign key)
    link: str | None  # the column joining it to the parent (the parent's own when a link table points at it)
    erasure: Erasure
    section: str | None  # the subject-access export's section that shows it (None: not shown, see `why`)
    audit_entity: str | None = None  # the audit entity its own rows are recorded under, by id
    why: str = ""

    @property
    def table(self) -> str:
        return str(self.model.__tablename__)


PUPIL_TABLES: tuple[PupilTable, ...] = (
    PupilTable(PupilRow, None, None, Erasure.BY_HAND, "pupil", "pupil"),
    PupilTable(AttendanceRow, "pupils", "pupil_id", Erasure.DELETED, "attendance"),
    PupilTable(ContactRow, "pupils", "pupil_id", Erasure.DELETED, "contacts"),
    PupilTable(ConsentRow, "pupils", "pupil_id", Erasure.DELETED, "consents", "consent"),
    PupilTable(AssessmentRow, "pupils", "pupil_id", Erasure.DELETED, "assessments", "assessment"),
    PupilTable(BudgetDiscussionRow, "pupils", "pupil_id", Erasure.DELETED, "budget_discussions", "budget_discussion"),
    PupilTable(TeamMemberRow, "pupils", "pupil_id", Erasure.DELETED, "team", "team_member"),
    # requests for independent therapy, with their history, overrides, review meetings and off-site logs
    PupilTable(RequestRow, "pupils", "pupil_id", Erasure.BY_HAND, "requests",
               why="bookings made from them and extensions of them are unlinked first"),
    PupilTable(RequestLetterRow, "requests", "request_id", Erasure.DELETED, "requests"),  # before the events
    PupilTable(RequestEventRow, "requests", "request_id", Erasure.DELETED, "requests"),
    PupilTable(RequestOverrideRow, "requests", "request_id", Erasure.DELETED, "requests"),
    PupilTable(ReviewMeetingRow, "requests", "request_id", Erasure.DELETED, "requests"),
    PupilTable(OffSiteSessionRow, "requests", "request_id", Erasure.DELETED, "requests"),
    # advice (with its chases) and annual reviews (with invitees and circulations)
    PupilTable(AdviceRequestRow, "pupils", "pupil_id", Erasure.BY_HAND, "advice", "advice",
               why="its chases go first"),
    PupilTable(AdviceChaseRow, "advice_requests", "advice_id", Erasure.DELETED, "advice"),
    PupilTable(AnnualReviewRow, "pupils", "pupil_id", Erasure.BY_HAND, "annual_reviews", "annual_review",
               why="advice asked for the review is unlinked first"),
    PupilTable(ReviewInviteeRow, "annual_reviews", "review_id", Erasure.DELETED, "annual_reviews"),
    PupilTable(ReviewCirculationRow, "annual_reviews", "review_id", Erasure.DELETED, "annual_reviews"),
    # outcomes and targets: the session notes written against them stay with the session, unlinked
    PupilTable(OutcomeRow, "pupils", "pupil_id", Erasure.BY_HAND, "outcomes", "outcome"),
    PupilTable(TargetRow, "ehcp_outcomes", "outcome_id", Erasure.BY_HAND, "outcomes",
               why="session notes written against a target are unlinked first"),
    # sessions: the pupil's place in them goes; the bookings stay for the others in them
    PupilTable(BookingPupilRow, "pupils", "pupil_id", Erasure.BY_HAND, "sessions"),
    PupilTable(BookingRow, "booking_pupils", "booking_id", Erasure.KEPT, "sessions",
               why="the pupil's name is taken out of the purpose"),
    PupilTable(BookingStaffRow, "bookings", "booking_id", Erasure.KEPT, None,
               why="which staff were in a session says nothing about the pupil"),
    PupilTable(BookingOccurrenceRow, "bookings", "booking_id", Erasure.KEPT, "sessions"),
    PupilTable(SessionRecordRow, "booking_occurrences", "occurrence_id", Erasure.KEPT, "sessions",
               why="the note goes when the pupil was alone in the session; a target of theirs is unlinked"),
    PupilTable(BookingNoticeRow, "booking_occurrences", "occurrence_id", Erasure.BY_HAND, "notices",
               why="only the notices to the pupil's parents go"),
    # visits by professionals: the pupil's place in them goes, the visit stays
    PupilTable(VisitPupilRow, "pupils", "pupil_id", Erasure.BY_HAND, "visits"),
    PupilTable(VisitRow, "visit_pupils", "visit_id", Erasure.KEPT, "visits",
               why="the pupil's name is taken out of the note"),
    # no foreign key: the audit trail names records by entity and id
    PupilTable(AuditRow, None, None, Erasure.KEPT, "audit",
               why="entries about the pupil are redacted (audit.redact), the chain still checks"),
)


def pupil_table(table: str) -> PupilTable:
    """The registry's entry for this table (KeyError when the table is not about pupils)."""
    for entry in PUPIL_TABLES:
        if entry.table == table:
            return entry
    raise KeyError(table)


def deleted_by_link(parent: str) -> tuple[PupilTable, ...]:
    """The tables the erasure deletes by their link to `parent` rows, before deleting those."""
    return tuple(t for t in PUPIL_TABLES if t.parent == parent and t.erasure is Erasure.DELETED)


def audited_by_id() -> tuple[PupilTable, ...]:
    """The tables hanging straight from `pupils` whose own rows the audit trail names by their id."""
    return tuple(t for t in PUPIL_TABLES if t.parent == "pupils" and t.audit_entity is not None)


def _is_link_table(table: Table) -> bool:
    """A table whose key is made only of foreign keys (it puts one row in another: a pupil in a booking)."""
    key = list(table.primary_key.columns)
    return bool(key) and all(column.foreign_keys for column in key)


def tables_reaching_pupils(metadata: MetaData = Base.metadata) -> set[str]:
    """Every table that reaches `pupils` by foreign keys: pointing at `pupils` or at a table that does, and
    what a link table puts a pupil in (`booking_pupils` → `bookings`)."""
    tables = metadata.tables
    found = {"pupils"}
    while True:
        more = set()
        for name, table in tables.items():
            referenced = {fk.column.table.name for fk in table.foreign_keys}
            if name not in found and referenced & found:
                more.add(name)
            if name in found and _is_link_table(table) and "pupils" in referenced:
                more |= referenced - found
        if not more - found:
            return found
        found |= more


def registry_gaps(metadata: MetaData = Base.metadata) -> tuple[set[str], set[str]]:
    """(tables about pupils the registry lacks, tables in the registry the schema no longer has)."""
    listed = {t.table for t in PUPIL_TABLES}
    return tables_reaching_pupils(metadata) - listed, listed - set(metadata.tables)
