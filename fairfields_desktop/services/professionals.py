"""The register of professionals and their safeguarding checks, and the visits log.

A check's state (valid, warning, blocking) is worked out by `domain.checks` for the date asked; this
service only gathers the records and saves changes, audited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..domain.checks import CheckStatus, ProfessionalChecks, evaluate_checks
from ..domain.dataset import parse_date
from ..domain.errors import InvalidInput, NotAllowed, NotFound, Problem, Refused, StaleRecord
from ..domain.permissions import allowed, require
from ..domain.professionals import KIND_LABELS, VISIT_PURPOSES, professional_problems, reference_prefix
from ..domain.visitors import kind_words
from ..domain.words import discipline_words
from ..store.database import Database
from ..store.models import (
    ClassRow,
    ProfessionalRow,
    PupilRow,
    SchoolSettingsRow,
    SpaceRow,
    VisitPupilRow,
    VisitRow,
)
from ..store.references import assign_reference
from . import audit, guard
from .context import Actor, Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProfessionalSummary:
    id: int
    ext_id: str
    name: str
    kind: str
    discipline: str
    organisation: str | None
    email: str | None
    phone: str | None
    status: CheckStatus
    active: bool
    version: int

    @property
    def discipline_label(self) -> str:
        return discipline_words(self.discipline)

    @property
    def contact(self) -> str:
        return " · ".join(x for x in (self.phone, self.email) if x)


@dataclass(frozen=True)
class Visit:
    """A visit. For a visitor who is not a professional, ``professional_name`` is the visitor's name,
    ``kind`` and ``visitor_kind`` their kind (a parent, a contractor...) and the professional's ids None."""

    id: int
    professional_id: int | None
    professional_ext_id: str | None
    professional_name: str
    kind: str  # a professional's kind (statutory, commissioned, independent), else the visitor's kind
    signed_in_at: datetime
    signed_out_at: datetime | None
    identity_checked: bool
    identity_note: str | None
    purpose: str
    where: str
    pupils: tuple[str, ...]  # names
    signed_in_by: str
    signed_out_by: str | None
    visitor_kind: str = "professional"
    organisation: str | None = None
    visiting: str | None = None
    badge: str | None = None
    regulated: bool = False
    dbs_certificate: str | None = None
    dbs_date: date | None = None
    escorted: bool = False

    @property
    def on_site(self) -> bool:
        return self.signed_out_at is None

    @property
    def name(self) -> str:
        return self.professional_name

    @property
    def kind_words(self) -> str:
        """"Parent or carer", "Contractor"…; a professional as "Statutory professional"…"""
        if self.visitor_kind == "professional":
            return f"{KIND_LABELS.get(self.kind, self.kind)} professional"
        return kind_words(self.visitor_kind)

    @property
    def dbs_words(self) -> str:
        """A contractor's or supply staff's DBS status in words ("" when it does not matter)."""
        if not self.regulated:
            return ""
        seen = (f"DBS {self.dbs_certificate} of {self.dbs_date:%d %b %Y} seen" if self.dbs_certificate
                and self.dbs_date else "")
        return "; ".join(x for x in (seen, "escorted" if self.escorted else "") if x)


def checks_of(row: ProfessionalRow) -> ProfessionalChecks:
    return ProfessionalChecks(
        kind=row.kind, dbs_type=row.dbs_type, dbs_date=row.dbs_date, dbs_given_by=row.dbs_given_by,
        dbs_certificate=row.dbs_certificate, dbs_barred_list=row.dbs_barred_list,
        dbs_update_service=row.dbs_update_service, registration_body=row.registration_body,
        registration_number=row.registration_number, registration_checked_on=row.registration_checked_on,
        insurance_expires=row.insurance_expires,
    )


def professional_values(row: ProfessionalRow) -> dict[str, Any]:
    """A professional in the dataset's shape (plus ``version``): what the edit form shows."""
    dbs = None
    if row.dbs_type is not None:
        dbs = {"type": row.dbs_type, "date": _iso(row.dbs_date), "given_by": row.dbs_given_by,
               "certificate": row.dbs_certificate, "barred_list": row.dbs_barred_list,
               "update_service": row.dbs_update_service}
    registration = None
    if row.registration_body is not None:
        registration = {"body": row.registration_body, "number": row.registration_number,
                        "checked_on": _iso(row.registration_checked_on)}
    return {"id": row.ext_id, "name": row.name, "discipline": row.discipline, "kind": row.kind,
            "organisation": row.organisation, "email": row.email, "phone": row.phone,
            "checks": {"dbs": dbs, "registration": registration, "insurance_expires": _iso(row.insurance_expires)},
            "version": row.version}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class ProfessionalService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def _recheck_years(self, session: Session) -> int:
        row = session.get(SchoolSettingsRow, 1)
        return row.dbs_recheck_years if row else 3

    def _summary(self, row: ProfessionalRow, on: date, recheck: int) -> ProfessionalSummary:
        return ProfessionalSummary(row.id, row.ext_id, row.name, row.kind, row.discipline, row.organisation,
                                   row.email, row.phone, evaluate_checks(checks_of(row), on, recheck),
                                   row.active, row.version)

    # --- reading --------------------------------------------------------------------------------
    def list_professionals(self, actor: Actor, on: date | None = None) -> list[ProfessionalSummary]:
        require(actor.roles, "professionals.view", who=actor.username)
        on = on or self.clock.today()
        with self.db.read_session() as session:
            recheck = self._recheck_years(session)
            rows = session.scalars(select(ProfessionalRow).order_by(ProfessionalRow.name, ProfessionalRow.id))
            return [self._summary(r, on, recheck) for r in rows]

    def get(self, actor: Actor, professional_id: int, on: date | None = None) -> ProfessionalSummary:
        require(actor.roles, "professionals.view", who=actor.username)
        with self.db.read_session() as session:
            row = self._row(session, professional_id)
            return self._summary(row, on or self.clock.today(), self._recheck_years(session))

    def values(self, actor: Actor, professional_id: int) -> dict[str, Any]:
        require(actor.roles, "professionals.view", who=actor.username)
        with self.db.read_session() as session:
            return professional_values(self._row(session, professional_id))

    def status(self, actor: Actor, values: dict[str, Any], on: date | None = None) -> CheckStatus:
        """The checks' state for values not yet saved (the edit form's live status line)."""
        with self.db.read_session() as session:
            recheck = self._recheck_years(session)
        return evaluate_checks(_checks_from_values(values), on or self.clock.today(), recheck)

    # --- changing -------------------------------------------------------------------------------
    def save(self, actor: Actor, values: dict[str, Any], professional_id: int | None = None,
             expected_version: int | None = None) -> ProfessionalSummary:
        """Add or change a professional and their checks; every field checked first, then audited.

        A new professional without an id (the window never asks for one) is given one made from their kind
        and discipline and the row's number (``ind-slt-012``); an id given (the command line, a dataset) is
        kept as it is. Editing without an id keeps the one they have."""
        require(actor.roles, "professionals.edit", who=actor.username)
        given = values.get("id")
        made = given is None or (isinstance(given, str) and not given.strip())
        checked = {**values, "id": "new"} if made else values  # the id is the service's to make
        problems = professional_problems(checked, self.clock.today())
        with self.db.session() as session:
            row = self._locked(session, professional_id, expected_version) if professional_id is not None else None
            clash = None if made else session.scalar(select(ProfessionalRow).where(ProfessionalRow.ext_id == given))
            if clash is not None and (row is None or clash.id != row.id):
                problems.append(Problem("id", f"{given!r} is already the id of {clash.name}: "
                                        "choose another short id"))
            if problems:
                raise InvalidInput(problems)
            before = professional_values(row) if row is not None else None
            if made:
                values = {**values, "id": row.ext_id if row is not None else ""}
            if row is None:
                row = ProfessionalRow(ext_id=values["id"], name="", discipline="",
                                      kind=values["kind"])
                session.add(row)
            _apply(row, values)
            if made and before is None:
                assign_reference(session, row, reference_prefix(values["kind"], values["discipline"]))
            session.flush()
            strip = lambda v: {k: x for k, x in v.items() if k != "version"} if v else None  # noqa: E731
            audit.record_change(session, actor, self.clock, "professional", row.ext_id, strip(before),
                                strip(professional_values(row)))
            return self._summary(row, self.clock.today(), self._recheck_years(session))

    def set_active(self, actor: Actor, professional_id: int, active: bool, reason: str = "",
                   expected_version: int | None = None) -> ProfessionalSummary:
        """Mark a professional as no longer working with the school (with why), or as working here again.

        Nothing is deleted: their checks, visits and bookings stay; while marked, they are not offered for
        new bookings or visits and their checks are no longer listed as due."""
        require(actor.roles, "professionals.edit", who=actor.username)
        if not active and not reason.strip():
            raise InvalidInput(Problem("reason", "say why they no longer work with the school (for example "
                                                 "'contract ended July 2026')"))
        with self.db.session() as session:
            row = self._locked(session, professional_id, expected_version)
            if row.active == active:
                state = "works with the school" if active else "is already marked as no longer working here"
                raise Refused(f"{row.name} {state}: nothing to change")
            row.active = active
            session.flush()
            audit.record(session, actor, self.clock, "update", "professional", row.ext_id,
                         before={"active": not active}, after={"active": active}, note=reason.strip() or None)
            return self._summary(row, self.clock.today(), self._recheck_years(session))

    @staticmethod
    def _stale_message(session: Session, row: ProfessionalRow) -> str:
        return str(audit.stale(session, f"{row.name}'s record", "professional", row.ext_id))

    def _locked(self, session: Session, professional_id: int | None, expected_version: int | None,
                *, touch: bool = True) -> ProfessionalRow:
        """The professional locked for this transaction, checked against the version opened and (unless
        ``touch`` is false) its version bumped (guard.root)."""
        row = guard.root(session, ProfessionalRow, professional_id, expected=expected_version, touch=touch,
                         refusal=lambda row: StaleRecord(self._stale_message(session, row)))
        if row is None:
            raise NotFound(f"there is no professional with id {professional_id}")
        return row

    def _row(self, session: Session, professional_id: int | None) -> ProfessionalRow:
        row = session.get(ProfessionalRow, professional_id) if professional_id is not None else None
        if row is None:
            raise NotFound(f"there is no professional with id {professional_id}")
        return row

    # --- visits ---------------------------------------------------------------------------------
    def sign_in_visitor(self, actor: Actor, professional_id: int, *, identity_checked: bool,
                        purpose: str, pupil_ids: list[int] = (), space: str | None = None,
                        location: str | None = None, identity_note: str | None = None,
                        at: datetime | None = None, visiting: str | None = None,
                        badge: str | None = None) -> Visit:
        """Sign a professional in: identity checked every time; refused while a check blocks them."""
        require(actor.roles, "visits.record", who=actor.username)
        at = at or self.clock.now()
        problems = []
        if not identity_checked:
            problems.append(Problem("identity_checked", "check the visitor's identity (photo ID) before "
                                    "signing them in"))
        if purpose not in VISIT_PURPOSES:
            problems.append(Problem("purpose", "choose why they came: " + ", ".join(VISIT_PURPOSES)))
        for field, value, limit in (("visiting", visiting, 200), ("badge", badge, 40)):
            if len((value or "").strip()) > limit:
                problems.append(Problem(field, f"the {field} is longer than {limit} characters: shorten it"))
        if problems:
            raise InvalidInput(problems)
        with self.db.session() as session:
            pro = self._locked(session, professional_id, None, touch=False)  # signed in once, across PCs
            if not pro.active:
                raise NotAllowed(f"{pro.name} no longer works with the school (so marked on the register): "
                                 "mark them as working here again on the Professionals screen first")
            status = evaluate_checks(checks_of(pro), at.date(), self._recheck_years(session))
            if status.blocking and (purpose != "meeting" or pupil_ids):
                reasons = "; ".join(f"{f.message} ({f.renew})" for f in status.blocking)
                raise Refused(f"{pro.name} cannot work with pupils today: {reasons}")
            already = session.scalar(select(VisitRow).where(VisitRow.professional_id == pro.id,
                                                            VisitRow.signed_out_at.is_(None)))
            if already is not None:
                raise InvalidInput(Problem("professional", f"{pro.name} is already signed in (since "
                                           f"{already.signed_in_at:%H:%M}): sign them out first"))
            space_row = None
            if space:
                space_row = session.scalar(select(SpaceRow).where(SpaceRow.name == space))
                if space_row is None:
                    raise InvalidInput(Problem("space", f"{space!r} is not a space of the school"))
            pupils = session.scalars(select(PupilRow).where(PupilRow.id.in_(list(pupil_ids)))).all()
            if len(pupils) != len(set(pupil_ids)):
                raise InvalidInput(Problem("pupils", "one of the pupils chosen is not on the register"))
            visit = VisitRow(professional=pro, signed_in_at=at, identity_checked=True,
                             identity_note=(identity_note or "").strip() or None, purpose=purpose,
                             space=space_row, location=(location or "").strip() or None,
                             visiting=(visiting or "").strip() or None, badge=(badge or "").strip() or None,
                             signed_in_by=actor.username,
                             pupil_links=[VisitPupilRow(pupil=p) for p in pupils])
            session.add(visit)
            session.flush()
            audit.record(session, actor, self.clock, "sign_in", "visit", visit.id,
                         after={"professional": pro.ext_id, "at": at, "purpose": purpose,
                                "pupils": [p.id for p in pupils], "space": space})
            return _visit(visit)

    def sign_out_visitor(self, actor: Actor, visit_id: int, at: datetime | None = None) -> Visit:
        require(actor.roles, "visits.record", who=actor.username)
        at = at or self.clock.now()
        with self.db.session() as session:
            if guard.root(session, VisitRow, visit_id) is None:
                raise NotFound(f"there is no visit {visit_id}")
            visit = self._visit_row(session, visit_id)
            if visit.signed_out_at is not None:
                raise InvalidInput(Problem("visit", f"{_visit(visit).name} was already signed out at "
                                           f"{visit.signed_out_at:%H:%M}"))
            if at < visit.signed_in_at:
                raise InvalidInput(Problem("signed_out_at", "the time out is before the time in"))
            visit.signed_out_at, visit.signed_out_by = at, actor.username
            session.flush()
            audit.record(session, actor, self.clock, "sign_out", "visit", visit.id,
                         before={"signed_out_at": None}, after={"signed_out_at": at})
            return _visit(visit)

    def on_site_now(self, actor: Actor) -> list[Visit]:
        """Everyone signed in and not yet out: the list printed for a fire evacuation."""
        require(actor.roles, "visits.view", who=actor.username)
        with self.db.read_session() as session:
            rows = session.scalars(_visit_query().where(VisitRow.signed_out_at.is_(None))
                                   .order_by(VisitRow.signed_in_at))
            return [_visit(v) for v in rows]

    def visits(self, actor: Actor, first: date, last: date) -> list[Visit]:
        require(actor.roles, "visits.view", who=actor.username)
        with self.db.read_session() as session:
            rows = session.scalars(_visit_query().where(
                VisitRow.signed_in_at >= datetime.combine(first, datetime.min.time()),
                VisitRow.signed_in_at < datetime.combine(last, datetime.max.time()))
                .order_by(VisitRow.signed_in_at.desc()))
            return [_visit(v) for v in rows]

    def _visit_row(self, session: Session, visit_id: int) -> VisitRow:
        visit = session.scalar(_visit_query().where(VisitRow.id == visit_id))
        if visit is None:
            raise NotFound(f"there is no visit {visit_id}")
        return visit

    def pupil_choices(self, actor: Actor) -> list[tuple[int, str]]:
        """Pupils on roll as (id, "Name (Class)") for choosing whom a visitor saw."""
        require(actor.roles, "visits.record", who=actor.username)
        with self.db.read_session() as session:
            rows = session.execute(select(PupilRow.id, PupilRow.first_name, PupilRow.last_name, ClassRow.name)
                                   .join(ClassRow, PupilRow.class_id == ClassRow.id)
                                   .where(PupilRow.left_on.is_(None))
                                   .order_by(PupilRow.last_name, PupilRow.first_name))
            return [(i, f"{first} {last} ({c})") for i, first, last, c in rows]

    def space_names(self) -> list[str]:
        with self.db.read_session() as session:
            return list(session.scalars(select(SpaceRow.name).order_by(SpaceRow.name)))

    def can_edit(self, actor: Actor) -> bool:
        return allowed(actor.roles, "professionals.edit")


def _visit_query():
    return select(VisitRow).options(
        selectinload(VisitRow.professional), selectinload(VisitRow.space),
        selectinload(VisitRow.pupil_links).selectinload(VisitPupilRow.pupil))


def _visit(v: VisitRow) -> Visit:
    extra = dict(visitor_kind=v.kind, organisation=v.organisation, visiting=v.visiting, badge=v.badge,
                 regulated=v.regulated, dbs_certificate=v.dbs_certificate, dbs_date=v.dbs_date, escorted=v.escorted)
    pupils = tuple(f"{link.pupil.first_name} {link.pupil.last_name}" for link in v.pupil_links)
    if v.professional is None:  # a visitor who is not a professional
        where = v.space.name if v.space else (v.location or (f"visiting {v.visiting}" if v.visiting else
                                                             "not recorded"))
        return Visit(v.id, None, None, v.name or "", v.kind, v.signed_in_at, v.signed_out_at, v.identity_checked,
                     v.identity_note, v.purpose or "", where, pupils, v.signed_in_by, v.signed_out_by, **extra)
    where = v.space.name if v.space else (v.location or "not recorded")
    return Visit(v.id, v.professional.id, v.professional.ext_id, v.professional.name, v.professional.kind,
                 v.signed_in_at, v.signed_out_at, v.identity_checked, v.identity_note, v.purpose or "", where,
                 pupils, v.signed_in_by, v.signed_out_by, **extra)


def _checks_from_values(values: dict[str, Any]) -> ProfessionalChecks:
    checks = values.get("checks") or {}
    dbs = checks.get("dbs") or {}
    registration = checks.get("registration") or {}
    return ProfessionalChecks(
        kind=values.get("kind") or "independent", dbs_type=dbs.get("type"), dbs_date=parse_date(dbs.get("date")),
        dbs_given_by=dbs.get("given_by"), dbs_certificate=dbs.get("certificate"),
        dbs_barred_list=bool(dbs.get("barred_list")), dbs_update_service=bool(dbs.get("update_service")),
        registration_body=registration.get("body"), registration_number=registration.get("number"),
        registration_checked_on=parse_date(registration.get("checked_on")),
        insurance_expires=parse_date(checks.get("insurance_expires")),
    )


def _apply(row: ProfessionalRow, values: dict[str, Any]) -> None:
    checks = _checks_from_values(values)
    row.ext_id = values["id"].strip()
    row.name = values["name"].strip()
    row.discipline = values["discipline"].strip()
    row.kind = values["kind"]
    row.organisation = (values.get("organisation") or "").strip() or None
    row.email = (values.get("email") or "").strip() or None
    row.phone = (values.get("phone") or "").strip() or None
    row.dbs_type, row.dbs_date, row.dbs_given_by = checks.dbs_type, checks.dbs_date, checks.dbs_given_by
    row.dbs_certificate, row.dbs_barred_list = checks.dbs_certificate, checks.dbs_barred_list
    row.dbs_update_service = checks.dbs_update_service
    row.registration_body, row.registration_number = checks.registration_body, checks.registration_number
    row.registration_checked_on = checks.registration_checked_on
    row.insurance_expires = checks.insurance_expires
