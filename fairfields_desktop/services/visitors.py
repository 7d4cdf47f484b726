"""Visitors of every kind signed in and out, regular visitors remembered, and the fire list.

A professional is signed in through the register (`ProfessionalService.sign_in_visitor`: identity checked
every time, refused while a check blocks them); anyone else is named on the visit. The fire list is the one
list of everyone on site now and the pupils off site: the Visitors tab shows it and the printed list is made
from the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from ..domain.errors import InvalidInput, Problem
from ..domain.permissions import require
from ..domain.visitors import DBS_KINDS, VisitorDraft, visitor_problems
from ..store.database import Database
from ..store.models import OffSiteSessionRow, ProfessionalRow, PupilRow, RequestRow, SchoolSettingsRow, VisitRow
from . import audit
from .context import Actor, Clock
from .professionals import ProfessionalService, Visit, _visit

#: what the fire list says of staff: the school does not sign its staff in and out in this app
NO_STAFF_SIGN_IN = ("Staff are not signed in and out in Fairfields: account for staff from the school's own staff "
                    "signing-in record.")


@dataclass(frozen=True)
class KnownVisitor:
    """A visitor seen before: their last visit's details, offered when they come again."""

    name: str
    kind: str
    organisation: str | None
    visiting: str | None
    badge: str | None
    regulated: bool
    dbs_certificate: str | None
    dbs_date: date | None
    escorted: bool
    last_seen: datetime
    visits: int


@dataclass(frozen=True)
class OnSite:
    visit: int
    name: str
    kind: str  # the visitor's kind: professional, parent, contractor...
    kind_words: str
    organisation: str | None
    where: str  # the space, or whom they visit
    since: datetime
    badge: str | None
    dbs: str  # a contractor's or supply staff's DBS status in words, "" when it does not matter


@dataclass(frozen=True)
class OffSitePupil:
    log: int  # the off-site session (the Visitors tab marks the pupil back by it)
    upn: str
    name: str
    where: str  # "Off-site therapy with Peter Quinn (Quinn Physio)"
    since: datetime
    taken_by: str | None


@dataclass(frozen=True)
class FireList:
    school: str
    at: datetime
    on_site: tuple[OnSite, ...]
    pupils_off_site: tuple[OffSitePupil, ...]
    staff_note: str  # staff signed in where the school uses that; else why there is no staff list
    visits: tuple[Visit, ...] = ()  # the visits behind `on_site`, in the same order (the screen's table)


class VisitorService:
    def __init__(self, db: Database, clock: Clock, professionals: ProfessionalService) -> None:
        self.db = db
        self.clock = clock
        self.professionals = professionals

    # --- signing in and out -----------------------------------------------------------------------
    def sign_in(self, actor: Actor, draft: VisitorDraft, at: datetime | None = None) -> Visit:
        """Sign anyone in: a professional through the register (checked as ever), anyone else named here,
        with whom they visit, identity, badge and (a contractor or supply staff in regulated activity) the DBS
        certificate seen or that they are escorted."""
        require(actor.roles, "visits.record", who=actor.username)
        at = at or self.clock.now()
        if draft.kind == "professional":
            return self._professional(actor, draft, at)
        problems = visitor_problems(draft, at.date())
        if draft.professional or draft.professional_id:
            problems.append(Problem("professional", "only a professional is signed in by their register id: "
                                                    "choose the kind professional, or leave the id out"))
        if problems:
            raise InvalidInput(problems)
        name = " ".join(draft.name.split())
        regulated = draft.regulated and draft.kind in DBS_KINDS
        with self.db.session() as session:
            already = session.scalar(select(VisitRow).where(func.lower(VisitRow.name) == name.lower(),
                                                            VisitRow.professional_id.is_(None),
                                                            VisitRow.signed_out_at.is_(None)))
            if already is not None:
                raise InvalidInput(Problem("name", f"{already.name} is already signed in (since "
                                                   f"{already.signed_in_at:%H:%M}): sign them out first"))
            row = VisitRow(kind=draft.kind, name=name, organisation=draft.organisation.strip() or None,
                           visiting=draft.visiting.strip(), badge=draft.badge.strip() or None,
                           identity_checked=draft.identity_checked,
                           identity_note=draft.identity_note.strip() or None, regulated=regulated,
                           dbs_certificate=(draft.dbs_certificate.strip() or None) if regulated else None,
                           dbs_date=draft.dbs_date if regulated and draft.dbs_certificate.strip() else None,
                           escorted=draft.escorted if regulated else False,
                           location=draft.location.strip() or None, signed_in_at=at, signed_in_by=actor.username)
            session.add(row)
            session.flush()
            audit.record(session, actor, self.clock, "sign_in", "visit", row.id,
                         after={"kind": draft.kind, "name": name, "visiting": row.visiting, "at": at,
                                "badge": row.badge, "identity_checked": row.identity_checked,
                                "regulated": regulated, "dbs_certificate": row.dbs_certificate,
                                "escorted": row.escorted})
            session.refresh(row, ["professional", "space", "pupil_links"])
            return _visit(row)

    def _professional(self, actor: Actor, draft: VisitorDraft, at: datetime) -> Visit:
        professional_id = draft.professional_id
        if professional_id is None:
            if not (draft.professional or "").strip():
                raise InvalidInput(Problem("professional", "choose the professional from the register (a "
                                                           "professional is signed in by their register id)"))
            with self.db.read_session() as session:
                professional_id = session.scalar(select(ProfessionalRow.id)
                                                 .where(ProfessionalRow.ext_id == draft.professional.strip()))
            if professional_id is None:
                raise InvalidInput(Problem("professional", f"{draft.professional!r} is not a professional on the "
                                                           "register: check the id, or add them to the register"))
        return self.professionals.sign_in_visitor(
            actor, professional_id, identity_checked=draft.identity_checked, purpose=draft.purpose,
            pupil_ids=list(draft.pupil_ids), space=draft.space, location=draft.location,
            identity_note=draft.identity_note, at=at, visiting=draft.visiting, badge=draft.badge)

    def sign_out(self, actor: Actor, visit_id: int, at: datetime | None = None) -> Visit:
        return self.professionals.sign_out_visitor(actor, visit_id, at)

    def on_site(self, actor: Actor) -> list[Visit]:
        return self.professionals.on_site_now(actor)

    # --- regular visitors ----------------------------------------------------------------------------
    def regular_names(self, actor: Actor) -> list[str]:
        """The names of visitors seen before (not professionals), most recent first: offered as they type."""
        require(actor.roles, "visits.record", who=actor.username)
        with self.db.read_session() as session:
            rows = session.execute(select(VisitRow.name, func.max(VisitRow.signed_in_at).label("last"))
                                   .where(VisitRow.professional_id.is_(None), VisitRow.name.is_not(None))
                                   .group_by(VisitRow.name).order_by(func.max(VisitRow.signed_in_at).desc()))
            seen, names = set(), []
            for name, _last in rows:
                if name.lower() not in seen:
                    seen.add(name.lower())
                    names.append(name)
            return names

    def known_visitor(self, actor: Actor, name: str) -> KnownVisitor | None:
        """A visitor seen before by this name (any case, spaces as typed): their last visit's details."""
        require(actor.roles, "visits.record", who=actor.username)
        name = " ".join((name or "").split())
        if not name:
            return None
        with self.db.read_session() as session:
            query = select(VisitRow).where(VisitRow.professional_id.is_(None),
                                           func.lower(VisitRow.name) == name.lower())
            last = session.scalar(query.order_by(VisitRow.signed_in_at.desc(), VisitRow.id.desc()).limit(1))
            if last is None:
                return None
            count = session.scalar(select(func.count()).select_from(query.subquery()))
            return KnownVisitor(last.name or name, last.kind, last.organisation, last.visiting, last.badge,
                                last.regulated, last.dbs_certificate, last.dbs_date, last.escorted,
                                last.signed_in_at, count or 0)

    # --- the fire list --------------------------------------------------------------------------------
    def fire_list(self, actor: Actor) -> FireList:
        """Everyone on site now (visitors of every kind, professionals) and the pupils off site, with where
        they are: the list shown on the Visitors tab and printed for an evacuation."""
        require(actor.roles, "visits.view", who=actor.username)
        now = self.clock.now()
        visits = tuple(self.professionals.on_site_now(actor))
        on_site = tuple(OnSite(v.id, v.name, v.visitor_kind, v.kind_words, v.organisation, _where(v),
                               v.signed_in_at, v.badge, v.dbs_words) for v in visits)
        with self.db.read_session() as session:
            settings = session.get(SchoolSettingsRow, 1)
            school = settings.school_name if settings else "the school"
            rows = session.execute(
                select(OffSiteSessionRow.id, PupilRow.upn, PupilRow.first_name, PupilRow.last_name,
                       ProfessionalRow.name, ProfessionalRow.organisation, OffSiteSessionRow.time_out,
                       OffSiteSessionRow.taken_by)
                .join(RequestRow, RequestRow.id == OffSiteSessionRow.request_id)
                .join(PupilRow, PupilRow.id == RequestRow.pupil_id)
                .join(ProfessionalRow, ProfessionalRow.id == RequestRow.professional_id)
                .where(OffSiteSessionRow.time_back.is_(None))
                .order_by(PupilRow.last_name, PupilRow.first_name, OffSiteSessionRow.time_out))
            off_site = tuple(OffSitePupil(log, upn, f"{first} {last}", f"Off-site therapy with {pro}"
                                          + (f" ({org})" if org else ""), out, by)
                             for log, upn, first, last, pro, org, out, by in rows)
        return FireList(school, now, on_site, off_site, NO_STAFF_SIGN_IN, visits)


def _where(v: Visit) -> str:
    """Where someone on site is: the space (and whom they visit), else whom they visit."""
    if v.visitor_kind == "professional":
        return v.where + (f", visiting {v.visiting}" if v.visiting else "")
    return v.where

