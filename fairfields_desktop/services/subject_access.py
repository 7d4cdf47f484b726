"""Subject access: everything the school holds about one pupil, for the pupil or their parents (UK GDPR
Art. 15), with other pupils' names taken out: a group session says "with 2 other pupils".

The export is one JSON-ready dictionary (sections in the order the PDF prints them); gathering it is
audited ("subject access export of pupil 57"). `audit_entries_about` also tells the retention routine
which audit entries hold the pupil's personal data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..domain.errors import NotFound
from ..domain.permissions import require
from ..domain.sharing import others_text, sections_text
from ..store.database import Database
from ..store.models import (
    AdviceChaseRow,
    AdviceRequestRow,
    AnnualReviewRow,
    AssessmentRow,
    AttendanceRow,
    AuditRow,
    BookingNoticeRow,
    BookingOccurrenceRow,
    BookingPupilRow,
    BookingRow,
    BudgetDiscussionRow,
    ContactRow,
    OffSiteSessionRow,
    OutcomeRow,
    PupilRow,
    RequestOverrideRow,
    RequestRow,
    ReviewMeetingRow,
    SchoolSettingsRow,
    SessionRecordRow,
    TargetRow,
    TeamMemberRow,
    VisitPupilRow,
    VisitRow,
)
from ..store.pupil_tables import audited_by_id
from . import audit
from .context import Actor, Clock
from .pupils import team_of

FORMAT = "fairfields-subject-access/1"
ANOTHER_PUPIL = "[another pupil]"

#: the sections of an export in order, with their headings
SECTIONS = {
    "pupil": "The pupil",
    "contacts": "Contacts",
    "consents": "Consent to share",
    "attendance": "Attendance",
    "ehcp": "EHCP",
    "areas_of_need": "Areas of need",
    "team": "The team around the child",
    "sessions": "Sessions and their records",
    "requests": "Requests for independent therapy",
    "advice": "Advice",
    "assessments": "Needs assessments",
    "annual_reviews": "Annual reviews",
    "outcomes": "Outcomes, targets and progress notes",
    "budget_discussions": "Personal budget discussions",
    "visits": "Visits by professionals",
    "notices": "Notices of changes to sessions",
    "audit": "The audit trail about the pupil",
}


@dataclass(frozen=True)
class SubjectAccessExport:
    pupil_id: int
    upn: str
    name: str
    school: str
    produced_at: datetime
    produced_by: str
    data: dict[str, Any]  # JSON-ready

    def to_json(self) -> str:
        return json.dumps(self.data, indent=2, ensure_ascii=False) + "\n"


class SubjectAccessService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def export(self, actor: Actor, pupil_id: int) -> SubjectAccessExport:
        """Everything held about the pupil (audited); other pupils are counted, never named."""
        require(actor.roles, "pupils.subject_access", who=actor.username)
        now = self.clock.now()
        with self.db.session() as session:
            pupil = session.get(PupilRow, pupil_id, options=[
                selectinload(PupilRow.klass), selectinload(PupilRow.contacts), selectinload(PupilRow.consents),
                selectinload(PupilRow.key_worker_staff), selectinload(PupilRow.key_worker_professional)])
            if pupil is None:
                raise NotFound(f"there is no pupil with id {pupil_id}")
            settings = session.get(SchoolSettingsRow, 1)
            school = settings.school_name if settings else ""
            gathered = _Gatherer(session, pupil).gather()
            data = {
                "format": FORMAT,
                "produced": {"at": now, "by": actor.username, "school": school},
                "about": ("Everything Fairfields Desktop holds about this pupil. Other pupils' names are left "
                          "out: a group session says how many others took part."),
                **gathered,
            }
            audit.record(session, actor, self.clock, "subject_access", "pupil", pupil.id,
                         note=f"subject access export of pupil {pupil.id}")
            return SubjectAccessExport(pupil.id, pupil.upn, f"{pupil.first_name} {pupil.last_name}", school, now,
                                       actor.username, audit.plain(data))


class _Gatherer:
    """Reads one pupil's records in one session and takes other pupils' names out of the text."""

    def __init__(self, session: Session, pupil: PupilRow) -> None:
        self.session = session
        self.pupil = pupil
        self.co_pupils: set[int] = set()  # pupils who shared a session or a visit with this one

    def gather(self) -> dict[str, Any]:
        p, s = self.pupil, self.session
        sections: dict[str, Any] = {
            "pupil": {
                "id": p.id, "upn": p.upn, "first_name": p.first_name, "last_name": p.last_name,
                "date_of_birth": p.date_of_birth, "year_group": p.year_group, "class": p.klass.name,
                "left_on": p.left_on, "looked_after": p.looked_after,
                "looked_after_authority": p.looked_after_authority, "social_worker": p.social_worker,
                "key_worker": (f"{p.key_worker_staff.name} ({p.key_worker_staff.role})" if p.key_worker_staff
                               else f"{p.key_worker_professional.name}" if p.key_worker_professional else None),
            },
            "contacts": [{"name": c.name, "relationship": c.relationship_,
                          "parental_responsibility": c.parental_responsibility, "phone": c.phone, "email": c.email}
                         for c in p.contacts],
            "consents": [{"share_with": c.share_with, "what": c.what,
                          "sections": sections_text(c.sections) if c.sections is not None else "to be reviewed",
                          "given_by": c.given_by, "given_on": c.given_on, "until": c.until,
                          "withdrawn_on": c.withdrawn_on, "reviewed_on": c.reviewed_on} for c in p.consents],
            "attendance": {
                "current": {"percent": p.attendance_percent, "as_of": p.attendance_as_of},
                "history": [{"percent": a.percent, "as_of": a.as_of, "recorded_at": a.recorded_at}
                            for a in s.scalars(select(AttendanceRow).where(AttendanceRow.pupil_id == p.id)
                                               .order_by(AttendanceRow.as_of, AttendanceRow.id))],
            },
            "ehcp": {"has_ehcp": p.has_ehcp, "issued": p.ehcp_issued, "last_review": p.ehcp_last_review,
                     "personal_budget": ({"reference": p.personal_budget_reference,
                                          "annual_amount_gbp": p.personal_budget_amount_gbp}
                                         if p.personal_budget_reference else None)},
            "areas_of_need": list(p.areas_of_need or []),
            "team": self._team(),
            "sessions": self._sessions(),
            "requests": self._requests(),
            "advice": self._advice(),
            "assessments": [
                {"requested_on": a.requested_on, "decision_to_assess_on": a.decision_to_assess_on,
                 "decision_to_issue_on": a.decision_to_issue_on, "draft_issued_on": a.draft_issued_on,
                 "final_issued_on": a.final_issued_on, "stopped_on": a.stopped_on, "stopped_reason": a.stopped_reason}
                for a in s.scalars(select(AssessmentRow).where(AssessmentRow.pupil_id == p.id)
                                   .order_by(AssessmentRow.requested_on, AssessmentRow.id))],
            "annual_reviews": self._reviews(),
            "outcomes": self._outcomes(),
            "budget_discussions": [
                {"held_on": d.held_on, "ehcp_officer": d.ehcp_officer, "capacity_agreed": d.capacity_agreed,
                 "already_provided": d.already_provided, "notes": d.notes, "recorded_by": d.recorded_by,
                 "recorded_at": d.recorded_at}
                for d in s.scalars(select(BudgetDiscussionRow).where(BudgetDiscussionRow.pupil_id == p.id)
                                   .order_by(BudgetDiscussionRow.held_on, BudgetDiscussionRow.id))],
            "visits": self._visits(),
            "notices": self._notices(),
            "audit": [
                {"id": row.id, "at": row.at, "by": row.username, "action": row.action, "record": row.entity,
                 "record_id": row.entity_id, "before": row.before, "after": row.after, "note": row.note}
                for row, _shared in audit_entries_about(s, p)],
        }
        return self._scrub(audit.plain(sections))

    # --- sections -------------------------------------------------------------------------------
    def _team(self) -> dict[str, Any]:
        involved = [{"professional": t.professional_id, "name": t.name, "kind": t.kind, "discipline": t.discipline,
                     "organisation": t.organisation, "involvement": t.involvement}
                    for t in team_of(self.session, self.pupil)]
        recorded = [{"professional": m.professional.ext_id, "name": m.professional.name, "role": m.role,
                     "since": m.since, "ended_on": m.ended_on}
                    for m in self.session.scalars(select(TeamMemberRow).options(
                        selectinload(TeamMemberRow.professional)).where(TeamMemberRow.pupil_id == self.pupil.id)
                        .order_by(TeamMemberRow.id))]
        return {"involved": involved, "recorded_members": recorded}

    def _sessions(self) -> list[dict[str, Any]]:
        s, p = self.session, self.pupil
        booking_ids = list(s.scalars(select(BookingPupilRow.booking_id).where(BookingPupilRow.pupil_id == p.id)))
        if not booking_ids:
            return []
        own_targets = set(s.scalars(select(TargetRow.id).join(OutcomeRow, OutcomeRow.id == TargetRow.outcome_id)
                                    .where(OutcomeRow.pupil_id == p.id)))
        target_text = dict(s.execute(select(TargetRow.id, TargetRow.text).where(TargetRow.id.in_(own_targets)))
                           .all()) if own_targets else {}
        bookings = s.scalars(select(BookingRow).options(
            selectinload(BookingRow.pupil_links), selectinload(BookingRow.occurrences),
            selectinload(BookingRow.space), selectinload(BookingRow.professional))
            .where(BookingRow.id.in_(booking_ids)).order_by(BookingRow.starts_at, BookingRow.id)).all()
        occurrence_ids = [o.id for b in bookings for o in b.occurrences]
        records = {r.occurrence_id: r for r in s.scalars(
            select(SessionRecordRow).where(SessionRecordRow.occurrence_id.in_(occurrence_ids)))}
        out = []
        for b in bookings:
            others = [link.pupil_id for link in b.pupil_links if link.pupil_id != p.id]
            self.co_pupils.update(others)
            dates = []
            for o in b.occurrences:
                entry: dict[str, Any] = {"starts_at": o.starts_at, "ends_at": o.ends_at, "space": o.space.name,
                                         "status": o.status, "cancel_reason": o.cancel_reason}
                record = records.get(o.id)
                if record is not None:
                    about_other = record.target_id is not None and record.target_id not in own_targets
                    entry["record"] = {
                        "delivered": record.delivered, "reason": record.reason,
                        "note": (None if about_other else record.note),
                        "note_left_out": bool(about_other and record.note),
                        "target": target_text.get(record.target_id),
                        "recorded_by": record.recorded_by, "recorded_at": record.recorded_at}
                dates.append(entry)
            out.append({"booking": b.ext_id, "professional": b.professional.name if b.professional else None,
                        "purpose": b.purpose, "repeat_weekly_until": b.repeat_weekly_until, "status": b.status,
                        "with_others": others_text(len(others)) or "on their own", "dates": dates})
        return out

    def _requests(self) -> list[dict[str, Any]]:
        s, p = self.session, self.pupil
        rows = s.scalars(select(RequestRow).options(
            selectinload(RequestRow.history), selectinload(RequestRow.professional), selectinload(RequestRow.space),
            selectinload(RequestRow.class_staff), selectinload(RequestRow.extends))
            .where(RequestRow.pupil_id == p.id).order_by(RequestRow.first_session, RequestRow.id)).all()
        ids = [r.id for r in rows]

        def by_request(model, order) -> dict[int, list]:
            found: dict[int, list] = {}
            if ids:
                for row in s.scalars(select(model).where(model.request_id.in_(ids)).order_by(order)):
                    found.setdefault(row.request_id, []).append(row)
            return found

        overrides = by_request(RequestOverrideRow, RequestOverrideRow.id)
        meetings = by_request(ReviewMeetingRow, ReviewMeetingRow.id)
        off_site = by_request(OffSiteSessionRow, OffSiteSessionRow.id)
        return [{
            "ref": r.ext_id, "professional": r.professional.name, "setting": r.setting,
            "first_session": r.first_session, "last_session": r.last_session, "weekday": r.weekday,
            "start_time": r.start_time, "end_time": r.end_time, "status": r.status,
            "ehcp_approval_on": r.ehcp_approval_on, "ehcp_approval_reference": r.ehcp_approval_reference,
            "personal_budget_linked": r.personal_budget_linked,
            "classroom_sessions_agreed": r.classroom_sessions_agreed,
            "space": r.space.name if r.space else None, "class_staff": r.class_staff.name if r.class_staff else None,
            "extends": r.extends.ext_id if r.extends else None, "extension_reason": r.extension_reason,
            "outside_school_day": r.outside_school_day,
            "history": [{"at": e.at, "by": e.by, "action": e.action, "reason": e.reason, "details": e.details}
                        for e in r.history],
            "overrides": [{"rule": o.rule, "reason": o.reason, "by": o.by, "on_behalf_of": o.on_behalf_of,
                           "at": o.at} for o in overrides.get(r.id, [])],
            "review_meetings": [{"held_on": m.held_on, "attendees": m.attendees, "outcome": m.outcome,
                                 "recorded_by": m.recorded_by} for m in meetings.get(r.id, [])],
            "off_site_sessions": [{"on": o.session_on, "time_out": o.time_out, "time_back": o.time_back,
                                   "taken_by": o.taken_by, "attendance_mark": o.attendance_mark}
                                  for o in off_site.get(r.id, [])],
        } for r in rows]

    def _advice(self) -> list[dict[str, Any]]:
        s, p = self.session, self.pupil
        rows = s.scalars(select(AdviceRequestRow).options(selectinload(AdviceRequestRow.professional))
                         .where(AdviceRequestRow.pupil_id == p.id)
                         .order_by(AdviceRequestRow.requested_on, AdviceRequestRow.id)).all()
        chases: dict[int, list[AdviceChaseRow]] = {}
        if rows:
            for chase in s.scalars(select(AdviceChaseRow).where(AdviceChaseRow.advice_id.in_([r.id for r in rows]))
                                   .order_by(AdviceChaseRow.chased_on)):
                chases.setdefault(chase.advice_id, []).append(chase)
        return [{"professional": a.professional.name, "kind": a.kind, "requested_on": a.requested_on, "due": a.due,
                 "received_on": a.received_on, "purpose": a.purpose,
                 "chased": [{"on": c.chased_on, "how": c.how, "by": c.chased_by} for c in chases.get(a.id, [])]}
                for a in rows]

    def _reviews(self) -> list[dict[str, Any]]:
        rows = self.session.scalars(select(AnnualReviewRow).options(
            selectinload(AnnualReviewRow.invitees), selectinload(AnnualReviewRow.circulations))
            .where(AnnualReviewRow.pupil_id == self.pupil.id).order_by(AnnualReviewRow.meeting_on)).all()
        return [{
            "meeting_on": r.meeting_on, "meeting_at": r.meeting_at, "place": r.place, "status": r.status,
            "cancelled_reason": r.cancelled_reason, "invitations_sent_on": r.invitations_sent_on,
            "child_views": r.child_views, "parent_views": r.parent_views, "budget_review": r.budget_review,
            "proposed_amendments": r.proposed_amendments, "report_sent_on": r.report_sent_on,
            "la_decision_on": r.la_decision_on, "amendment_notice_on": r.amendment_notice_on,
            "final_plan_on": r.final_plan_on,
            "invitees": [{"role": i.role, "name": i.name, "removed_on": i.removed_on} for i in r.invitees],
            "circulated": [{"document": c.document, "sent_to": c.sent_to, "sent_on": c.sent_on}
                           for c in r.circulations],
        } for r in rows]

    def _outcomes(self) -> list[dict[str, Any]]:
        s = self.session
        rows = s.scalars(select(OutcomeRow).options(
            selectinload(OutcomeRow.targets).selectinload(TargetRow.professional))
            .where(OutcomeRow.pupil_id == self.pupil.id).order_by(OutcomeRow.set_on, OutcomeRow.id)).all()
        target_ids = [t.id for o in rows for t in o.targets]
        notes: dict[int, list[dict[str, Any]]] = {}
        if target_ids:
            for record, starts in s.execute(
                    select(SessionRecordRow, BookingOccurrenceRow.starts_at)
                    .join(BookingOccurrenceRow, BookingOccurrenceRow.id == SessionRecordRow.occurrence_id)
                    .where(SessionRecordRow.target_id.in_(target_ids)).order_by(BookingOccurrenceRow.starts_at)):
                notes.setdefault(record.target_id, []).append(
                    {"on": starts.date(), "delivered": record.delivered, "note": record.note,
                     "by": record.recorded_by})
        return [{
            "area": o.area, "text": o.text, "set_on": o.set_on, "status": o.status, "ended_on": o.ended_on,
            "targets": [{"text": t.text, "programme": t.programme, "strategy": t.strategy,
                         "professional": t.professional.name if t.professional else None, "set_on": t.set_on,
                         "status": t.status, "ended_on": t.ended_on, "progress_notes": notes.get(t.id, [])}
                        for t in o.targets],
        } for o in rows]

    def _visits(self) -> list[dict[str, Any]]:
        s, p = self.session, self.pupil
        visit_ids = list(s.scalars(select(VisitPupilRow.visit_id).where(VisitPupilRow.pupil_id == p.id)))
        if not visit_ids:
            return []
        out = []
        for v in s.scalars(select(VisitRow).options(
                selectinload(VisitRow.pupil_links), selectinload(VisitRow.professional), selectinload(VisitRow.space))
                .where(VisitRow.id.in_(visit_ids)).order_by(VisitRow.signed_in_at)):
            others = [link.pupil_id for link in v.pupil_links if link.pupil_id != p.id]
            self.co_pupils.update(others)
            out.append({"professional": v.professional.name, "signed_in_at": v.signed_in_at,
                        "signed_out_at": v.signed_out_at, "purpose": v.purpose,
                        "where": v.space.name if v.space else v.location, "note": v.note,
                        "with_others": others_text(len(others)) or "on their own"})
        return out

    def _notices(self) -> list[dict[str, Any]]:
        """Notices to this pupil's parents of changes to their sessions."""
        s, p = self.session, self.pupil
        marker = f"of {p.first_name})"
        contacts = {c.name for c in p.contacts}
        query = (select(BookingNoticeRow, BookingOccurrenceRow.starts_at)
                 .join(BookingOccurrenceRow, BookingOccurrenceRow.id == BookingNoticeRow.occurrence_id)
                 .join(BookingPupilRow, BookingPupilRow.booking_id == BookingOccurrenceRow.booking_id)
                 .where(BookingPupilRow.pupil_id == p.id, BookingNoticeRow.audience == "parents")
                 .order_by(BookingNoticeRow.created_at, BookingNoticeRow.id))
        return [{"session_on": starts, "to": n.who, "contact": n.contact, "what": n.what, "created_at": n.created_at,
                 "told_at": n.told_at}
                for n, starts in s.execute(query)
                if n.who.endswith(marker) and n.who.split(" (")[0] in contacts]

    # --- other pupils' names out ----------------------------------------------------------------
    def _scrub(self, data: Any) -> Any:
        pattern = self._other_pupils_pattern()
        if pattern is None:
            return data

        def clean(value: Any) -> Any:
            if isinstance(value, str):
                return pattern.sub(ANOTHER_PUPIL, value)
            if isinstance(value, list):
                return [clean(v) for v in value]
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            return value

        return {key: (value if key == "pupil" else clean(value)) for key, value in data.items()}

    def _other_pupils_pattern(self) -> re.Pattern[str] | None:
        p = self.pupil
        own = {p.first_name.casefold(), p.last_name.casefold()}
        words: set[str] = set()
        for pid, upn, first, last in self.session.execute(
                select(PupilRow.id, PupilRow.upn, PupilRow.first_name, PupilRow.last_name).where(PupilRow.id != p.id)):
            words |= {upn, f"{first} {last}", f"{last}, {first}"}
            if pid in self.co_pupils:  # someone who shared a session: their first or last name alone too
                words |= {w for w in (first, last) if w.casefold() not in own and len(w) > 1}
        words = {w for w in words if w.strip()}
        if not words:
            return None
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


# --- the audit entries about a pupil -------------------------------------------------------------------
def pupil_identifiers(pupil: PupilRow, contacts: Iterable[str] = ()) -> tuple[str, ...]:
    """The words that name a pupil in free text: their UPN, their name both ways, their contacts' names."""
    names = [pupil.upn, f"{pupil.first_name} {pupil.last_name}", f"{pupil.last_name}, {pupil.first_name}"]
    names += [c for c in contacts if len((c or "").strip()) >= 5]
    return tuple(n for n in names if n)


def audit_entries_about(session: Session, pupil: PupilRow) -> list[tuple[AuditRow, bool]]:
    """Every audit entry about the pupil, oldest first, each with whether it is *shared*: about a group
    session or visit with other pupils, naming none of them (so an erasure keeps it as it is)."""
    s, pid = session, pupil.id
    keys: dict[str, set[str]] = {"pupil": {str(pid)}, "review_pack": {pupil.upn}}
    shared: dict[str, set[str]] = {}

    def ids(entity: str, query) -> set[str]:
        found = {str(v) for v in s.scalars(query)}
        keys.setdefault(entity, set()).update(found)
        return found

    for entry in audited_by_id():  # consents, the team, advice, reviews, outcomes…: store/pupil_tables.py
        model = entry.model
        ids(str(entry.audit_entity), select(model.id).where(model.pupil_id == pid))
    ids("target", select(TargetRow.id).join(OutcomeRow, OutcomeRow.id == TargetRow.outcome_id)
        .where(OutcomeRow.pupil_id == pid))
    refs = ids("request", select(RequestRow.ext_id).where(RequestRow.pupil_id == pid))
    keys["decision_letter"] = set(refs)
    ids("off_site_session", select(OffSiteSessionRow.id).join(RequestRow, RequestRow.id == OffSiteSessionRow.request_id)
        .where(RequestRow.pupil_id == pid))
    # sessions and visits: shared when others were there too
    booking_ids = list(s.scalars(select(BookingPupilRow.booking_id).where(BookingPupilRow.pupil_id == pid)))
    group = set(s.scalars(select(BookingPupilRow.booking_id).where(
        BookingPupilRow.booking_id.in_(booking_ids), BookingPupilRow.pupil_id != pid))) if booking_ids else set()
    for booking_id, ref in s.execute(select(BookingRow.id, BookingRow.ext_id).where(BookingRow.id.in_(booking_ids))):
        (shared if booking_id in group else keys).setdefault("booking", set()).add(ref)
    for occ_id, booking_id in s.execute(select(BookingOccurrenceRow.id, BookingOccurrenceRow.booking_id)
                                        .where(BookingOccurrenceRow.booking_id.in_(booking_ids))):
        (shared if booking_id in group else keys).setdefault("session", set()).add(str(occ_id))
    visit_ids = list(s.scalars(select(VisitPupilRow.visit_id).where(VisitPupilRow.pupil_id == pid)))
    group_visits = set(s.scalars(select(VisitPupilRow.visit_id).where(
        VisitPupilRow.visit_id.in_(visit_ids), VisitPupilRow.pupil_id != pid))) if visit_ids else set()
    for visit_id in visit_ids:
        (shared if visit_id in group_visits else keys).setdefault("visit", set()).add(str(visit_id))
    contacts = [c for (c,) in s.execute(select(ContactRow.name).where(ContactRow.pupil_id == pid))]
    marker = f"of {pupil.first_name})"
    for notice_id, who in s.execute(
            select(BookingNoticeRow.id, BookingNoticeRow.who)
            .join(BookingOccurrenceRow, BookingOccurrenceRow.id == BookingNoticeRow.occurrence_id)
            .where(BookingOccurrenceRow.booking_id.in_(booking_ids), BookingNoticeRow.audience == "parents")):
        if who.endswith(marker) and who.split(" (")[0] in contacts:
            keys.setdefault("booking_notice", set()).add(str(notice_id))

    words = [w.casefold() for w in pupil_identifiers(pupil, contacts)]
    found: list[tuple[AuditRow, bool]] = []
    for row in s.scalars(select(AuditRow).order_by(AuditRow.id).execution_options(yield_per=1000)):
        key = row.entity_id or ""
        if key in keys.get(row.entity, ()):
            found.append((row, False))
            continue
        text = " ".join([key, row.note or "", json.dumps(row.before, ensure_ascii=False, default=str),
                         json.dumps(row.after, ensure_ascii=False, default=str)]).casefold()
        if any(w in text for w in words):
            found.append((row, False))
        elif key in shared.get(row.entity, ()):
            found.append((row, True))
    return found
