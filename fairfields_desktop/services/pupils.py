"""The pupil register: listing, reading (what each role may see), adding, editing, marking as left.

A teacher sees only their own class; the office sees names, classes and contacts but not needs,
outcomes, notes or consent details. Nothing is deleted: a pupil who leaves is marked with a date.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from ..domain.dataset import parse_date
from ..domain.ehcp import age_on, next_review_due
from ..domain.errors import InvalidInput, NotAllowed, NotFound, Problem, StaleRecord
from ..domain.permissions import allowed, require
from ..domain.pupils import pupil_problems
from ..domain.school import year_group_label
from ..domain.sharing import (
    PARENT,
    SECTIONS,
    YOUNG_PERSON,
    ConsentFacts,
    compulsory_school_age_ends,
    consent_problems,
    may_consent_themself,
    sections_text,
)
from ..domain.upn import is_temporary
from ..store.database import Database
from ..store.dataset_io import settings_dict
from ..store.models import (
    AdviceRequestRow,
    AttendanceRow,
    BookingPupilRow,
    BookingRow,
    ClassRow,
    ConsentRow,
    ContactRow,
    ProfessionalRow,
    PupilRow,
    RequestRow,
    BudgetDiscussionRow,
    SchoolSettingsRow,
    StaffRow,
    TeamMemberRow,
    TermRow,
)
from . import audit, guard
from .context import Actor, Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PupilSummary:
    id: int
    upn: str
    first_name: str
    last_name: str
    class_name: str
    year_group: int
    date_of_birth: date
    age: int
    has_ehcp: bool
    attendance_percent: float | None
    attendance_as_of: date | None
    below_threshold: bool
    looked_after: bool
    review_due: date | None  # only for roles that see needs
    review_due_this_term: bool
    left_on: date | None
    version: int

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def temporary_upn(self) -> bool:
        return is_temporary(self.upn)

    @property
    def year_label(self) -> str:
        return year_group_label(self.year_group)


@dataclass(frozen=True)
class Contact:
    name: str
    relationship: str
    parental_responsibility: bool
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class Consent:
    """A consent to share (see domain/sharing.py). ``sections`` None: recorded in words before consent was
    data, "to be reviewed", sharing nothing; ``what`` keeps those words (after review too)."""

    id: int
    share_with: str  # the professional's id or the organisation's name (or, to be reviewed, the words)
    what: str  # the sections in words, or the family's words of a consent recorded before
    given_by: str  # "Abena Osei (mother)", "Chloe Nowak (the young person)"
    given_on: date
    withdrawn_on: date | None
    recipient: str = ""  # for people: "Karen Walsh (Walsh Paediatric OT)", or the organisation
    professional: str | None = None  # the professional's id on the register
    organisation: str | None = None
    sections: tuple[str, ...] | None = None  # keys of domain.sharing.SECTIONS, in pack order
    given_by_kind: str | None = None  # parent | young_person (None: to be reviewed)
    until: date | None = None  # its last day (None: until withdrawn)
    reviewed_on: date | None = None  # when a consent recorded in words was reviewed

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_on is not None

    @property
    def to_be_reviewed(self) -> bool:
        return self.sections is None

    @property
    def shares(self) -> str:
        """The sections it covers, in words ("" while to be reviewed)."""
        return sections_text(self.sections or ())

    @property
    def facts(self) -> ConsentFacts:
        return ConsentFacts(self.professional, self.organisation,
                            frozenset(self.sections) if self.sections is not None else None, self.given_on,
                            self.until, self.withdrawn_on, self.share_with)


@dataclass(frozen=True)
class ConsentChoices:
    """What the consent form offers: the register, the sections, who may give consent for this pupil."""

    professionals: tuple[tuple[str, str], ...]  # (id, "Karen Walsh (Walsh Paediatric OT)")
    sections: tuple[tuple[str, str], ...]  # (key, words)
    givers: tuple[tuple[str, str, str], ...]  # (kind, name, label): parents with PR, then the young person
    young_person_from: date  # the first day the young person may give their own consent


@dataclass(frozen=True)
class TeamEntry:
    professional_id: str
    name: str
    kind: str
    discipline: str
    organisation: str | None
    contact: str
    involvement: str  # "key worker; sessions; advice", in words


@dataclass(frozen=True)
class PupilDetail:
    summary: PupilSummary
    key_worker: str | None
    contacts: tuple[Contact, ...]
    attendance_history: tuple[tuple[float, date], ...]
    looked_after_authority: str | None
    social_worker: str | None
    team: tuple[TeamEntry, ...]
    # sections some roles may not see: None when hidden
    ehcp_issued: date | None = None
    ehcp_last_review: date | None = None
    personal_budget_reference: str | None = None
    personal_budget_amount_gbp: float | None = None
    areas_of_need: tuple[str, ...] | None = None
    consents: tuple[Consent, ...] | None = None
    budget_discussions: tuple[tuple[date, str | None, bool, bool, str | None], ...] | None = None
    hidden: tuple[str, ...] = field(default=())  # names of the sections left out for this role


#: the fields of a pupil's record that only a role with ``pupils.edit_needs`` receives, edits or sends
NEEDS_FIELDS = ("ehcp", "areas_of_need")


@dataclass(frozen=True)
class PupilEditView:
    """What the Edit-pupil form may show and change, for one role: ``values`` holds the fields that role may
    edit (the dataset's shape) and nothing else. For a role without ``pupils.edit_needs`` (the office, the
    administrator) there is no plan, budget or area of need in it at all, not even empty."""

    pupil_id: int
    version: int  # the record's version when read: the stale-edit check of the save
    values: dict[str, Any]
    edits_needs: bool  # the plan (dates, personal budget) and the areas of need are in ``values``

    @property
    def name(self) -> str:
        return f"{self.values.get('first_name', '')} {self.values.get('last_name', '')}".strip()


def _contact_text(pro: ProfessionalRow) -> str:
    return " · ".join(x for x in (pro.phone, pro.email) if x) or "no contact details recorded"


class PupilService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- reading --------------------------------------------------------------------------------
    def class_names(self) -> list[str]:
        with self.db.read_session() as session:
            return list(session.scalars(select(ClassRow.name).order_by(ClassRow.name)))

    def list_pupils(self, actor: Actor, *, include_left: bool = False) -> list[PupilSummary]:
        require(actor.roles, "pupils.view", who=actor.username)
        with self.db.read_session() as session:
            query = select(PupilRow).options(selectinload(PupilRow.klass)).order_by(
                PupilRow.last_name, PupilRow.first_name, PupilRow.id)
            if not include_left:
                query = query.where(PupilRow.left_on.is_(None))
            if not allowed(actor.roles, "pupils.all_classes"):
                if not actor.class_name:
                    return []
                query = query.join(PupilRow.klass).where(ClassRow.name == actor.class_name)
            context = self._context(session)
            return [self._summary(row, actor, context) for row in session.scalars(query)]

    def id_of(self, actor: Actor, upn: str) -> int:
        """The internal id of the pupil with this UPN (NotFound when there is none)."""
        require(actor.roles, "pupils.view", who=actor.username)
        with self.db.read_session() as session:
            pupil_id = session.scalar(select(PupilRow.id).where(PupilRow.upn == (upn or "").strip().upper()))
        if pupil_id is None:
            raise NotFound(f"there is no pupil with UPN {upn!r}")
        return pupil_id

    def get_pupil(self, actor: Actor, pupil_id: int) -> PupilDetail:
        require(actor.roles, "pupils.view", who=actor.username)
        with self.db.read_session() as session:
            row = session.get(PupilRow, pupil_id, options=[
                selectinload(PupilRow.klass), selectinload(PupilRow.contacts),
                selectinload(PupilRow.consents).selectinload(ConsentRow.professional),
                selectinload(PupilRow.key_worker_staff), selectinload(PupilRow.key_worker_professional)])
            if row is None:
                raise NotFound(f"there is no pupil with id {pupil_id}")
            require_class(actor, row)
            sees_needs = allowed(actor.roles, "pupils.view_needs")
            sees_consent = allowed(actor.roles, "pupils.view_consent")
            history = session.execute(
                select(AttendanceRow.percent, AttendanceRow.as_of).where(AttendanceRow.pupil_id == row.id)
                .order_by(AttendanceRow.as_of.desc(), AttendanceRow.id.desc())).all()
            hidden = []
            if not sees_needs:
                hidden += ["EHCP and personal budget", "areas of need"]
            if not sees_consent:
                hidden.append("consent records")
            key_worker = None
            if row.key_worker_staff is not None:
                key_worker = f"{row.key_worker_staff.name} ({row.key_worker_staff.role})"
            elif row.key_worker_professional is not None:
                key_worker = f"{row.key_worker_professional.name} ({row.key_worker_professional.discipline.replace('_', ' ')})"
            return PupilDetail(
                summary=self._summary(row, actor, self._context(session)),
                key_worker=key_worker,
                contacts=tuple(Contact(c.name, c.relationship_, c.parental_responsibility, c.phone, c.email)
                               for c in row.contacts),
                attendance_history=tuple((float(p), d) for p, d in history),
                looked_after_authority=row.looked_after_authority if row.looked_after else None,
                social_worker=row.social_worker if row.looked_after else None,
                team=team_of(session, row),
                ehcp_issued=row.ehcp_issued if sees_needs else None,
                ehcp_last_review=row.ehcp_last_review if sees_needs else None,
                personal_budget_reference=row.personal_budget_reference if sees_needs else None,
                personal_budget_amount_gbp=row.personal_budget_amount_gbp if sees_needs else None,
                areas_of_need=tuple(row.areas_of_need or ()) if sees_needs else None,
                consents=tuple(_consent(c) for c in row.consents) if sees_consent else None,
                budget_discussions=tuple(
                    (d.held_on, d.ehcp_officer, d.capacity_agreed, d.already_provided, d.notes)
                    for d in session.scalars(select(BudgetDiscussionRow).where(BudgetDiscussionRow.pupil_id == row.id)
                                             .order_by(BudgetDiscussionRow.held_on))) if sees_needs else None,
                hidden=tuple(hidden),
            )

    def edit_view(self, actor: Actor, pupil_id: int) -> PupilEditView:
        """The fields of the pupil's record this actor may edit (``pupils.edit``; the plan and the areas of
        need only with ``pupils.edit_needs``), with the version they were read at, for the Edit-pupil form."""
        require(actor.roles, "pupils.edit", who=actor.username)
        with self.db.read_session() as session:
            row = self._row(session, pupil_id)
            require_class(actor, row)
            values = _values(row)
            version = values.pop("version")
            edits_needs = allowed(actor.roles, "pupils.edit_needs")
            if not edits_needs:
                for key in NEEDS_FIELDS:
                    values.pop(key)
            return PupilEditView(row.id, version, values, edits_needs)

    def pupil_values(self, actor: Actor, pupil_id: int) -> dict[str, Any]:
        """The pupil's editable details for this actor (dataset shape, plus ``version``): `edit_view`'s values."""
        view = self.edit_view(actor, pupil_id)
        return {**view.values, "version": view.version}

    # --- changing -------------------------------------------------------------------------------
    def save_pupil(self, actor: Actor, values: dict[str, Any], pupil_id: int | None = None,
                   expected_version: int | None = None) -> PupilSummary:
        """Add a pupil (``pupil_id`` None) or change one; every field is checked first."""
        require(actor.roles, "pupils.edit", who=actor.username)
        today = self.clock.today()
        with self.db.session() as session:
            self._lock(session, pupil_id, expected_version)
            classes = {c.name: c for c in session.scalars(select(ClassRow))}
            row = session.get(PupilRow, pupil_id, options=[
                selectinload(PupilRow.contacts), selectinload(PupilRow.klass), selectinload(PupilRow.key_worker_staff),
                selectinload(PupilRow.key_worker_professional)]) if pupil_id is not None else None
            if pupil_id is not None and row is None:
                raise NotFound(f"there is no pupil with id {pupil_id}")
            before = _values(row) if row is not None else None
            values = self._merge_permitted(actor, values, before)
            problems = pupil_problems(values, set(classes), today)
            key_worker = values.get("key_worker") or {}
            if key_worker.get("staff") and session.scalar(
                    select(StaffRow.id).where(StaffRow.ext_id == key_worker["staff"])) is None:
                problems.append(Problem("key_worker", f"{key_worker['staff']!r} is not a member of staff"))
            if key_worker.get("professional") and session.scalar(
                    select(ProfessionalRow.id).where(ProfessionalRow.ext_id == key_worker["professional"])) is None:
                problems.append(Problem("key_worker", f"{key_worker['professional']!r} is not a professional"))
            clash = session.scalar(select(PupilRow).where(PupilRow.upn == values.get("upn")))
            if clash is not None and (row is None or clash.id != row.id):
                problems.append(Problem("upn", f"{values['upn']} is already the UPN of {clash.first_name} "
                                        f"{clash.last_name}: check the UPN"))
            if problems:
                raise InvalidInput(problems)
            if row is None:
                row = PupilRow(upn=values["upn"], first_name="", last_name="", date_of_birth=today, year_group=0,
                               klass=classes[values["class"]])
                session.add(row)
            _apply(session, row, values, classes, self.clock)
            session.flush()
            audit.record_change(session, actor, self.clock, "pupil", row.id,
                                _audited(before) if before else None, _audited(_values(row)))
            log.info("pupil id %s saved", row.id)
            return self._summary(row, actor, self._context(session))

    def mark_left(self, actor: Actor, pupil_id: int, left_on: date | None,
                  expected_version: int | None = None) -> PupilSummary:
        """Mark a pupil as left on a date (None: back on roll). Nothing is deleted."""
        require(actor.roles, "pupils.edit", who=actor.username)
        with self.db.session() as session:
            row = self._lock(session, pupil_id, expected_version)
            if left_on is not None and left_on > self.clock.today() + _YEAR:
                raise InvalidInput(Problem("left_on", "the leaving date is more than a year ahead: check it"))
            before = row.left_on
            row.left_on = left_on
            session.flush()
            audit.record(session, actor, self.clock, "left" if left_on else "rejoined", "pupil", row.id,
                         before={"left_on": before}, after={"left_on": left_on})
            return self._summary(row, actor, self._context(session))

    def consent_choices(self, actor: Actor, pupil_id: int) -> ConsentChoices:
        """The professionals on the register, the pack's sections, and who may give consent for the pupil
        today: their contacts with parental responsibility, and the young person once past compulsory
        school age."""
        require(actor.roles, "pupils.edit_consent", who=actor.username)
        with self.db.read_session() as session:
            row = self._row(session, pupil_id)
            require_class(actor, row)
            pros = tuple((p.ext_id, _professional_words(p)) for p in session.scalars(
                select(ProfessionalRow).where(ProfessionalRow.active.is_(True)).order_by(ProfessionalRow.name)))
            givers = [(PARENT, c.name, f"{c.name} ({c.relationship_})") for c in row.contacts
                      if c.parental_responsibility]
            if may_consent_themself(row.date_of_birth, self.clock.today()):
                givers.append((YOUNG_PERSON, f"{row.first_name} {row.last_name}",
                               f"{row.first_name} {row.last_name} (the young person)"))
            return ConsentChoices(pros, tuple(SECTIONS.items()), tuple(givers),
                                  compulsory_school_age_ends(row.date_of_birth) + timedelta(days=1))

    def list_consents(self, actor: Actor, pupil_id: int) -> tuple[Consent, ...]:
        """The pupil's consents, withdrawn and to be reviewed ones included, oldest first."""
        require(actor.roles, "pupils.view_consent", who=actor.username)
        with self.db.read_session() as session:
            row = self._row(session, pupil_id)
            require_class(actor, row)
            return tuple(_consent(c) for c in session.scalars(
                select(ConsentRow).options(selectinload(ConsentRow.professional))
                .where(ConsentRow.pupil_id == row.id).order_by(ConsentRow.id)))

    def add_consent(self, actor: Actor, pupil_id: int, *, sections: Iterable[str], given_by_kind: str,
                    given_on: date, professional: str | None = None, organisation: str | None = None,
                    given_by: str | None = None, until: date | None = None,
                    expected_version: int | None = None) -> Consent:
        """Record a consent to share: to a professional on the register (their id) or an organisation (its
        name), the review pack's ``sections``, given by a parent or carer with parental responsibility
        (``given_by``: one of the pupil's contacts with it) or the young person past compulsory school age,
        from ``given_on`` until ``until`` (its last day; None: until withdrawn)."""
        require(actor.roles, "pupils.edit_consent", who=actor.username)
        with self.db.session() as session:
            row = self._lock(session, pupil_id, expected_version)
            require_class(actor, row)
            values = self._consent_values(session, row, professional, organisation, sections, given_by_kind,
                                          given_by, given_on, until)
            consent = ConsentRow(pupil_id=row.id, what=sections_text(values["sections"]), **values)
            session.add(consent)
            session.flush()
            audit.record(session, actor, self.clock, "create", "consent", consent.id,
                         after={"pupil": row.id, **_consent_audit(consent)})
            return _consent(consent)

    def review_consent(self, actor: Actor, consent_id: int, *, sections: Iterable[str], given_by_kind: str,
                       given_on: date, professional: str | None = None, organisation: str | None = None,
                       given_by: str | None = None, until: date | None = None,
                       expected_version: int | None = None) -> Consent:
        """Turn a consent recorded in words ("to be reviewed") into consent as data: the recipient, the
        sections, the giver and the dates as for `add_consent`. Its words stay on record (``what``)."""
        require(actor.roles, "pupils.edit_consent", who=actor.username)
        with self.db.session() as session:
            pupil_id = session.scalar(select(ConsentRow.pupil_id).where(ConsentRow.id == consent_id))
            if pupil_id is None:
                raise NotFound(f"there is no consent record {consent_id}")
            row = self._lock(session, pupil_id, expected_version)
            require_class(actor, row)
            consent = guard.reload(session, ConsentRow, consent_id)
            if consent.sections is not None:
                raise InvalidInput(Problem("consent", "this consent already names its recipient and sections: "
                                           "withdraw it and record a new one to change it"))
            values = self._consent_values(session, row, professional, organisation, sections, given_by_kind,
                                          given_by, given_on, until)
            before = _consent_audit(consent)
            for key, value in values.items():
                setattr(consent, key, value)
            consent.reviewed_on = self.clock.today()
            session.flush()
            audit.record(session, actor, self.clock, "review", "consent", consent.id,
                         before=before, after={**_consent_audit(consent), "reviewed_on": consent.reviewed_on})
            return _consent(consent)

    def _consent_values(self, session: Session, row: PupilRow, professional: str | None, organisation: str | None,
                        sections: Iterable[str], given_by_kind: str, given_by: str | None, given_on: date,
                        until: date | None) -> dict[str, Any]:
        """The columns of a consent as data, every field checked first (InvalidInput naming each field)."""
        chosen = [key for key in SECTIONS if key in set(sections or ())]
        unknown = [key for key in sections or () if key not in SECTIONS]
        parents = [c for c in row.contacts if c.parental_responsibility]
        problems = consent_problems(sections=[*chosen, *unknown], given_by_kind=given_by_kind, given_by=given_by,
                                    parents=[c.name for c in parents], date_of_birth=row.date_of_birth,
                                    given_on=given_on, until=until, today=self.clock.today())
        professional, organisation = (professional or "").strip(), (organisation or "").strip()
        pro = None
        if professional and organisation:
            problems.append(Problem("recipient", "choose a professional from the register or type an "
                                    "organisation's name, not both"))
        elif professional:
            pro = session.scalar(select(ProfessionalRow).where(ProfessionalRow.ext_id == professional))
            if pro is None:
                problems.append(Problem("recipient", f"{professional!r} is not on the register of professionals: "
                                        "choose one from the list, or type an organisation's name"))
        elif not organisation:
            problems.append(Problem("recipient", "say who may receive it: choose a professional from the register, "
                                    "or type an organisation's name"))
        elif len(organisation) > 200:
            problems.append(Problem("recipient", "the organisation's name is longer than 200 characters: shorten it"))
        if problems:
            raise InvalidInput(problems)
        if given_by_kind == YOUNG_PERSON:
            giver = f"{row.first_name} {row.last_name} (the young person)"
        else:
            contact = next(c for c in parents if c.name.strip().casefold() == (given_by or "").strip().casefold())
            giver = f"{contact.name} ({contact.relationship_})"
        return {"share_with": pro.ext_id if pro is not None else organisation, "professional": pro,
                "organisation": None if pro is not None else organisation, "sections": chosen,
                "given_by_kind": given_by_kind, "given_by": giver, "given_on": given_on, "until": until}

    def withdraw_consent(self, actor: Actor, consent_id: int, withdrawn_on: date,
                         expected_version: int | None = None) -> Consent:
        """Consent withdrawn stays on record, shown as withdrawn from that date."""
        require(actor.roles, "pupils.edit_consent", who=actor.username)
        with self.db.session() as session:
            pupil_id = session.scalar(select(ConsentRow.pupil_id).where(ConsentRow.id == consent_id))
            if pupil_id is None:
                raise NotFound(f"there is no consent record {consent_id}")
            self._lock(session, pupil_id, expected_version)
            consent = guard.reload(session, ConsentRow, consent_id)
            if consent.withdrawn_on is not None:
                raise InvalidInput(Problem("withdrawn_on", f"already withdrawn on {consent.withdrawn_on:%d %b %Y}"))
            if withdrawn_on < consent.given_on:
                raise InvalidInput(Problem("withdrawn_on", "the withdrawal is before the consent was given"))
            consent.withdrawn_on = withdrawn_on
            audit.record(session, actor, self.clock, "withdraw", "consent", consent.id,
                         before={"withdrawn_on": None}, after={"withdrawn_on": withdrawn_on})
            return _consent(consent)

    # --- undoing a consent change just made (the window's Ctrl+Z) -------------------------------------
    def consent_version(self, actor: Actor, pupil_id: int) -> int:
        """The pupil's version now: what an undo of a consent change sends (refused if changed since)."""
        require(actor.roles, "pupils.edit_consent", who=actor.username)
        with self.db.read_session() as session:
            row = session.get(PupilRow, pupil_id)
            if row is None:
                raise NotFound(f"there is no pupil with id {pupil_id}")
            return row.version

    def reinstate_consent(self, actor: Actor, consent_id: int, expected_version: int | None = None) -> Consent:
        """Undo a withdrawal just recorded: the consent is current again (audited)."""
        require(actor.roles, "pupils.edit_consent", who=actor.username)
        with self.db.session() as session:
            consent = self._consent_for_undo(session, consent_id, expected_version)
            if consent.withdrawn_on is None:
                raise InvalidInput(Problem("withdrawn_on", "this consent is not withdrawn"))
            before, consent.withdrawn_on = consent.withdrawn_on, None
            audit.record(session, actor, self.clock, "reinstate", "consent", consent.id,
                         before={"withdrawn_on": before}, after={"withdrawn_on": None})
            return _consent(consent)

    def remove_consent(self, actor: Actor, consent_id: int, expected_version: int | None = None) -> None:
        """Undo a consent just recorded by mistake: the record goes; the audit trail keeps what it said."""
        require(actor.roles, "pupils.edit_consent", who=actor.username)
        with self.db.session() as session:
            consent = self._consent_for_undo(session, consent_id, expected_version)
            audit.record(session, actor, self.clock, "delete", "consent", consent.id,
                         before={"pupil": consent.pupil_id, **_consent_audit(consent),
                                 "withdrawn_on": consent.withdrawn_on})
            session.delete(consent)

    def _consent_for_undo(self, session: Session, consent_id: int, expected_version: int | None) -> ConsentRow:
        pupil_id = session.scalar(select(ConsentRow.pupil_id).where(ConsentRow.id == consent_id))
        if pupil_id is None:
            raise NotFound(f"there is no consent record {consent_id}")
        self._lock(session, pupil_id, expected_version)
        return guard.reload(session, ConsentRow, consent_id)

    def add_team_member(self, actor: Actor, pupil_id: int, professional_ext_id: str, role: str | None = None,
                        expected_version: int | None = None) -> None:
        """Record a professional as part of the team around the pupil (from today)."""
        require(actor.roles, "pupils.edit_needs", who=actor.username)
        with self.db.session() as session:
            row = self._lock(session, pupil_id, expected_version)
            pro = session.scalar(select(ProfessionalRow).where(ProfessionalRow.ext_id == professional_ext_id))
            if pro is None:
                raise InvalidInput(Problem("professional", f"{professional_ext_id!r} is not a professional"))
            member = TeamMemberRow(pupil_id=row.id, professional_id=pro.id, role=(role or "").strip() or None,
                                   since=self.clock.today())
            session.add(member)
            session.flush()
            audit.record(session, actor, self.clock, "create", "team_member", member.id,
                         after={"pupil": row.id, "professional": pro.ext_id, "role": member.role})

    def record_budget_discussion(self, actor: Actor, pupil_id: int, held_on: date, *, ehcp_officer: str | None,
                                 capacity_agreed: bool, already_provided: bool, notes: str | None = None,
                                 expected_version: int | None = None) -> None:
        """Before a personal budget is allocated for in-school provision: the EHCP officer's and the
        headteacher's discussion of the school's capacity and of provision already given (e.g. pupil premium)."""
        require(actor.roles, "budget.discuss", who=actor.username)
        if held_on > self.clock.today():
            raise InvalidInput(Problem("held_on", "record the discussion once it has taken place"))
        with self.db.session() as session:
            row = self._lock(session, pupil_id, expected_version)
            discussion = BudgetDiscussionRow(pupil_id=row.id, held_on=held_on,
                                             ehcp_officer=(ehcp_officer or "").strip() or None,
                                             capacity_agreed=capacity_agreed, already_provided=already_provided,
                                             notes=(notes or "").strip() or None, recorded_by=actor.username,
                                             recorded_at=self.clock.now())
            session.add(discussion)
            session.flush()
            audit.record(session, actor, self.clock, "create", "budget_discussion", discussion.id,
                         after={"pupil": row.id, "held_on": held_on, "capacity_agreed": capacity_agreed,
                                "already_provided": already_provided})

    def key_worker_choices(self, actor: Actor) -> list[tuple[dict[str, str], str]]:
        """Staff and professionals who can be a family's key worker, as (reference, label)."""
        require(actor.roles, "pupils.edit", who=actor.username)
        with self.db.read_session() as session:
            staff = [({"staff": s.ext_id}, f"{s.name} ({s.role})")
                     for s in session.scalars(select(StaffRow).order_by(StaffRow.name))]
            pros = [({"professional": p.ext_id}, f"{p.name} ({p.discipline.replace('_', ' ')}, {p.kind})")
                    for p in session.scalars(select(ProfessionalRow).order_by(ProfessionalRow.name))]
            return staff + pros

    # --- helpers --------------------------------------------------------------------------------
    def _row(self, session: Session, pupil_id: int | None) -> PupilRow:
        row = session.get(PupilRow, pupil_id, options=[
            selectinload(PupilRow.contacts), selectinload(PupilRow.klass), selectinload(PupilRow.key_worker_staff),
            selectinload(PupilRow.key_worker_professional)]) if pupil_id else None
        if row is None:
            raise NotFound(f"there is no pupil with id {pupil_id}")
        return row

    def _merge_permitted(self, actor: Actor, values: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
        """Fields the actor may not edit keep their stored values. Sending one at all is refused (NotAllowed),
        whatever it holds: a role that never receives the plan or the areas of need cannot send them back, and
        the answer must not tell it whether a guess matched what is stored. A new pupil may come with
        them empty (no plan, no areas)."""
        merged = dict(values)
        if not allowed(actor.roles, "pupils.edit_needs"):
            for key in NEEDS_FIELDS:
                empty = None if key == "ehcp" else []
                if key in values and (before is not None or (values[key] or empty) != empty):
                    label = "EHCP (plan dates and personal budget)" if key == "ehcp" else "areas of need"
                    raise NotAllowed(f"{actor.username} may not change a pupil's {label}: "
                                     "the SENCO or the headteacher can")
                merged[key] = before.get(key) if before else empty
        return merged

    def _lock(self, session: Session, pupil_id: int | None, expected_version: int | None) -> PupilRow | None:
        """The pupil locked for this transaction, checked against the version opened, its version bumped
        (guard.root); then read with what hangs from it. None for a new pupil."""
        if pupil_id is None:
            return None
        if guard.root(session, PupilRow, pupil_id, expected=expected_version,
                      refusal=lambda row: stale_pupil(session, row)) is None:
            raise NotFound(f"there is no pupil with id {pupil_id}")
        return self._row(session, pupil_id)

    def _context(self, session: Session) -> dict[str, Any]:
        settings = settings_dict(session.get(SchoolSettingsRow, 1))
        today = self.clock.today()
        # "this term": the term holding today, or the next one between terms
        term_end = session.scalar(select(TermRow.last_day).where(TermRow.last_day >= today)
                                  .order_by(TermRow.last_day).limit(1))
        return {"threshold": float(settings["attendance_threshold_percent"]), "today": today,
                "term_end": term_end, "under_five": int(settings["under_five_review_months"])}

    def _summary(self, row: PupilRow, actor: Actor, context: dict[str, Any]) -> PupilSummary:
        today = context["today"]
        sees_needs = allowed(actor.roles, "pupils.view_needs")
        due = (next_review_due(row.ehcp_issued, row.ehcp_last_review, row.date_of_birth, context["under_five"])
               if row.has_ehcp and sees_needs else None)
        term_end = context["term_end"]
        return PupilSummary(
            id=row.id, upn=row.upn, first_name=row.first_name, last_name=row.last_name,
            class_name=row.klass.name, year_group=row.year_group, date_of_birth=row.date_of_birth,
            age=age_on(row.date_of_birth, today), has_ehcp=row.has_ehcp,
            attendance_percent=row.attendance_percent, attendance_as_of=row.attendance_as_of,
            below_threshold=row.attendance_percent is not None and row.attendance_percent < context["threshold"],
            looked_after=row.looked_after, review_due=due,
            review_due_this_term=bool(due and term_end and due <= term_end),
            left_on=row.left_on, version=row.version,
        )



def stale_pupil(session: Session, row: PupilRow) -> StaleRecord:
    """The refusal of a save over a pupil's record changed since it was opened (by whoever last changed it
    or what hangs from it: consents, the team, budget discussions are audited on their own)."""
    also = [(entity, session.scalars(select(model.id).where(model.pupil_id == row.id)).all())
            for entity, model in (("consent", ConsentRow), ("team_member", TeamMemberRow),
                                  ("budget_discussion", BudgetDiscussionRow))]
    return audit.stale(session, f"{row.first_name} {row.last_name}'s record", "pupil", row.id, also=also)


def require_class(actor: Actor, pupil: PupilRow) -> None:
    """A teacher works with their own class's pupils only (every use case on one pupil checks this)."""
    if not allowed(actor.roles, "pupils.all_classes") and pupil.klass.name != actor.class_name:
        raise NotAllowed(f"{actor.username} may see the pupils of their own class only")


def team_of(session: Session, row: PupilRow) -> tuple[TeamEntry, ...]:
    """Every professional involved with a pupil: key worker, team members, sessions, advice, requests."""
    involvement: dict[int, list[str]] = {}

    def note(pro_id: int | None, what: str) -> None:
        if pro_id is not None and what not in involvement.setdefault(pro_id, []):
            involvement[pro_id].append(what)

    note(row.key_worker_professional_id, "key worker")
    for pro_id, role in session.execute(select(TeamMemberRow.professional_id, TeamMemberRow.role)
                                        .where(TeamMemberRow.pupil_id == row.id,
                                               TeamMemberRow.ended_on.is_(None))):
        note(pro_id, role or "team")
    for (pro_id,) in session.execute(select(BookingRow.professional_id).join(
            BookingPupilRow, BookingPupilRow.booking_id == BookingRow.id)
            .where(BookingPupilRow.pupil_id == row.id, BookingRow.status == "booked")):
        note(pro_id, "sessions")
    for (pro_id,) in session.execute(select(AdviceRequestRow.professional_id)
                                     .where(AdviceRequestRow.pupil_id == row.id)):
        note(pro_id, "advice")
    for pro_id, status in session.execute(select(RequestRow.professional_id, RequestRow.status)
                                          .where(RequestRow.pupil_id == row.id)):
        if status in ("submitted", "approved", "suspended"):
            note(pro_id, "independent therapy")
    if not involvement:
        return ()
    pros = session.scalars(select(ProfessionalRow).where(ProfessionalRow.id.in_(involvement))).all()
    order = {"statutory": 0, "commissioned": 1, "independent": 2}
    return tuple(
        TeamEntry(p.ext_id, p.name, p.kind, p.discipline.replace("_", " "), p.organisation, _contact_text(p),
                  "; ".join(involvement[p.id]))
        for p in sorted(pros, key=lambda p: (order.get(p.kind, 3), p.name))
    )


_YEAR = timedelta(days=366)


def _professional_words(pro: ProfessionalRow) -> str:
    return f"{pro.name} ({pro.organisation or pro.discipline.replace('_', ' ')})"


def _words_of_before(c: ConsentRow) -> str:
    """Whom a consent recorded in words named: the professional's name when the words are a register id."""
    session = object_session(c)
    pro = session.scalar(select(ProfessionalRow).where(ProfessionalRow.ext_id == c.share_with)) if session else None
    return _professional_words(pro) if pro is not None else c.share_with


def _consent(c: ConsentRow) -> Consent:
    if c.professional is not None:
        recipient = _professional_words(c.professional)
    else:
        recipient = c.organisation or _words_of_before(c)
    return Consent(c.id, c.professional.ext_id if c.professional is not None else c.share_with, c.what,
                   c.given_by, c.given_on, c.withdrawn_on, recipient=recipient,
                   professional=c.professional.ext_id if c.professional is not None else None,
                   organisation=c.organisation, sections=tuple(c.sections) if c.sections is not None else None,
                   given_by_kind=c.given_by_kind, until=c.until, reviewed_on=c.reviewed_on)


def _consent_audit(c: ConsentRow) -> dict[str, Any]:
    return {"share_with": c.share_with, "what": c.what, "sections": c.sections, "given_by": c.given_by,
            "given_by_kind": c.given_by_kind, "on": c.given_on, "until": c.until}


def _values(row: PupilRow) -> dict[str, Any]:
    ehcp = None
    if row.has_ehcp:
        budget = None
        if row.personal_budget_reference is not None:
            budget = {"reference": row.personal_budget_reference,
                      "annual_amount_gbp": row.personal_budget_amount_gbp}
        ehcp = {"issued": _iso(row.ehcp_issued), "last_review": _iso(row.ehcp_last_review),
                "personal_budget": budget}
    return {
        "upn": row.upn, "first_name": row.first_name, "last_name": row.last_name,
        "date_of_birth": _iso(row.date_of_birth), "year_group": row.year_group, "class": row.klass.name,
        "attendance_percent": row.attendance_percent, "attendance_as_of": _iso(row.attendance_as_of),
        "ehcp": ehcp, "areas_of_need": list(row.areas_of_need or []),
        "looked_after": ({"local_authority": row.looked_after_authority, "social_worker": row.social_worker}
                         if row.looked_after else None),
        "contacts": [{"name": c.name, "relationship": c.relationship_,
                      "parental_responsibility": c.parental_responsibility, "phone": c.phone, "email": c.email}
                     for c in row.contacts],
        "key_worker": ({"staff": row.key_worker_staff.ext_id} if row.key_worker_staff is not None else
                       {"professional": row.key_worker_professional.ext_id}
                       if row.key_worker_professional is not None else None),
        "version": row.version,
    }


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != "version"}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _apply(session: Session, row: PupilRow, values: dict[str, Any], classes: dict[str, ClassRow],
           clock: Clock) -> None:
    row.upn = values["upn"]
    row.first_name = values["first_name"].strip()
    row.last_name = values["last_name"].strip()
    row.date_of_birth = parse_date(values["date_of_birth"])
    row.year_group = values["year_group"]
    row.klass = classes[values["class"]]
    percent = values.get("attendance_percent")
    as_of = parse_date(values.get("attendance_as_of"))
    if percent is not None and (percent != row.attendance_percent or as_of != row.attendance_as_of):
        row.attendance_percent, row.attendance_as_of = float(percent), as_of
        session.add(AttendanceRow(pupil=row, percent=float(percent), as_of=as_of, recorded_at=clock.now()))
    ehcp = values.get("ehcp")
    row.has_ehcp = bool(ehcp)
    row.ehcp_issued = parse_date((ehcp or {}).get("issued"))
    row.ehcp_last_review = parse_date((ehcp or {}).get("last_review"))
    budget = (ehcp or {}).get("personal_budget") or None
    row.personal_budget_reference = budget["reference"].strip() if budget else None
    row.personal_budget_amount_gbp = float(budget["annual_amount_gbp"]) if budget else None
    row.areas_of_need = list(values.get("areas_of_need") or [])
    looked_after = values.get("looked_after")
    row.looked_after = bool(looked_after)
    row.looked_after_authority = (looked_after or {}).get("local_authority")
    row.social_worker = (looked_after or {}).get("social_worker")
    if "key_worker" in values:
        key_worker = values.get("key_worker") or {}
        row.key_worker_staff = (session.scalar(select(StaffRow).where(StaffRow.ext_id == key_worker["staff"]))
                                if key_worker.get("staff") else None)
        row.key_worker_professional = (
            session.scalar(select(ProfessionalRow).where(ProfessionalRow.ext_id == key_worker["professional"]))
            if key_worker.get("professional") else None)
    if "contacts" in values:
        row.contacts = [ContactRow(name=c["name"].strip(), relationship_=c["relationship"].strip(),
                                   parental_responsibility=bool(c.get("parental_responsibility")),
                                   phone=c.get("phone") or None, email=c.get("email") or None)
                        for c in values.get("contacts") or []]
