"""Visitors of every kind: the words for each kind, and what signing one in needs.

A professional is signed in by their place on the register (their safeguarding checks are the register's);
anyone else is named on the visit. A contractor or supply staff in regulated activity (unsupervised work with
the pupils, or in the school while pupils are there in a way that counts as regulated) needs their identity
checked and either an enhanced DBS certificate seen (its number and date recorded) or to be escorted all the
time they are on site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .dataset import VISITOR_KINDS
from .errors import Problem

#: each kind in words, in the order the sign-in form offers them
KIND_WORDS = {
    "parent": "Parent or carer",
    "contractor": "Contractor",
    "governor": "Governor",
    "student": "Student",
    "supply": "Supply staff",
    "professional": "Professional (on the register)",
    "other": "Other visitor",
}
assert set(KIND_WORDS) == set(VISITOR_KINDS)
#: the kinds whose DBS status matters when they are in regulated activity
DBS_KINDS = frozenset({"contractor", "supply"})
#: what the form asks for under "Organisation" for each kind
ORGANISATION_WORDS = {
    "parent": "Child at the school", "contractor": "Company", "governor": "Role on the board",
    "student": "College or university", "supply": "Agency", "other": "Organisation",
}


@dataclass(frozen=True)
class VisitorDraft:
    """What the office records when someone arrives. ``professional`` (their register id) or
    ``professional_id`` names a professional; everyone else is named by ``name``."""

    kind: str
    name: str = ""
    visiting: str = ""
    organisation: str = ""
    identity_checked: bool = False
    identity_note: str = ""
    badge: str = ""
    regulated: bool = False
    dbs_certificate: str = ""
    dbs_date: date | None = None
    escorted: bool = False
    professional: str | None = None
    professional_id: int | None = None
    purpose: str = "therapy"
    space: str | None = None
    location: str = ""
    pupil_ids: tuple[int, ...] = ()


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, kind.replace("_", " ").capitalize())


def visitor_problems(draft: VisitorDraft, today: date) -> list[Problem]:
    """Every problem with a visitor who is not a professional, each naming the field and the fix."""
    problems = []
    if draft.kind not in VISITOR_KINDS:
        return [Problem("kind", "choose who is visiting: " + ", ".join(kind_words(k).lower() for k in VISITOR_KINDS))]
    if not draft.name.strip():
        problems.append(Problem("name", "give the visitor's name, as on their identity"))
    elif len(draft.name.strip()) > 200:
        problems.append(Problem("name", "the name is longer than 200 characters: shorten it"))
    if not draft.visiting.strip():
        problems.append(Problem("visiting", "say whom they are visiting (a member of staff, a class or the office)"))
    for field, value, limit, words in (("visiting", draft.visiting, 200, "whom they visit"),
                                       ("organisation", draft.organisation, 200, "the organisation"),
                                       ("badge", draft.badge, 40, "the badge number"),
                                       ("identity_note", draft.identity_note, 200, "the identity seen"),
                                       ("dbs_certificate", draft.dbs_certificate, 40, "the certificate number")):
        if len(value.strip()) > limit:
            problems.append(Problem(field, f"{words} is longer than {limit} characters: shorten it"))
    if draft.regulated and draft.kind not in DBS_KINDS:
        problems.append(Problem("regulated", "only a contractor or supply staff is recorded as in regulated "
                                             "activity: untick it, or choose their kind"))
    if draft.regulated and draft.kind in DBS_KINDS:
        who = kind_words(draft.kind).lower()
        if not draft.identity_checked:
            problems.append(Problem("identity_checked", f"check the {who}'s identity (photo ID) before they "
                                                        "work in regulated activity"))
        certificate = draft.dbs_certificate.strip()
        if not draft.escorted and not certificate:
            problems.append(Problem("dbs_certificate", f"a {who} in regulated activity needs an enhanced DBS "
                                    "certificate seen (record its number and date) or must be escorted all the "
                                    "time: record one of them"))
        if certificate and draft.dbs_date is None:
            problems.append(Problem("dbs_date", "give the date printed on the DBS certificate seen"))
        if draft.dbs_date is not None and draft.dbs_date > today:
            problems.append(Problem("dbs_date", "the DBS certificate's date is in the future: check it"))
    return problems
