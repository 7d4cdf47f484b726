"""EHCP deadlines and "what is due": annual reviews, advice, needs assessments, authorisations, checks.

Calendar time throughout, never school weeks. The annual review is due within 12 months starting with
the last review meeting (or the plan's issue date), i.e. by the day before the anniversary
(:mod:`.ehcp` does that arithmetic); age and Year 9 are judged at the meeting date. Around a meeting:
invitations and advice at least 2 weeks before, the school's report within 2 weeks after, the LA's
decision within 4 weeks after (the local authority's joint working protocol, section 5, agrees). A
needs assessment: decision to assess within 6 weeks of the request, decision to issue within 16, the
final plan within 20; at least 15 days for the parents' comments on a draft; advice within 6 weeks of
the LA's request for it (protocol, section 3).

Every date here is the *last day allowed*; something is overdue when today is past it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .checks import ProfessionalChecks, day_text, evaluate_checks
from .ehcp import age_on, end_of_period, next_review_due, review_interval_months
from .pupils import academic_year_start
from .school import ADVICE_KINDS, year_group_label

# `review_paperwork` is ours (the contract allows more kinds): a step around a scheduled review meeting.
KINDS = ("annual_review", "advice", "assessment", "authorisation_ending", "dbs", "insurance", "registration",
         "review_paperwork")
PROFESSIONAL_KINDS = ("dbs", "insurance", "registration")  # subject: the professional's id
PUPIL_KINDS = tuple(k for k in KINDS if k not in PROFESSIONAL_KINDS)  # subject: the pupil's UPN

TWO_WEEKS = timedelta(weeks=2)
FOUR_WEEKS = timedelta(weeks=4)
SIX_WEEKS = timedelta(weeks=6)
EIGHT_WEEKS = timedelta(weeks=8)
SIXTEEN_WEEKS = timedelta(weeks=16)
TWENTY_WEEKS = timedelta(weeks=20)
FIFTEEN_DAYS = timedelta(days=15)

PREPARING_FOR_ADULTHOOD_YEAR = 9
UNDER_FIVE_AGE = 5

# Assessment stages, in the order they happen.
DECISION_TO_ASSESS = "decision to assess"
DECISION_TO_ISSUE = "decision to issue"
FINAL_PLAN = "final plan"
DRAFT_COMMENTS = "parents' comments on the draft"


# --- around one review meeting ---------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewTimeline:
    """Everything derived from a review meeting date (recompute it when the meeting moves)."""

    meeting: date
    invitations_by: date  # at least 2 weeks before
    advice_circulated_by: date  # at least 2 weeks before
    report_by: date  # the school's report to the LA and every invitee within 2 weeks after
    la_decision_by: date  # the LA's decision within 4 weeks after
    preparing_for_adulthood: bool  # Year 9 or above at the meeting date
    under_five: bool  # age judged at the meeting
    next_review_by: date  # the review after this one: 12 months starting with it (6 if under five)


def review_timeline(meeting: date, date_of_birth: date, year_group_at_meeting: int,
                    *, under_five_months: int = 6) -> ReviewTimeline:
    """The deadlines around a review meeting on ``meeting``."""
    months = review_interval_months(date_of_birth, meeting, under_five_months)
    return ReviewTimeline(
        meeting=meeting,
        invitations_by=meeting - TWO_WEEKS,
        advice_circulated_by=meeting - TWO_WEEKS,
        report_by=meeting + TWO_WEEKS,
        la_decision_by=meeting + FOUR_WEEKS,
        preparing_for_adulthood=year_group_at_meeting >= PREPARING_FOR_ADULTHOOD_YEAR,
        under_five=age_on(date_of_birth, meeting) < UNDER_FIVE_AGE,
        next_review_by=end_of_period(meeting, months),
    )


def amendment_deadlines(notice: date) -> tuple[date, date]:
    """(the last day for comments: 15 days, the final amended plan: 8 weeks) after the LA's amendment notice."""
    return notice + FIFTEEN_DAYS, notice + EIGHT_WEEKS


# The paperwork around a review meeting, in the order it happens.
INVITATIONS = "invitations sent"
CIRCULATION = "advice and reports circulated to the invitees"
REPORT = "the school's report sent to the LA and every invitee"
LA_DECISION = "the LA's decision"
AMENDMENT_COMMENTS = "comments on the proposed amendments"
FINAL_AMENDED_PLAN = "the final amended plan"


@dataclass(frozen=True)
class ReviewFacts:
    """A scheduled (or held) review meeting and what of its paperwork has been done."""

    pupil_upn: str
    pupil_name: str
    meeting: date
    invitations_sent_on: date | None = None
    circulated_on: date | None = None  # the first circulation of advice and reports
    report_sent_on: date | None = None
    la_decision_on: date | None = None
    amendment_notice_on: date | None = None
    final_plan_on: date | None = None
    held: bool = False  # once held, the steps before the meeting can no longer be done


@dataclass(frozen=True)
class PaperworkStep:
    what: str
    due: date  # the last day allowed
    done_on: date | None

    def late(self, today: date) -> bool:
        """Done after its day, or not done and its day has passed."""
        return (self.done_on or today) > self.due


def paperwork_steps(review: ReviewFacts, today: date | None = None) -> list[PaperworkStep]:
    """Every step of a review's paperwork with its last day, from the meeting date (and the LA's
    amendment notice, when there is one): recompute when the meeting moves. The comments period on
    amendments is done once its last day is behind ``today``."""
    meeting = review.meeting
    steps = [
        PaperworkStep(INVITATIONS, meeting - TWO_WEEKS, review.invitations_sent_on),
        PaperworkStep(CIRCULATION, meeting - TWO_WEEKS, review.circulated_on),
        PaperworkStep(REPORT, meeting + TWO_WEEKS, review.report_sent_on),
        PaperworkStep(LA_DECISION, meeting + FOUR_WEEKS, review.la_decision_on),
    ]
    if review.amendment_notice_on is not None:
        comments, final = amendment_deadlines(review.amendment_notice_on)
        # the comments are the family's and the school's: nothing records them, the period just ends
        over = today is not None and today > comments
        steps.append(PaperworkStep(AMENDMENT_COMMENTS, comments, comments if over else None))
        steps.append(PaperworkStep(FINAL_AMENDED_PLAN, final, review.final_plan_on))
    return steps


def year_group_on(year_group: int, today: date, on: date) -> int:
    """The year group on ``on`` of a pupil in ``year_group`` on ``today`` (one up each 1 September)."""
    return year_group + academic_year_start(on) - academic_year_start(today)


def phase_transfer(year_group: int, today: date) -> tuple[str, date] | None:
    """(why, the last day for the amended plan) for a pupil moving phase at the end of the academic year
    holding ``today``; None for any other year group.

    Nursery (into school: Reception), Year 6 (to Year 7): 15 February; Year 11 (to post-16): 31 March;
    both of the spring of that academic year. Reception and the years between are no phase transfer.
    """
    spring = academic_year_start(today) + 1
    if year_group == -1:
        return "moving into school (Nursery to Reception)", date(spring, 2, 15)
    if year_group == 6:
        return "moving from Year 6 to Year 7", date(spring, 2, 15)
    if year_group == 11:
        return "moving from Year 11 to post-16", date(spring, 3, 31)
    return None


# --- advice and needs assessments ------------------------------------------------------------------

def advice_due(kind: str, requested_on: date, due: date | None, *, meeting: date | None = None) -> date:
    """The last day for a piece of advice.

    ``needs_assessment``: 6 weeks after the LA's request (any recorded ``due`` is not used: the 6 weeks
    are the statutory limit). ``annual_review``: the circulation date given (``due``), else 2 weeks
    before the review ``meeting``; advice asked less than two weeks before the meeting is due at once
    (never before the day it was asked: see `review_advice_due`).
    """
    if kind == "needs_assessment":
        return requested_on + SIX_WEEKS
    if kind == "annual_review":
        if due is not None:
            return max(due, requested_on)
        if meeting is not None:
            return review_advice_due(meeting, requested_on)
        raise ValueError("advice for an annual review needs its circulation date or the meeting date")
    raise ValueError(f"advice kind {kind!r} is not one of {', '.join(ADVICE_KINDS)}")


def review_advice_due(meeting: date, requested_on: date) -> date:
    """Advice for an annual review is due by the circulation date, 2 weeks before the ``meeting``; asked
    later than that, it is due at once: on the day it was asked, never before it."""
    return max(meeting - TWO_WEEKS, requested_on)


def advice_asked_late(kind: str, requested_on: date, due: date) -> bool:
    """Advice for a review asked too late for the circulation date: it was due at once."""
    return kind == "annual_review" and due <= requested_on


ASKED_LATE = "asked late: due at once"


def assessment_deadlines(requested_on: date, decision_to_assess_on: date | None,
                         draft_issued_on: date | None) -> list[tuple[str, date]]:
    """The statutory deadlines of an EHC needs assessment, from the LA's receipt of the request.

    ``decision_to_assess_on`` is accepted for symmetry with the stored record; no deadline depends on it.
    """
    del decision_to_assess_on
    deadlines = [
        (DECISION_TO_ASSESS, requested_on + SIX_WEEKS),
        (DECISION_TO_ISSUE, requested_on + SIXTEEN_WEEKS),
        (FINAL_PLAN, requested_on + TWENTY_WEEKS),
    ]
    if draft_issued_on is not None:
        deadlines.append((DRAFT_COMMENTS, draft_issued_on + FIFTEEN_DAYS))
    return deadlines


# --- what is due -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DueItem:
    kind: str  # one of KINDS
    due: date  # the last day allowed
    overdue: bool  # today is past ``due``
    subject: str  # the pupil's UPN, or the professional's id for dbs, insurance and registration
    detail: str

    def as_json(self) -> dict[str, object]:
        """The item as `due --json` prints it."""
        return {"kind": self.kind, "due": self.due.isoformat(), "overdue": self.overdue,
                "subject": self.subject, "detail": self.detail}


@dataclass(frozen=True)
class PupilFacts:
    """What `due` needs of a pupil."""

    upn: str
    name: str
    class_name: str
    date_of_birth: date
    year_group: int  # on today
    ehcp_issued: date | None
    last_review: date | None
    review_meeting: date | None = None  # the next meeting, when one is set
    looked_after: bool = False


@dataclass(frozen=True)
class AdviceFacts:
    pupil_upn: str
    pupil_name: str
    professional_name: str
    kind: str  # needs_assessment | annual_review
    requested_on: date
    due: date | None
    received_on: date | None


@dataclass(frozen=True)
class AssessmentFacts:
    pupil_upn: str
    pupil_name: str
    requested_on: date
    decision_to_assess_on: date | None
    draft_issued_on: date | None
    final_issued_on: date | None
    decision_to_issue_on: date | None = None
    stopped_on: date | None = None  # the LA decided not to assess, or not to issue


@dataclass(frozen=True)
class AuthorisationFacts:
    """An approved authorisation (the caller passes only approved ones)."""

    ref: str
    pupil_upn: str
    pupil_name: str
    professional_name: str
    last_session: date


@dataclass(frozen=True)
class ProfessionalFacts:
    ext_id: str
    name: str
    checks: ProfessionalChecks


def _item(kind: str, due: date, today: date, subject: str, detail: str) -> DueItem:
    return DueItem(kind, due, today > due, subject, detail)


def _annual_review(pupil: PupilFacts, today: date, under_five_months: int,
                   plan_dates: bool = True) -> DueItem | None:
    due = next_review_due(pupil.ehcp_issued, pupil.last_review, pupil.date_of_birth, under_five_months)
    if due is None:
        return None
    start = pupil.last_review or pupil.ehcp_issued
    assert start is not None
    since = (f"last review {day_text(pupil.last_review)}" if pupil.last_review
             else f"plan issued {day_text(start)}")
    if review_interval_months(pupil.date_of_birth, start, under_five_months) != 12:
        since += f"; every {under_five_months} months while under 5"
    notes = [f"annual review of {pupil.name} due by {day_text(due)}" + (f" ({since})" if plan_dates else "")]

    meeting = pupil.review_meeting
    if meeting is not None:
        year_then = year_group_on(pupil.year_group, today, meeting)
        timeline = review_timeline(meeting, pupil.date_of_birth, year_then, under_five_months=under_five_months)
        note = (f"meeting set for {day_text(meeting)}: invitations and advice by "
                f"{day_text(timeline.invitations_by)}, report to the LA by {day_text(timeline.report_by)}")
        if meeting > due:
            note += " (the meeting is after the review is due)"
        notes.append(note)
        adulthood = timeline.preparing_for_adulthood
        transfer = phase_transfer(year_then, meeting)
    else:
        # The meeting is not set: only what holds whenever it is held (year groups only go up).
        year_then = pupil.year_group
        adulthood = pupil.year_group >= PREPARING_FOR_ADULTHOOD_YEAR
        transfer = phase_transfer(pupil.year_group, today)
        if transfer is not None and start >= date(academic_year_start(today), 9, 1):
            transfer = None  # this academic year's review has been held already
    if transfer is not None:
        why, deadline = transfer
        notes.append(f"phase transfer ({why}): the amended plan must be issued by {day_text(deadline)}")
    if adulthood:
        notes.append(f"preparing for adulthood ({year_group_label(year_then)})")
    if pupil.looked_after:
        notes.append("looked after: align with the PEP review")
    return _item("annual_review", due, today, pupil.upn, "; ".join(notes))


def _advice(advice: AdviceFacts, today: date, pupils: dict[str, PupilFacts],
            under_five_months: int) -> DueItem | None:
    if advice.received_on is not None:
        return None
    if advice.kind == "annual_review" and advice.due is None:
        pupil = pupils.get(advice.pupil_upn)
        meeting = pupil.review_meeting if pupil else None
        if meeting is None and pupil is not None:
            # No meeting set yet: it can be no later than the review's due date.
            meeting = next_review_due(pupil.ehcp_issued, pupil.last_review, pupil.date_of_birth,
                                      under_five_months)
        if meeting is None:
            return None  # nothing to date it by
        due = advice_due(advice.kind, advice.requested_on, None, meeting=meeting)
    else:
        due = advice_due(advice.kind, advice.requested_on, advice.due)
    what = "needs assessment" if advice.kind == "needs_assessment" else "annual review"
    when = (f"{ASKED_LATE} ({day_text(due)})" if advice_asked_late(advice.kind, advice.requested_on, due)
            else f"due {day_text(due)}")
    detail = f"advice from {advice.professional_name} for {advice.pupil_name}'s {what}, {when}"
    return _item("advice", due, today, advice.pupil_upn, detail)


def _assessment(assessment: AssessmentFacts, today: date) -> DueItem | None:
    """The next stage of a needs assessment not yet reached."""
    if assessment.final_issued_on is not None or assessment.stopped_on is not None:
        return None
    deadlines = dict(assessment_deadlines(assessment.requested_on, assessment.decision_to_assess_on,
                                          assessment.draft_issued_on))
    draft = assessment.draft_issued_on
    reached = {
        DECISION_TO_ASSESS: assessment.decision_to_assess_on is not None or draft is not None,
        # a draft is sent once the LA decides to issue
        DECISION_TO_ISSUE: assessment.decision_to_issue_on is not None or draft is not None,
        # the comments period has no end recorded: it is over once its last day has passed
        DRAFT_COMMENTS: draft is None or today > deadlines[DRAFT_COMMENTS],
        FINAL_PLAN: False,
    }
    stage = next(s for s in (DECISION_TO_ASSESS, DECISION_TO_ISSUE, DRAFT_COMMENTS, FINAL_PLAN) if not reached[s])
    due = deadlines[stage]
    since = (f"draft issued {day_text(draft)}" if stage == DRAFT_COMMENTS and draft
             else f"requested {day_text(assessment.requested_on)}")
    detail = f"{assessment.pupil_name}'s EHC needs assessment: {stage} due {day_text(due)} ({since})"
    return _item("assessment", due, today, assessment.pupil_upn, detail)


def _authorisation(auth: AuthorisationFacts, today: date) -> DueItem | None:
    if auth.last_session < today:
        return None  # completed: nothing left to decide
    detail = f"{auth.ref}: {auth.professional_name}'s sessions with {auth.pupil_name} end {day_text(auth.last_session)}"
    return _item("authorisation_ending", auth.last_session, today, auth.pupil_upn, detail)


def _paperwork(review: ReviewFacts, today: date) -> list[DueItem]:
    """The review's paperwork steps not yet done (the amendment comments period while it is open)."""
    items = []
    for step in paperwork_steps(review, today):
        if step.done_on is not None or (review.held and step.due < review.meeting):
            continue
        detail = (f"{review.pupil_name}'s review meeting on {day_text(review.meeting)}: "
                  f"{step.what} by {day_text(step.due)}")
        items.append(_item("review_paperwork", step.due, today, review.pupil_upn, detail))
    return items


def _check_items(pro: ProfessionalFacts, today: date, dbs_recheck_years: int) -> list[DueItem]:
    """A finding with a last day: not valid (lapsed or warning), or valid until a day the window may hold.
    Findings with no day at all (nothing recorded) are the checks screen's, not a deadline."""
    status = evaluate_checks(pro.checks, today, dbs_recheck_years)
    return [_item(f.check, f.due, today, pro.ext_id, f.message) for f in status.findings if f.due is not None]


def sort_key(item: DueItem) -> tuple[date, str, str, str]:
    return item.due, item.kind, item.subject, item.detail


def due_items(today: date, within_days: int | None, *, pupils: Iterable[PupilFacts] = (),
              advice: Iterable[AdviceFacts] = (), assessments: Iterable[AssessmentFacts] = (),
              authorisations: Iterable[AuthorisationFacts] = (),
              professionals: Iterable[ProfessionalFacts] = (), reviews: Iterable[ReviewFacts] = (),
              under_five_months: int = 6,
              dbs_recheck_years: int = 3, plan_dates: bool = True) -> list[DueItem]:
    """Everything due on or before ``today + within_days`` (everything when None), overdue included,
    sorted by due date, then kind, then subject. ``plan_dates`` False: an annual review's detail leaves out
    the plan's dates (when it was issued, the last review), for a reader who may not see them."""
    if within_days is not None and within_days < 0:
        raise ValueError("within_days cannot be negative")
    if under_five_months < 1:
        raise ValueError("under_five_months must be at least 1")
    pupils = tuple(pupils)
    by_upn = {p.upn: p for p in pupils}
    found: list[DueItem | None] = []
    found += (_annual_review(p, today, under_five_months, plan_dates) for p in pupils)
    found += (_advice(a, today, by_upn, under_five_months) for a in advice)
    found += (_assessment(a, today) for a in assessments)
    found += (_authorisation(a, today) for a in authorisations)
    for review in reviews:
        found += _paperwork(review, today)
    for pro in professionals:
        found += _check_items(pro, today, dbs_recheck_years)
    last = None if within_days is None else today + timedelta(days=within_days)
    items = [i for i in found if i is not None and (last is None or i.due <= last)]
    return sorted(items, key=sort_key)
