"""The finished figures of every report, gathered from the use cases and audited when printed.

The `reports` package lays these out and computes nothing. Each method checks who may print it and records
the printing in the audit trail (a report of personal data, like a dump, is a disclosure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..domain import deadlines
from ..domain.checks import day_text
from ..domain.errors import InvalidInput, NotFound, Problem
from ..domain.permissions import require
from ..domain.professionals import KIND_LABELS
from ..domain.school import AREA_LABELS, year_group_label
from ..domain.sharing import SECTIONS, ConsentFacts, allowed_sections
from .context import Actor
from .outcomes import Outcome
from .pupils import TeamEntry
from .sessions import ProvisionLine

#: what an annual review meeting goes through, in order (the SENCO's usual agenda)
AGENDA = (
    "Welcome and introductions; the purpose of the review",
    "The views, wishes and feelings of the child or young person",
    "The views of the parents or carers",
    "Progress towards each outcome, with the advice and reports received",
    "Provision delivered since the last review, and the personal budget",
    "Preparing for adulthood (from Year 9)",
    "Whether the plan still meets the child's needs; amendments to propose",
    "New outcomes and targets; who does what by when",
    "Date of the next review",
)
PREPARING_FOR_ADULTHOOD = ("Employment and further education", "Independent living", "Friends, relationships and "
                           "community inclusion", "Good health")


@dataclass(frozen=True)
class Authorisation:
    ref: str
    professional: str
    period: str
    status: str
    rules: tuple[tuple[str, bool, str], ...]  # rule, ok, detail
    decisions: tuple[tuple[datetime, str, str, str | None], ...]  # at, by, action, reason
    overrides: tuple[tuple[str, str, str, datetime], ...]  # rule, reason, by, at


@dataclass(frozen=True)
class AdviceLine:
    professional: str
    what: str  # "needs assessment" | "annual review"
    requested_on: date
    due: date
    received_on: date | None
    state: str  # "received on time", "received 3 days late", "OVERDUE by 7 days", "awaited"


@dataclass(frozen=True)
class ReviewPack:
    school: str
    pupil: str
    upn: str
    class_name: str
    year_label: str
    date_of_birth: date
    ehcp_issued: date | None
    last_review: date | None
    review_when: str  # the meeting, or "not yet scheduled"
    review_on: date | None
    next_due: date | None
    key_worker: str | None
    audience: str  # "the review's invitees" or the recipient
    whole: bool  # everything (the invitees), or only what consent allows
    left_out: tuple[str, ...]  # sections left out, in words
    areas: tuple[str, ...] | None = None
    looked_after: tuple[str | None, str | None] | None = None  # local authority, social worker
    child_views: str | None = None
    parent_views: str | None = None
    views_included: bool = False
    team: tuple[TeamEntry, ...] | None = None
    provision_since: date | None = None
    provision_until: date | None = None
    provision: tuple[ProvisionLine, ...] | None = None
    authorisations: tuple[Authorisation, ...] | None = None
    advice: tuple[AdviceLine, ...] | None = None
    attendance: tuple[tuple[date, float], ...] | None = None  # oldest first
    attendance_threshold: float = 90.0
    outcomes: tuple[Outcome, ...] | None = None
    budget: tuple[str | None, float | None, str | None] | None = None  # reference, amount, the review's words
    adulthood: tuple[str, ...] | None = None  # None: before Year 9 (the pack does not mention it)
    amendments: str | None = None
    amendments_included: bool = False
    invitees: tuple[tuple[str, str], ...] = field(default=())  # role words, name
    agenda: tuple[str, ...] = AGENDA


class ReportService:
    def __init__(self, services) -> None:  # noqa: ANN001 (the Services container: a report composes use cases)
        self.services = services

    def review_pack(self, actor: Actor, upn: str, recipient: str | None = None) -> ReviewPack:
        """The pack for a pupil's annual review: whole for the review's invitees (``recipient`` None or one of
        them); for anyone else only the sections their consent allows, saying what was left out."""
        require(actor.roles, "report.review_pack", who=actor.username)
        s = self.services
        summary = next((p for p in s.pupils.list_pupils(actor, include_left=True) if p.upn == (upn or "").strip().upper()),
                       None)
        if summary is None:
            raise NotFound(f"there is no pupil with UPN {upn!r}")
        detail = s.pupils.get_pupil(actor, summary.id)
        today = s.clock.today()
        settings = s.school.settings()
        reviews = s.reviews.for_pupil(actor, summary.upn)
        review = reviews.current or next((r for r in reviews.reviews if r.status == "held"), None)
        meeting = review.meeting_on if review else None
        on = meeting or today

        invitees = tuple((i.role_text, i.name) for i in review.current_invitees) if review else ()
        invited_pros = {i.professional for i in review.current_invitees if i.professional} if review else set()
        whole = recipient is None or recipient in invited_pros or \
            recipient.strip().lower() in {name.lower() for _role, name in invitees}
        if whole:
            allowed = set(SECTIONS)
            audience = "the review's invitees"
        else:
            consents = [ConsentFacts(c.share_with, c.what, c.given_on, c.withdrawn_on) for c in detail.consents or ()]
            allowed = allowed_sections(consents, recipient, today)
            pro = next((p for p in s.professionals.list_professionals(actor) if p.ext_id == recipient), None)
            audience = f"{pro.name} ({pro.organisation or KIND_LABELS.get(pro.kind, pro.kind)})" if pro else recipient

        year_then = deadlines.year_group_on(summary.year_group, today, on)
        adulthood = year_then >= deadlines.PREPARING_FOR_ADULTHOOD_YEAR
        left_out = tuple(words for key, words in SECTIONS.items()
                         if key not in allowed and (key != "adulthood" or adulthood))
        since = detail.ehcp_last_review or detail.ehcp_issued
        until = min(on, today)
        pack = ReviewPack(
            school=settings.school_name, pupil=summary.name, upn=summary.upn, class_name=summary.class_name,
            year_label=year_group_label(summary.year_group), date_of_birth=summary.date_of_birth,
            ehcp_issued=detail.ehcp_issued, last_review=detail.ehcp_last_review,
            review_when=review.when_text if review else "not yet scheduled", review_on=meeting,
            next_due=reviews.next_due, key_worker=detail.key_worker, audience=audience, whole=whole,
            left_out=left_out, invitees=invitees,
            areas=tuple(AREA_LABELS.get(a, a) for a in detail.areas_of_need or ()) if "needs" in allowed else None,
            looked_after=(detail.looked_after_authority, detail.social_worker) if detail.social_worker
            or detail.looked_after_authority else None,
            views_included="views" in allowed,
            child_views=review.child_views if review and "views" in allowed else None,
            parent_views=review.parent_views if review and "views" in allowed else None,
            team=detail.team if "team" in allowed else None,
            provision_since=since, provision_until=until,
            provision=None if "provision" not in allowed else
            tuple(s.sessions.provision(actor, summary.upn, since, until)) if since else (),
            authorisations=self._authorisations(actor, summary.upn) if "authorisations" in allowed else None,
            advice=self._advice(actor, summary.upn, since, today) if "advice" in allowed else None,
            attendance=tuple(sorted((d, p) for p, d in detail.attendance_history)) if "attendance" in allowed else None,
            attendance_threshold=settings.attendance_threshold_percent,
            outcomes=tuple(s.outcomes.for_pupil(actor, summary.upn)) if "outcomes" in allowed else None,
            budget=(detail.personal_budget_reference, detail.personal_budget_amount_gbp,
                    review.budget_review if review else None) if "budget" in allowed else None,
            adulthood=PREPARING_FOR_ADULTHOOD if adulthood and "adulthood" in allowed else None,
            amendments_included="amendments" in allowed,
            amendments=review.proposed_amendments if review and "amendments" in allowed else None,
            # before Year 9 the pack does not mention preparing for adulthood at all
            agenda=tuple(item for item in AGENDA if adulthood or "adulthood" not in item.lower()),
        )
        self._audit(actor, "review_pack", summary.upn, {"recipient": recipient or "invitees", "whole": whole,
                                                        "left_out": list(left_out)})
        return pack

    def _authorisations(self, actor: Actor, upn: str) -> tuple[Authorisation, ...]:
        requests = self.services.requests
        found = []
        for view in requests.list_requests(actor, with_rules=False):
            if view.pupil_upn != upn or view.status == "draft":
                continue
            full = requests.get(actor, view.ref)
            period = f"{day_text(full.first_session)} to {day_text(full.last_session)}, {full.weekday.title()}s " \
                     f"{full.start_time:%H:%M}–{full.end_time:%H:%M}"
            found.append(Authorisation(
                full.ref, full.professional, period, full.state,
                tuple((r.rule, r.ok, r.detail) for r in full.results),
                tuple((h.at, h.by, h.action, h.reason) for h in full.history), full.overrides))
        return tuple(found)

    def _advice(self, actor: Actor, upn: str, since: date | None, today: date) -> tuple[AdviceLine, ...]:
        lines = []
        for advice in self.services.advice.list_advice(actor, outstanding_only=False):
            if advice.pupil_upn != upn or (since and advice.requested_on < since - timedelta(days=366)):
                continue
            if advice.received_on is not None:
                late = (advice.received_on - advice.due).days
                state = "received on time" if late <= 0 else f"received {late} day{'s' if late != 1 else ''} late"
            elif today > advice.due:
                late = (today - advice.due).days
                state = f"OVERDUE by {late} day{'s' if late != 1 else ''}"
            else:
                state = "awaited"
            lines.append(AdviceLine(advice.professional, "needs assessment" if advice.kind == "needs_assessment"
                                    else "annual review", advice.requested_on, advice.due, advice.received_on, state))
        return tuple(sorted(lines, key=lambda a: (a.requested_on, a.professional)))

    def _audit(self, actor: Actor, report: str, subject: str, details: dict) -> None:
        from . import audit

        with self.services.db.session() as session:
            audit.record(session, actor, self.services.clock, "report", report, subject, after=details)


def parse_period(first: str | None, last: str | None, today: date) -> tuple[date, date]:
    """A report's period from --from/--to (default: the school year holding today, September to August)."""
    start_year = today.year if today.month >= 9 else today.year - 1
    try:
        begin = date.fromisoformat(first) if first else date(start_year, 9, 1)
        end = date.fromisoformat(last) if last else date(start_year + 1, 8, 31)
    except ValueError as exc:
        raise InvalidInput(Problem("from/to", f"give dates as YYYY-MM-DD ({exc})")) from exc
    if end < begin:
        raise InvalidInput(Problem("to", "the end of the period is before its start"))
    return begin, end
