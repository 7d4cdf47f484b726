"""What of a pupil's review pack may go to whom ("Sharing and consent").

Circulating the review papers to the review's invitees is a legal duty (SEND Regulations reg. 20): they
get the whole pack, consent or not. Anyone else gets only the sections a consent in force ON THE DAY OF
SHARING covers for them, and the pack says what was left out and why.

A consent is data: who receives (a professional on the register, or an organisation), which of the pack's
sections (:data:`SECTIONS`), who gave it (a parent or carer with parental responsibility, or the young
person once past compulsory school age), from, until (optional) and its withdrawal. Consents recorded
before it was data (free text: "progress notes") are kept with their words, marked "to be reviewed", and
share nothing until someone turns them into a structured consent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import Problem

#: the review pack's sections a consent may cover, in pack order (key → words)
SECTIONS = {
    "views": "the views of the child and the parents",
    "team": "the team around the child",
    "provision": "provision and sessions",
    "authorisations": "independent-therapy authorisations",
    "advice": "advice and reports",
    "attendance": "attendance",
    "outcomes": "outcomes and progress",
    "budget": "the personal budget and direct payments",
    "health": "health details",
}

#: the pack's parts that carry personal data beyond the pupil's name and class → (words, the sections a
#: consent must cover for the part to be shared). Preparing for adulthood goes with outcomes; proposed
#: amendments to the plan touch needs, outcomes and provision, so they need all three.
PARTS: dict[str, tuple[str, frozenset[str]]] = {
    "health": ("health details (areas of need)", frozenset({"health"})),
    "invitees": ("who is invited to the review", frozenset({"team"})),
    "views": (SECTIONS["views"], frozenset({"views"})),
    "team": ("the team around the child (and any social worker)", frozenset({"team"})),
    "provision": (SECTIONS["provision"], frozenset({"provision"})),
    "authorisations": (SECTIONS["authorisations"], frozenset({"authorisations"})),
    "advice": (SECTIONS["advice"], frozenset({"advice"})),
    "attendance": (SECTIONS["attendance"], frozenset({"attendance"})),
    "outcomes": (SECTIONS["outcomes"], frozenset({"outcomes"})),
    "budget": (SECTIONS["budget"], frozenset({"budget"})),
    "adulthood": ("preparing for adulthood", frozenset({"outcomes"})),
    "amendments": ("proposed amendments", frozenset({"health", "outcomes", "provision"})),
}

PARENT, YOUNG_PERSON = "parent", "young_person"
GIVER_KINDS = (PARENT, YOUNG_PERSON)


@dataclass(frozen=True)
class ConsentFacts:
    """One consent as the rules need it."""

    professional: str | None  # a professional's id on the register, or None
    organisation: str | None  # an organisation's name, or None
    sections: frozenset[str] | None  # None: recorded in words before consent was data (shares nothing)
    given_on: date
    until: date | None = None
    withdrawn_on: date | None = None
    share_with: str = ""  # the words of the recipient as recorded (a free-text consent's only recipient)


@dataclass(frozen=True)
class Recipient:
    """Who a document goes to: a professional (with their organisation) or an organisation."""

    words: str  # as the document names them: "Karen Walsh (Walsh Paediatric OT)"
    professional: str | None = None
    organisation: str | None = None


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b and a.strip().casefold() == b.strip().casefold())


def names(consent: ConsentFacts, recipient: Recipient) -> bool:
    """Whether ``consent`` is to ``recipient``: the professional themself, or their organisation."""
    if consent.sections is None:  # a free-text consent names its recipient in words only
        return any(_same(consent.share_with, w) for w in (recipient.professional, recipient.organisation,
                                                           recipient.words))
    return _same(consent.professional, recipient.professional) or _same(consent.organisation, recipient.organisation)


def in_force(consent: ConsentFacts, day: date) -> bool:
    """Given on or before ``day``, not ended before it (``until`` is its last day), not withdrawn by it
    (withdrawn on ``day``: not in force that day), and structured (free text is never in force)."""
    return (consent.sections is not None and consent.given_on <= day
            and (consent.until is None or consent.until >= day)
            and (consent.withdrawn_on is None or consent.withdrawn_on > day))


def allowed_sections(consents: Iterable[ConsentFacts], recipient: Recipient, day: date) -> set[str]:
    """The sections the structured consents in force on ``day`` allow to go to ``recipient``."""
    allowed: set[str] = set()
    for consent in consents:
        if in_force(consent, day) and names(consent, recipient):
            allowed |= set(consent.sections or ())
    return allowed & set(SECTIONS)


def why_not(consents: Iterable[ConsentFacts], recipient: Recipient, section: str, day: date) -> str | None:
    """Why ``section`` may not go to ``recipient`` on ``day``, in words (None: it may)."""
    mine = [c for c in consents if names(c, recipient)]
    covering = [c for c in mine if c.sections is not None and section in c.sections]
    if any(in_force(c, day) for c in covering):
        return None
    withdrawn = sorted(c.withdrawn_on for c in covering if c.withdrawn_on is not None and c.withdrawn_on <= day)
    if withdrawn:
        return f"consent withdrawn on {_day(withdrawn[-1])}"
    ended = sorted(c.until for c in covering if c.until is not None and c.until < day)
    if ended:
        return f"consent ended on {_day(ended[-1])}"
    later = sorted(c.given_on for c in covering if c.given_on > day)
    if later:
        return f"consent only from {_day(later[0])}"
    if any(c.sections is None and c.withdrawn_on is None for c in mine):
        return "consent to be reviewed (recorded in words before consent named sections)"
    return f"no consent in force for {recipient.words} on {_day(day)}"


def left_out(consents: Iterable[ConsentFacts], recipient: Recipient, day: date,
             parts: Iterable[str] = tuple(PARTS)) -> dict[str, str]:
    """The pack's ``parts`` that may not go to ``recipient`` on ``day`` → why, in words."""
    consents = list(consents)
    out: dict[str, str] = {}
    for part in parts:
        _words, needs = PARTS[part]
        reasons = [(s, why_not(consents, recipient, s, day)) for s in SECTIONS if s in needs]
        missing = [(s, r) for s, r in reasons if r is not None]
        if not missing:
            continue
        if len(needs) == 1:
            out[part] = missing[0][1] or ""
        else:
            out[part] = (f"shared only with consent to {_and([SECTIONS[s] for s in SECTIONS if s in needs])}; "
                         + "; ".join(f"{SECTIONS[s]}: {r}" for s, r in missing))
    return out


def sections_text(sections: Iterable[str]) -> str:
    """The sections in words, in pack order: "attendance, outcomes and progress"."""
    chosen = set(sections)
    return ", ".join(words for key, words in SECTIONS.items() if key in chosen)


# --- who may give consent --------------------------------------------------------------------------
def last_friday_of_june(year: int) -> date:
    end = date(year, 6, 30)
    return end - timedelta(days=(end.weekday() - 4) % 7)


def compulsory_school_age_ends(date_of_birth: date) -> date:
    """The school leaving date: the last Friday of June of the school year (September to August) in which
    the young person turns 16. They are past compulsory school age from the day after."""
    turns_16 = date_of_birth.year + 16
    school_year_ends = turns_16 + 1 if date_of_birth.month >= 9 else turns_16
    return last_friday_of_june(school_year_ends)


def may_consent_themself(date_of_birth: date, day: date) -> bool:
    """Whether the young person gives their own consent on ``day`` (past compulsory school age)."""
    return day > compulsory_school_age_ends(date_of_birth)


def consent_problems(*, sections: Iterable[str], given_by_kind: str, given_by: str | None,
                     parents: Iterable[str], date_of_birth: date, given_on: date, until: date | None,
                     today: date) -> list[Problem]:
    """What is wrong with a consent's sections, giver and dates (the recipient is checked against the
    register by the service). ``parents``: the names of the pupil's contacts with parental responsibility."""
    problems: list[Problem] = []
    chosen = set(sections)
    if not chosen:
        problems.append(Problem("sections", "tick at least one section that may be shared"))
    unknown = sorted(chosen - set(SECTIONS))
    if unknown:
        problems.append(Problem("sections", f"{', '.join(unknown)} is not a section of the review pack"))
    if given_by_kind == YOUNG_PERSON:
        if not may_consent_themself(date_of_birth, given_on):
            problems.append(Problem("given_by", "the young person may give consent themself only once past "
                                    "compulsory school age (after "
                                    f"{_day(compulsory_school_age_ends(date_of_birth))}): choose a parent or "
                                    "carer with parental responsibility"))
    elif given_by_kind == PARENT:
        giver = (given_by or "").strip()
        if not giver:
            problems.append(Problem("given_by", "choose the parent or carer with parental responsibility who "
                                    "gave consent"))
        elif not any(_same(giver, name) for name in parents):
            problems.append(Problem("given_by", f"{giver} is not one of the pupil's contacts with "
                                    "parental responsibility: choose one, or record their parental "
                                    "responsibility on the pupil's contacts first"))
    else:
        problems.append(Problem("given_by", "say who gave consent: a parent or carer with parental "
                                "responsibility, or the young person"))
    if given_on > today:
        problems.append(Problem("given_on", "consent cannot be dated in the future: give the day it was given"))
    if until is not None and until < given_on:
        problems.append(Problem("until", "the last day of consent is before the day it was given: check the dates"))
    return problems


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def others_text(count: int) -> str:
    """How a shared document mentions other pupils in a group session, never by name."""
    if count <= 0:
        return ""
    return "with 1 other pupil" if count == 1 else f"with {count} other pupils"
