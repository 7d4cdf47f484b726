"""What of a pupil's review pack may go to whom ("Sharing and consent").

Circulating the review papers to the review's invitees is a legal duty (SEND Regulations reg. 20): they
get the whole pack, consent or not. Anyone else gets only the sections a consent in force covers for them
(given to that professional or organisation, not withdrawn on the day), and the pack says what was left
out. Consents are recorded in the family's words ("progress notes", "attendance and reports"); the words
below say which sections such a consent covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

#: the review pack's sections that carry personal data beyond the pupil's name and class, in pack order
SECTIONS = {
    "needs": "areas of need",
    "views": "the views of the child and the parents",
    "team": "the team around the child",
    "provision": "provision delivered",
    "authorisations": "independent-therapy authorisations",
    "advice": "advice and reports",
    "attendance": "attendance",
    "outcomes": "outcomes and progress",
    "budget": "the personal budget and direct payments",
    "adulthood": "preparing for adulthood",
    "amendments": "proposed amendments",
}

#: words in a consent's "what" → the sections it covers ("everything" covers them all)
_WORDS = {
    "needs": ("needs", "diagnos", "ehcp", "plan"),
    "views": ("views", "voice"),
    "team": ("team", "contacts", "professionals involved"),
    "provision": ("provision", "sessions", "therapy records", "timetable"),
    "authorisations": ("authoris", "independent therapy"),
    "advice": ("advice", "report"),
    "attendance": ("attendance",),
    "outcomes": ("outcome", "progress", "target", "programme", "strateg"),
    "budget": ("budget", "direct payment"),
    "adulthood": ("adulthood", "transition", "careers"),
    "amendments": ("amendment",),
}
_EVERYTHING = ("everything", "all information", "review pack", "whole", "annual review papers")


@dataclass(frozen=True)
class ConsentFacts:
    share_with: str  # a professional's id or an organisation's name
    what: str
    given_on: date
    withdrawn_on: date | None


def covered_sections(what: str) -> set[str]:
    """The sections a consent's words cover."""
    words = what.lower()
    if any(w in words for w in _EVERYTHING):
        return set(SECTIONS)
    return {section for section, keys in _WORDS.items() if any(k in words for k in keys)}


def allowed_sections(consents: Iterable[ConsentFacts], recipient: str, on: date) -> set[str]:
    """The sections consent allows to go to ``recipient`` (a professional's id or an organisation) on ``on``."""
    wanted = recipient.strip().lower()
    allowed: set[str] = set()
    for consent in consents:
        in_force = consent.given_on <= on and (consent.withdrawn_on is None or consent.withdrawn_on > on)
        if in_force and consent.share_with.strip().lower() == wanted:
            allowed |= covered_sections(consent.what)
    return allowed


def others_text(count: int) -> str:
    """How a shared document mentions other pupils in a group session, never by name."""
    if count <= 0:
        return ""
    return "with 1 other pupil" if count == 1 else f"with {count} other pupils"
