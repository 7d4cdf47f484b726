"""The marker school: the example school plus records whose values appear nowhere else, one kind of private
fact per marker, so that a marker found on a surface says exactly what leaked and about whom.

Two marker pupils: Quillon Zarbewick in Oak (the class teacher Tom Taylor's class) and Yzolde Qorvath in
Willow (another class). Their initials, QZ and YQ, are rare enough to be searched for as words.

Most records go in through the dataset load (the services' own load path, whose format never drops a key, so
the seed survives changes to the forms). One booking's purpose names a pupil, as old data did before titles
were checked: only a load can still put it there. Session notes and budget discussions go in through the
services that record them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from fairfields_desktop.domain.school import AREA_LABELS
from fairfields_desktop.domain.upn import expected_check_letter

TODAY = date(2026, 11, 23)  # a Monday: the day the window opens on
LAST_MONDAY = date(2026, 11, 16)


def _upn(body: str) -> str:
    return expected_check_letter("A" + body) + body


OAK_UPN = _upn("991234567801")
OTHER_UPN = _upn("991234567917")
#: the public title of a booking with both marker pupils: every role that may see the booking may read it
PUBLIC_TITLE = "Glasswing listening group"
#: an outside professional who is not invited to Quillon's review (the consent-limited pack is for them)
OUTSIDER = "ind-physio-1"
CONSENT_ORGANISATION = "Thornquist Advocacy Trust"  # the Oak pupil's consent is to share with it
OTHER_CONSENT = "ind-ot-1"  # the other class's pupil's consent is to share with Karen Walsh
#: a sentence a pack must not print when people were invited
NO_ONE_INVITED = "No one has been invited yet"


@dataclass(frozen=True)
class Marker:
    category: str  # what kind of fact (see CATEGORIES)
    owner: str  # "oak": about the teacher's own class's pupil; "other": another class's; "any": no one pupil
    text: str  # what is searched for (a regular expression when ``pattern``)
    pattern: bool = False
    label: str = ""  # how a failure names a pattern ("EHCP issued 27 Feb 2018")

    def __str__(self) -> str:
        return self.label or repr(self.text)

    def found_in(self, haystack: str, folded: str) -> bool:
        if self.pattern:
            return re.search(self.text, haystack) is not None
        return self.text.casefold() in folded


def _date(day: date) -> str:
    """A date as the window, the reports and the exports write it (2018-02-27, 27/02/2018, 27 Feb 2018, 27
    February 2018, 20180227), as one pattern."""
    forms = {day.isoformat(), f"{day:%d/%m/%Y}", f"{day.day} {day:%b %Y}", f"{day.day} {day:%B %Y}",
             f"{day:%d %b %Y}", f"{day:%d %B %Y}", f"{day:%Y%m%d}"}
    return rf"(?<![0-9])({'|'.join(re.escape(f) for f in sorted(forms))})(?![0-9])"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _initials(first: str, last: str) -> str:
    """QZ, Q.Z., Q. Z. or Q Z as a word of its own (capitals only: never inside a hash or a word)."""
    return rf"(?<![A-Za-z0-9]){first}\.? ?{last}\.?(?![A-Za-z0-9])"


OAK = dict(first="Quillon", last="Zarbewick", contact="Ottoline Fenwright", phone="07700 913579",
           email="ottoline.fenwright@example.org", attendance="83.7", issued=date(2018, 2, 27),
           last_review=date(2025, 12, 9), budget_ref="PB-7781-4406", budget_amount="4,137",
           consent_what="the Halloran sensory audit", outcome="Brackenholt calm-down plan",
           target="Brackenholt feelings cards", programme="Lanternfield ELSA sessions",
           strategy="Mirrowdene timer", session_note="Zindelmark swing progress",
           budget_note="Ravensworth capacity agreed", advice="Dunwoody seating plan",
           child_views="Thistledown garden", parent_views="Quarrymoor club", budget_review="Hollowmere direct payments",
           amendments="Wyvernstoke travel training", invitee="Cassius Brindlewood", request_note="Sunnivale meeting")
OTHER = dict(first="Yzolde", last="Qorvath", contact="Benedikta Sorrowby", phone="07700 918642",
             email="b.sorrowby@example.org", attendance="81.9", issued=date(2020, 3, 17),
             last_review=date(2025, 11, 25), budget_ref="PB-6652-9083", budget_amount="2,861",
             social_worker="Wilhelmina Dravecka", consent_what="the Pemberwick communication passport",
             outcome="Coldharbour break signal", target="Fernwhistle choice board", programme="Gallowbrook sign group",
             strategy="Ashenfold visual timetable", session_note="Varrowcombe listening progress",
             budget_note="Kilnhollow hydrotherapy top-up", advice="Gallowmere hearing loop",
             child_views="Morwennan kite club", parent_views="Saltcote respite weekends",
             budget_review="Brackwater short breaks", amendments="Ombersley hearing support",
             invitee="Peregrine Ashcombe", request_note="Tallowmere review")


def _markers_of(owner: str, p: dict) -> list[Marker]:
    def m(category: str, *texts: str) -> list[Marker]:
        return [Marker(category, owner, t) for t in texts]

    upn = OAK_UPN if owner == "oak" else OTHER_UPN
    found = [
        *m("name", p["first"], p["last"]),
        Marker("initials", owner, _initials(p["first"][0], p["last"][0]), pattern=True,
               label=f"initials {p['first'][0]}{p['last'][0]}"),
        *m("upn", upn),
        *m("contacts", p["contact"], p["phone"], p["email"]),
        Marker("attendance", owner, rf"(?<![0-9.]){re.escape(p['attendance'])}(?![0-9])", pattern=True,
               label=f"attendance {p['attendance']}%"),
        *m("ehcp", p["budget_ref"], p["budget_note"]),
        Marker("ehcp", owner, _date(p["issued"]), pattern=True, label=f"EHCP issued {_day(p['issued'])}"),
        Marker("ehcp", owner, _date(p["last_review"]), pattern=True,
               label=f"EHCP last reviewed {_day(p['last_review'])}"),
        Marker("ehcp", owner, rf"(?<![0-9.,]){p['budget_amount'].replace(',', ',?')}(?![0-9])", pattern=True,
               label=f"personal budget £{p['budget_amount']}"),
        *m("outcomes", p["outcome"], p["target"], p["programme"], p["strategy"]),
        *m("notes", p["session_note"], p["request_note"]),
        *m("advice", p["advice"]),
        *m("review", p["child_views"], p["parent_views"], p["budget_review"], p["amendments"], p["invitee"]),
        *m("consent", p["consent_what"]),
    ]
    if "social_worker" in p:
        found += m("looked_after", p["social_worker"])
    return found


#: every marker: the Oak pupil's, the other class's pupil's, and the areas of need (an enum: its labels anywhere,
#: a ticked box "[x] label" included, but not an empty form's unticked box "[ ] label"; for any pupil)
MARKERS: tuple[Marker, ...] = (
    *_markers_of("oak", OAK),
    *_markers_of("other", OTHER),
    Marker("consent", "oak", CONSENT_ORGANISATION),
    *(Marker("needs", "any", rf"(?<!\[ \] ){re.escape(label)}", pattern=True, label=f"need {label!r}")
      for label in AREA_LABELS.values()),
)


def _pupil(upn: str, p: dict, class_name: str, born: date, year: int, areas: list[str], **more) -> dict:
    return {
        "upn": upn, "first_name": p["first"], "last_name": p["last"], "date_of_birth": born.isoformat(),
        "year_group": year, "class": class_name,
        "attendance": {"percent": float(p["attendance"]), "as_of": "2026-11-20"},
        "ehcp": {"issued": p["issued"].isoformat(), "last_review": p["last_review"].isoformat(),
                 "personal_budget": {"reference": p["budget_ref"],
                                     "annual_amount_gbp": int(p["budget_amount"].replace(",", ""))}},
        "areas_of_need": areas,
        "contacts": [{"name": p["contact"], "relationship": more.pop("relationship", "mother"),
                      "parental_responsibility": True, "phone": p["phone"], "email": p["email"]}],
        **more,
    }


def _booking(ident: str, space: str, day: date, start: str, end: str, professional: str | None, pupils: list[str],
             purpose: str, staff: list[str] | None = None) -> dict:
    return {"id": ident, "space": space, "start": f"{day.isoformat()}T{start}", "end": f"{day.isoformat()}T{end}",
            "professional": professional, "staff": staff or [], "pupils": pupils, "purpose": purpose,
            "repeat_weekly_until": None, "status": "booked"}


def _review(upn: str, p: dict, on: date, invitees: list[dict]) -> dict:
    return {"pupil": upn, "meeting_on": on.isoformat(), "meeting_at": "10:00", "place": "Meeting Room",
            "status": "planned", "cancelled_reason": None, "invitations_sent_on": "2026-11-05",
            "child_views": f"I like the {p['child_views']}.", "parent_views": f"We hope for the {p['parent_views']}.",
            "budget_review": f"{p['budget_review']} to continue.", "proposed_amendments": f"Add {p['amendments']}.",
            "invitees": invitees}


def _outcome(upn: str, p: dict, area: str) -> dict:
    return {"pupil": upn, "area": area, "text": f"Will use the {p['outcome']} in three lessons a day",
            "set_on": "2026-01-12", "status": "current", "ended_on": None,
            "targets": [{"text": f"Chooses from the {p['target']}", "professional": "nhs-slt-1",
                         "programme": p["programme"], "strategy": f"Offer the {p['strategy']} before each change",
                         "set_on": "2026-01-12", "status": "current", "ended_on": None}]}


def marker_document(doc: dict) -> dict:
    """``doc`` (the example school) with the marker records added."""
    doc["pupils"] += [
        _pupil(OAK_UPN, OAK, "Oak", date(2014, 5, 6), 8, ["social_emotional_and_mental_health",
                                                          "cognition_and_learning"],
               looked_after=None, key_worker={"staff": "ttaylor"},
               consent=[{"share_with": CONSENT_ORGANISATION, "what": OAK["consent_what"],
                         "given_by": f"{OAK['contact']} (mother)", "on": "2026-10-01", "withdrawn_on": None}]),
        _pupil(OTHER_UPN, OTHER, "Willow", date(2015, 2, 14), 7, ["communication_and_interaction"],
               relationship="aunt",
               looked_after={"local_authority": "Rutland County Council", "social_worker": OTHER["social_worker"]},
               key_worker={"staff": "lwhite"},
               consent=[{"share_with": OTHER_CONSENT, "what": OTHER["consent_what"],
                         "given_by": "Rutland County Council", "on": "2026-09-15", "withdrawn_on": None}]),
    ]
    doc["bookings"] += [
        # both marker pupils together: the teacher may see the booking, and their own pupil in it
        _booking("b-101", "Therapy Room 1", TODAY, "13:00", "13:45", "nhs-slt-1", [OAK_UPN, OTHER_UPN],
                 PUBLIC_TITLE),
        # a purpose naming a pupil, as the old data had it (the service now refuses such a title; a load keeps it)
        _booking("b-102", "Meeting Room", TODAY, "10:30", "11:15", None, [OTHER_UPN],
                 f"Annual review: {OTHER['first']} {OTHER['last']}", staff=["lwhite"]),
        _booking("b-103", "Sensory Room", TODAY, "14:00", "14:45", "music-1", [OTHER_UPN], "Music therapy"),
        # last week's sessions, marked with progress notes
        _booking("b-104", "Therapy Room 1", LAST_MONDAY, "09:30", "10:15", "nhs-slt-1", [OAK_UPN], "SLT session"),
        _booking("b-105", "Therapy Room 1", LAST_MONDAY, "11:00", "11:45", "music-1", [OTHER_UPN], "Music therapy"),
    ]
    doc["requests"] += [
        {"id": "r-101", "pupil": OAK_UPN, "professional": "ind-ot-1", "setting": "in_school",
         "first_session": "2027-01-05", "last_session": "2027-03-02", "weekday": "tuesday", "start_time": "13:30",
         "end_time": "14:15", "ehcp_team_approval": {"on": "2026-11-02", "reference": "EHCP-TEAM-2026-301"},
         "personal_budget_linked": True, "classroom_sessions_agreed": True, "space": "Sensory Room",
         "class_staff": "jpatel", "extends": None, "status": "submitted",
         "history": [{"at": "2026-11-10T09:00", "by": "mokafor", "action": "submitted",
                      "reason": f"After the {OAK['request_note']}"}]},
        {"id": "r-102", "pupil": OTHER_UPN, "professional": "ind-physio-1", "setting": "in_school",
         "first_session": "2027-01-06", "last_session": "2027-03-03", "weekday": "wednesday", "start_time": "13:30",
         "end_time": "14:15", "ehcp_team_approval": {"on": "2026-11-02", "reference": "EHCP-TEAM-2026-302"},
         "personal_budget_linked": True, "classroom_sessions_agreed": True, "space": "Sensory Room",
         "class_staff": "dking", "extends": None, "status": "submitted",
         "history": [{"at": "2026-11-10T09:30", "by": "mokafor", "action": "submitted",
                      "reason": f"After the {OTHER['request_note']}"}]},
    ]
    doc["advice_requests"] += [
        {"pupil": OAK_UPN, "professional": "nhs-slt-1", "kind": "annual_review", "requested_on": "2026-11-02",
         "due": "2026-11-26", "received_on": None, "purpose": f"Advice on the {OAK['advice']}"},
        {"pupil": OTHER_UPN, "professional": "music-1", "kind": "annual_review", "requested_on": "2026-11-02",
         "due": "2026-11-30", "received_on": None, "purpose": f"Advice on the {OTHER['advice']}"},
    ]
    doc["annual_reviews"] = doc.get("annual_reviews", []) + [
        _review(OAK_UPN, OAK, date(2026, 12, 10), [
            {"role": "parent", "name": OAK["contact"], "professional": None, "removed_on": None},
            {"role": "professional", "name": "Rachel Green", "professional": "nhs-slt-1", "removed_on": None},
            {"role": "class_teacher", "name": "Tom Taylor", "professional": None, "removed_on": None},
            {"role": "other", "name": OAK["invitee"], "professional": None, "removed_on": None}]),
        _review(OTHER_UPN, OTHER, date(2026, 12, 14), [
            {"role": "social_worker", "name": OTHER["social_worker"], "professional": None, "removed_on": None},
            {"role": "other", "name": OTHER["invitee"], "professional": None, "removed_on": None}]),
    ]
    doc["outcomes"] = doc.get("outcomes", []) + [
        _outcome(OAK_UPN, OAK, "social_emotional_and_mental_health"),
        _outcome(OTHER_UPN, OTHER, "communication_and_interaction"),
    ]
    return doc


def add_through_services(services, head) -> None:
    """The records the services write: last week's sessions marked with notes, the budget discussions."""
    blocks = services.bookings.bookings_between(head, LAST_MONDAY, LAST_MONDAY)
    for ref, p in (("b-104", OAK), ("b-105", OTHER)):
        [block] = [b for b in blocks if b.booking_ref == ref]
        services.sessions.mark(head, block.occurrence_id, True, note=f"{p['session_note']} this week")
    for upn, p in ((OAK_UPN, OAK), (OTHER_UPN, OTHER)):
        pupil_id = services.pupils.id_of(head, upn)
        services.pupils.record_budget_discussion(head, pupil_id, date(2026, 11, 12), ehcp_officer="the LA's officer",
                                                 capacity_agreed=True, already_provided=False,
                                                 notes=f"{p['budget_note']} for the spring")


def now() -> datetime:
    return datetime.combine(TODAY, datetime.min.time())
