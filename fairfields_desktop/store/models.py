"""SQLAlchemy 2 models of everything the school dataset holds, keyed by internal ids.

External keys (UPN, professional id, space name, staff id, username) are unique columns that can
change; relations always use the internal integer ids. Schema changes go through Alembic
(`store/migrations`); never edit a released migration.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    Time,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        str: String(200),
        datetime: DateTime(),
        date: Date(),
        time: Time(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class SchoolSettingsRow(Base):
    __tablename__ = "school_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_name: Mapped[str]
    attendance_threshold_percent: Mapped[float] = mapped_column(Float)
    max_authorised_weeks: Mapped[int]
    school_day_start: Mapped[time]
    school_day_end: Mapped[time]
    dbs_recheck_years: Mapped[int]
    under_five_review_months: Mapped[int]
    # ours, not in the dataset format unless changed: the window locks after this many idle minutes;
    # pupils who left are kept until their date of birth + this many years (IRMS toolkit: SEN records)
    idle_lock_minutes: Mapped[int] = mapped_column(default=10, server_default="10")
    retention_years: Mapped[int] = mapped_column(default=31, server_default="31")
    # the letterhead of letters to families: the postal address (one line each) and the telephone
    address: Mapped[str | None] = mapped_column(Text)
    telephone: Mapped[str | None] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}


class TermRow(Base):
    __tablename__ = "terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    closures: Mapped[list[ClosureRow]] = relationship(
        back_populates="term", cascade="all, delete-orphan", order_by="ClosureRow.id"
    )


class ClosureRow(Base):
    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    why: Mapped[str]
    term: Mapped[TermRow] = relationship(back_populates="closures")


class SpaceRow(Base):
    __tablename__ = "spaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(60))
    capacity: Mapped[int]
    bookable: Mapped[bool] = mapped_column(default=True)
    features: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}


class ClassRow(Base):
    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id"))
    room: Mapped[SpaceRow | None] = relationship()


class StaffRow(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    ext_id: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str]
    role: Mapped[str]
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"), index=True)
    klass: Mapped[ClassRow | None] = relationship()
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    roles: Mapped[str] = mapped_column(String(120))  # comma-separated, in the order given
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    staff: Mapped[StaffRow | None] = relationship()
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}


class ProfessionalRow(Base):
    __tablename__ = "professionals"

    id: Mapped[int] = mapped_column(primary_key=True)
    ext_id: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str]
    discipline: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str | None]
    email: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(60))
    dbs_type: Mapped[str | None] = mapped_column(String(30))  # null: no DBS record at all
    dbs_date: Mapped[date | None]
    dbs_given_by: Mapped[str | None]
    dbs_certificate: Mapped[str | None] = mapped_column(String(60))
    dbs_barred_list: Mapped[bool] = mapped_column(default=False)
    dbs_update_service: Mapped[bool] = mapped_column(default=False)
    registration_body: Mapped[str | None] = mapped_column(String(60))  # null: no registration
    registration_number: Mapped[str | None] = mapped_column(String(60))
    registration_checked_on: Mapped[date | None]
    insurance_expires: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        CheckConstraint("kind in ('statutory', 'commissioned', 'independent')", name="kind"),
    )


class PupilRow(Base):
    __tablename__ = "pupils"

    id: Mapped[int] = mapped_column(primary_key=True)
    upn: Mapped[str] = mapped_column(String(13), unique=True)
    first_name: Mapped[str]
    last_name: Mapped[str]
    date_of_birth: Mapped[date]
    year_group: Mapped[int]
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    attendance_percent: Mapped[float | None] = mapped_column(Float)
    attendance_as_of: Mapped[date | None]
    has_ehcp: Mapped[bool] = mapped_column(default=False)
    ehcp_issued: Mapped[date | None]
    ehcp_last_review: Mapped[date | None]
    personal_budget_reference: Mapped[str | None] = mapped_column(String(80))
    personal_budget_amount_gbp: Mapped[float | None] = mapped_column(Float)
    areas_of_need: Mapped[list[Any]] = mapped_column(default=list)
    looked_after: Mapped[bool] = mapped_column(default=False)
    looked_after_authority: Mapped[str | None]
    social_worker: Mapped[str | None]
    key_worker_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    key_worker_professional_id: Mapped[int | None] = mapped_column(ForeignKey("professionals.id"))
    left_on: Mapped[date | None]
    klass: Mapped[ClassRow] = relationship()
    key_worker_staff: Mapped[StaffRow | None] = relationship()
    key_worker_professional: Mapped[ProfessionalRow | None] = relationship()
    contacts: Mapped[list[ContactRow]] = relationship(
        back_populates="pupil", cascade="all, delete-orphan", order_by="ContactRow.id"
    )
    consents: Mapped[list[ConsentRow]] = relationship(
        back_populates="pupil", cascade="all, delete-orphan", order_by="ConsentRow.id"
    )
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}


class AttendanceRow(Base):
    """The MIS year-to-date attendance figure each time it was recorded (the history)."""

    __tablename__ = "attendance_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    percent: Mapped[float] = mapped_column(Float)
    as_of: Mapped[date]
    recorded_at: Mapped[datetime]
    pupil: Mapped[PupilRow] = relationship()


class ContactRow(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    name: Mapped[str]
    relationship_: Mapped[str] = mapped_column("relationship", String(80))
    parental_responsibility: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None]
    pupil: Mapped[PupilRow] = relationship(back_populates="contacts")


class ConsentRow(Base):
    """A consent to share: to a professional on the register or an organisation, the review pack's sections
    it covers, who gave it, from `given_on` until `until` (its last day) unless withdrawn.

    `sections` null: recorded in words before consent was data (`what` holds the words); such a consent is
    "to be reviewed" and shares nothing until reviewed (`reviewed_on`, the words kept in `what`)."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    share_with: Mapped[str]  # the professional's id or the organisation's name (or the recorded words)
    what: Mapped[str]  # the sections in words, or the family's own words of a consent recorded before
    given_by: Mapped[str]
    given_on: Mapped[date]
    withdrawn_on: Mapped[date | None]
    professional_id: Mapped[int | None] = mapped_column(ForeignKey("professionals.id"), index=True)
    organisation: Mapped[str | None]
    sections: Mapped[list[Any] | None]
    given_by_kind: Mapped[str | None] = mapped_column(String(20))  # parent | young_person
    until: Mapped[date | None]
    reviewed_on: Mapped[date | None]
    pupil: Mapped[PupilRow] = relationship(back_populates="consents")
    professional: Mapped[ProfessionalRow | None] = relationship()

    __table_args__ = (
        CheckConstraint("given_by_kind in ('parent', 'young_person')", name="given_by_kind"),
    )


class BookingStaffRow(Base):
    __tablename__ = "booking_staff"

    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)
    staff: Mapped[StaffRow] = relationship()


class BookingPupilRow(Base):
    __tablename__ = "booking_pupils"

    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)
    pupil: Mapped[PupilRow] = relationship()


class BookingRow(Base):
    """A booking as people make it: once, or weekly on school days until a date (a series).

    Each date it happens on is a `BookingOccurrenceRow`; clashes are checked on occurrences.
    """

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    ext_id: Mapped[str] = mapped_column(String(60), unique=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    professional_id: Mapped[int | None] = mapped_column(ForeignKey("professionals.id"), index=True)
    purpose: Mapped[str | None] = mapped_column(Text)  # the title: seen by everyone who sees the booking
    notes: Mapped[str | None] = mapped_column(Text)  # seen only by the roles that may read them
    title_needs_review: Mapped[bool] = mapped_column(default=False, server_default="0")  # names a pupil
    # the headteacher's reason for booking an independent therapist with pupils in the school day without a
    # request (null for every other booking)
    direct_reason: Mapped[str | None] = mapped_column(Text)
    repeat_weekly_until: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="booked")
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    created_by: Mapped[str | None] = mapped_column(String(60))
    cancelled_by: Mapped[str | None] = mapped_column(String(60))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    space: Mapped[SpaceRow] = relationship()
    professional: Mapped[ProfessionalRow | None] = relationship()
    staff_links: Mapped[list[BookingStaffRow]] = relationship(
        cascade="all, delete-orphan", order_by="BookingStaffRow.position"
    )
    pupil_links: Mapped[list[BookingPupilRow]] = relationship(
        cascade="all, delete-orphan", order_by="BookingPupilRow.position"
    )
    occurrences: Mapped[list[BookingOccurrenceRow]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", order_by="BookingOccurrenceRow.starts_at"
    )
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("status in ('booked', 'cancelled')", name="status"),
    )


class BookingOccurrenceRow(Base):
    """One dated occurrence of a booking: the unit that holds a space for a half-open time range."""

    __tablename__ = "booking_occurrences"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="booked")
    cancelled_by: Mapped[str | None] = mapped_column(String(60))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # changed or cancelled on its own: a later edit of the whole series leaves it as it is
    individually: Mapped[bool] = mapped_column(default=False, server_default="0")
    space: Mapped[SpaceRow] = relationship()
    booking: Mapped[BookingRow] = relationship(back_populates="occurrences")

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_booking_occurrences_space_time", "space_id", "starts_at", "ends_at"),
        Index("ix_booking_occurrences_starts_at", "starts_at"),
    )


class RequestRow(Base):
    """A request for independent therapy in the school day, and the authorisation it becomes."""

    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    ext_id: Mapped[str] = mapped_column(String(60), unique=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), index=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professionals.id"), index=True)
    setting: Mapped[str] = mapped_column(String(20))
    first_session: Mapped[date]
    last_session: Mapped[date]
    weekday: Mapped[str] = mapped_column(String(10))
    start_time: Mapped[time]
    end_time: Mapped[time]
    ehcp_approval_on: Mapped[date | None]
    ehcp_approval_reference: Mapped[str | None] = mapped_column(String(80))
    personal_budget_linked: Mapped[bool] = mapped_column(default=False)
    classroom_sessions_agreed: Mapped[bool] = mapped_column(default=False)
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id"))
    class_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    extends_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    extension_reason: Mapped[str | None] = mapped_column(Text)
    #: the policy's first instance: were sessions outside the school day considered, and why they will not do
    outside_school_day: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    pupil: Mapped[PupilRow] = relationship()
    professional: Mapped[ProfessionalRow] = relationship()
    space: Mapped[SpaceRow | None] = relationship()
    class_staff: Mapped[StaffRow | None] = relationship()
    extends: Mapped[RequestRow | None] = relationship(remote_side=[id])
    history: Mapped[list[RequestEventRow]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestEventRow.id"
    )
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}


class RequestEventRow(Base):
    """One transition of a request: who, when, what and why. Never edited or removed."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None]
    request: Mapped[RequestRow] = relationship(back_populates="history")


class RequestLetterRow(Base):
    """A letter to the family about one event of a request, as it was printed or saved: who, when, to whom,
    its words (what the family was told) and the SHA-256 of the PDF. Never edited or removed."""

    __tablename__ = "request_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("request_events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # the event's action: approved, suspended, reinstated…
    printed_at: Mapped[datetime]
    printed_by: Mapped[str] = mapped_column(String(60))
    to: Mapped[str] = mapped_column(Text)  # the addressees, as the letter greets them
    body: Mapped[str] = mapped_column(Text)  # the letter's words, as printed
    pdf_sha256: Mapped[str] = mapped_column(String(64))


class AdviceRequestRow(Base):
    __tablename__ = "advice_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), index=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professionals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    requested_on: Mapped[date]
    due: Mapped[date | None]
    received_on: Mapped[date | None]
    purpose: Mapped[str | None] = mapped_column(Text)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("annual_reviews.id"), index=True)
    pupil: Mapped[PupilRow] = relationship()
    professional: Mapped[ProfessionalRow] = relationship()


class AssessmentRow(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), index=True)
    requested_on: Mapped[date]
    decision_to_assess_on: Mapped[date | None]
    decision_to_issue_on: Mapped[date | None]
    draft_issued_on: Mapped[date | None]
    final_issued_on: Mapped[date | None]
    stopped_on: Mapped[date | None]  # the LA decided not to assess, or not to issue: kept, not deleted
    stopped_reason: Mapped[str | None] = mapped_column(Text)
    pupil: Mapped[PupilRow] = relationship()


class AuditRow(Base):
    """Who changed (or printed, or dumped) what, when, with the values before and after."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(60))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    note: Mapped[str | None] = mapped_column(Text)
    # a chain: each entry's hash covers its content and the previous entry's hash (tampering shows)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class TeamMemberRow(Base):
    """A professional recorded as part of the team around a pupil (besides those who book sessions)."""

    __tablename__ = "pupil_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professionals.id"), index=True)
    role: Mapped[str | None]
    since: Mapped[date | None]
    ended_on: Mapped[date | None]
    professional: Mapped[ProfessionalRow] = relationship()


class VisitPupilRow(Base):
    __tablename__ = "visit_pupils"

    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), primary_key=True, index=True)
    pupil: Mapped[PupilRow] = relationship()


class VisitRow(Base):
    """A visit: signed in and out. A professional's (``kind`` "professional") names them on the register, with
    who they saw, where and why; any other visitor (a parent or carer, a contractor, a governor, a student,
    supply staff...) is named here, with their organisation, whom they visit and, for a contractor or supply
    staff in regulated activity, the DBS certificate seen or that they are escorted."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    professional_id: Mapped[int | None] = mapped_column(ForeignKey("professionals.id"), index=True)
    signed_in_at: Mapped[datetime] = mapped_column(index=True)
    signed_out_at: Mapped[datetime | None]
    identity_checked: Mapped[bool] = mapped_column(default=False)
    identity_note: Mapped[str | None]
    purpose: Mapped[str | None] = mapped_column(String(30))
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id"))
    location: Mapped[str | None]
    note: Mapped[str | None] = mapped_column(Text)
    signed_in_by: Mapped[str] = mapped_column(String(60))
    signed_out_by: Mapped[str | None] = mapped_column(String(60))
    professional: Mapped[ProfessionalRow | None] = relationship()
    space: Mapped[SpaceRow | None] = relationship()
    pupil_links: Mapped[list[VisitPupilRow]] = relationship(cascade="all, delete-orphan")
    version: Mapped[int] = mapped_column(default=1)
    # added with visitors of every kind (migration 0015), after the columns they joined
    kind: Mapped[str] = mapped_column(String(20), default="professional", server_default="professional")
    name: Mapped[str | None] = mapped_column(String(200), index=True)
    organisation: Mapped[str | None] = mapped_column(String(200))
    visiting: Mapped[str | None] = mapped_column(String(200))
    badge: Mapped[str | None] = mapped_column(String(40))
    regulated: Mapped[bool] = mapped_column(default=False, server_default="0")
    dbs_certificate: Mapped[str | None] = mapped_column(String(40))
    dbs_date: Mapped[date | None]
    escorted: Mapped[bool] = mapped_column(default=False, server_default="0")
    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        CheckConstraint("purpose in ('therapy', 'observation', 'assessment', 'meeting')", name="purpose"),
        CheckConstraint("kind in ('professional', 'parent', 'contractor', 'governor', 'student', 'supply', "
                        "'other')", name="kind"),
        CheckConstraint("(kind = 'professional') = (professional_id is not null)", name="who"),
        CheckConstraint("kind = 'professional' or name is not null", name="named"),
    )


class SpaceClosureRow(Base):
    """A space out of use for a period (repairs, an exam): it cannot be booked then."""

    __tablename__ = "space_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime]
    lifted_at: Mapped[datetime | None]
    lifted_by: Mapped[str | None] = mapped_column(String(60))
    space: Mapped[SpaceRow] = relationship()


class BookingNoticeRow(Base):
    """Someone who must be told that a session was moved or cancelled, and when they were told."""

    __tablename__ = "booking_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("booking_occurrences.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(30))  # professional | parents | class_teacher
    who: Mapped[str]
    contact: Mapped[str | None]
    what: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(60))
    told_at: Mapped[datetime | None]
    told_by: Mapped[str | None] = mapped_column(String(60))


class RequestOverrideRow(Base):
    """The headteacher's decision to authorise despite a failed rule: which rule, why, who, when."""

    __tablename__ = "request_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(60))
    on_behalf_of: Mapped[str | None] = mapped_column(String(60))  # the headteacher, when an acting head decided
    at: Mapped[datetime]


class ReviewMeetingRow(Base):
    """The review meeting with parents and professionals that must come before a reinstatement."""

    __tablename__ = "review_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date]
    attendees: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(60))
    recorded_at: Mapped[datetime]


class DelegationRow(Base):
    """The headteacher lets a named user (an acting head) decide requests for a period."""

    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegate: Mapped[str] = mapped_column(String(60), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class OffSiteSessionRow(Base):
    """One off-site session as it happened: out and back, who took the pupil, the attendance mark."""

    __tablename__ = "off_site_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    session_on: Mapped[date]
    time_out: Mapped[datetime]
    time_back: Mapped[datetime | None]
    taken_by: Mapped[str | None]
    attendance_mark: Mapped[str | None] = mapped_column(String(10))
    recorded_by: Mapped[str] = mapped_column(String(60))
    #: a session outside the authorised day or times, let go by the headteacher (or an acting head): why, and who
    exception_reason: Mapped[str | None] = mapped_column(Text)
    exception_by: Mapped[str | None] = mapped_column(String(60))


class BudgetDiscussionRow(Base):
    """The EHCP officer's and headteacher's discussion before a personal budget is allocated."""

    __tablename__ = "budget_discussions"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), index=True)
    held_on: Mapped[date]
    ehcp_officer: Mapped[str | None]
    capacity_agreed: Mapped[bool] = mapped_column(default=False)
    already_provided: Mapped[bool] = mapped_column(default=False)  # e.g. through pupil premium
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(60))
    recorded_at: Mapped[datetime]



class SessionRecordRow(Base):
    """Whether a booked session was delivered (or why not), with an optional short progress note."""

    __tablename__ = "session_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("booking_occurrences.id"), unique=True)
    delivered: Mapped[bool]
    # pupil_absent | professional_absent | cancelled_by_school | other
    reason: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id"))  # the target the note is against
    recorded_by: Mapped[str] = mapped_column(String(60))
    recorded_at: Mapped[datetime]


class AdviceChaseRow(Base):
    """A reminder sent to a professional whose advice is late: when, by whom, how."""

    __tablename__ = "advice_chases"

    id: Mapped[int] = mapped_column(primary_key=True)
    advice_id: Mapped[int] = mapped_column(ForeignKey("advice_requests.id", ondelete="CASCADE"), index=True)
    chased_on: Mapped[date]
    how: Mapped[str | None]
    chased_by: Mapped[str] = mapped_column(String(60))


class AnnualReviewRow(Base):
    """One annual review meeting of a pupil's EHCP and its paperwork; moved or cancelled, never deleted."""

    __tablename__ = "annual_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), index=True)
    meeting_on: Mapped[date] = mapped_column(index=True)
    meeting_at: Mapped[time | None]
    place: Mapped[str | None]
    status: Mapped[str] = mapped_column(String(20), default="planned")  # planned | held | cancelled
    cancelled_reason: Mapped[str | None] = mapped_column(Text)
    invitations_sent_on: Mapped[date | None]
    child_views: Mapped[str | None] = mapped_column(Text)
    parent_views: Mapped[str | None] = mapped_column(Text)
    budget_review: Mapped[str | None] = mapped_column(Text)  # the personal budget and direct payments review
    proposed_amendments: Mapped[str | None] = mapped_column(Text)
    report_sent_on: Mapped[date | None]  # the school's report to the LA and every invitee
    la_decision_on: Mapped[date | None]
    amendment_notice_on: Mapped[date | None]  # the LA's notice of proposed amendments
    final_plan_on: Mapped[date | None]  # the amended plan issued
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime]
    pupil: Mapped[PupilRow] = relationship()
    invitees: Mapped[list[ReviewInviteeRow]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewInviteeRow.id")
    circulations: Mapped[list[ReviewCirculationRow]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewCirculationRow.id")
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("status in ('planned', 'held', 'cancelled')", name="status"),
    )


class ReviewInviteeRow(Base):
    """Someone invited to a review: the parents or the young person, the team, the class teacher, the social worker."""

    __tablename__ = "review_invitees"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("annual_reviews.id", ondelete="CASCADE"), index=True)
    # parent | young_person | professional | class_teacher | social_worker | other
    role: Mapped[str] = mapped_column(String(30))
    name: Mapped[str]
    professional_id: Mapped[int | None] = mapped_column(ForeignKey("professionals.id"))
    removed_on: Mapped[date | None]  # taken off the list: kept, not deleted
    review: Mapped[AnnualReviewRow] = relationship(back_populates="invitees")


class ReviewCirculationRow(Base):
    """What was circulated to whom and when (advice and reports before the meeting, the report after)."""

    __tablename__ = "review_circulations"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("annual_reviews.id", ondelete="CASCADE"), index=True)
    document: Mapped[str]
    sent_to: Mapped[str] = mapped_column(Text)
    sent_on: Mapped[date]
    recorded_by: Mapped[str] = mapped_column(String(60))
    review: Mapped[AnnualReviewRow] = relationship(back_populates="circulations")


class OutcomeRow(Base):
    """An EHCP outcome under one of the four broad areas of need."""

    __tablename__ = "ehcp_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), index=True)
    area: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    set_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="current")  # current | achieved | ceased
    ended_on: Mapped[date | None]
    targets: Mapped[list[TargetRow]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan", order_by="TargetRow.id")
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}


class TargetRow(Base):
    """A target or programme a professional sets under an outcome, with the strategy for the class team."""

    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("ehcp_outcomes.id", ondelete="CASCADE"), index=True)
    professional_id: Mapped[int | None] = mapped_column(ForeignKey("professionals.id"))
    text: Mapped[str] = mapped_column(Text)
    programme: Mapped[str | None] = mapped_column(Text)
    strategy: Mapped[str | None] = mapped_column(Text)  # what the class team carries into daily practice
    set_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="current")  # current | achieved | ceased
    ended_on: Mapped[date | None]
    outcome: Mapped[OutcomeRow] = relationship(back_populates="targets")
    professional: Mapped[ProfessionalRow | None] = relationship()
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}
