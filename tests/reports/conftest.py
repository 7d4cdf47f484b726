"""Report tests: realistic DTOs built directly, and the PDF read back with poppler's pdftotext after qpdf --check."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from fairfields_desktop.reports.template import Printing
from fairfields_desktop.services.outcomes import Outcome, Progress, Target
from fairfields_desktop.services.pupils import TeamEntry
from fairfields_desktop.services.reports import (
    AGENDA,
    PREPARING_FOR_ADULTHOOD,
    AdviceLine,
    Authorisation,
    AuthorisationsRegister,
    CheckLine,
    ChecksRegister,
    DecisionLetter,
    RegisterEntry,
    ReviewPack,
    RoomTimetable,
    TimetableEntry,
    VisitsLog,
)
from fairfields_desktop.services.sessions import ProvisionLine

SCHOOL = "Fairfields School"
ZOE_UPN = "A123456789012"
#: the other pupils of Zoë's music therapy group: never named in her pack
OTHER_PUPILS = ("Bartholomew Quigley", "Ffion Llewellyn")


def pdf_text(path: Path, layout: bool = True) -> str:
    """The PDF's text laid out as on the page (or, not ``layout``, block by block: a table cell's lines
    together), after qpdf has found its structure sound."""
    for tool in ("qpdf", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (poppler-utils and qpdf are needed by the report tests)")
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    result = subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"], capture_output=True,
                            text=True, check=True)
    return result.stdout


@pytest.fixture
def read_pdf() -> Callable[[Path], str]:
    return pdf_text


@pytest.fixture
def printing() -> Printing:
    return Printing(SCHOOL, "mokafor", datetime(2026, 11, 23, 9, 0))


def make_pack(**changes) -> ReviewPack:
    """Zoë Ćwiek's whole review pack (Year 9: preparing for adulthood is in it)."""
    karen = Authorisation(
        ref="r-014", professional="Łukasz Nowak", period="6 Jan 2027 to 24 Mar 2027, Wednesdays 13:30–14:15",
        status="approved",
        rules=(("ATTENDANCE", False, "attendance 93.4% on 20 Nov 2026 is below the school's 95.0%"),
               ("MAX_WEEKS", True, "10 school weeks (12 calendar weeks; February half term does not count)"),
               ("CHECKS", True, "Łukasz Nowak is clear on all 10 session dates")),
        decisions=((datetime(2026, 11, 18, 14, 5), "hcarter", "approved", "attendance rising since September"),),
        overrides=(("ATTENDANCE", "attendance rising since September", "hcarter", datetime(2026, 11, 18, 14, 5)),))
    values = dict(
        school=SCHOOL, pupil="Zoë Ćwiek", upn=ZOE_UPN, class_name="Willow", year_label="Year 9",
        date_of_birth=date(2012, 10, 4), ehcp_issued=date(2019, 6, 12), last_review=date(2025, 12, 10),
        review_when="14 Dec 2026 at 10:00, Meeting Room", review_on=date(2026, 12, 14), next_due=date(2026, 12, 9),
        key_worker="Jaya Patel (Teaching assistant)", audience="the review's invitees", whole=True, left_out=(),
        areas=("Communication and interaction", "Sensory and/or physical"),
        looked_after=("Leeds City Council", "Siobhán Ó Briain"),
        child_views="I like swimming and the music group. I want to use my talker at lunch.",
        parent_views="", views_included=True,
        team=(TeamEntry("nhs-slt-2", "Oğuz Yılmaz", "statutory", "speech and language therapy",
                        "NHS Community SLT", "o.yilmaz@example.nhs.uk", "sessions; advice"),
              TeamEntry("ind-physio-2", "Łukasz Nowak", "independent", "physiotherapy", "Nowak Physio",
                        "07700 900123", "independent therapy")),
        provision_since=date(2025, 12, 10), provision_until=date(2026, 11, 23),
        provision=(ProvisionLine("Oğuz Yılmaz", "statutory", "speech and language therapy", planned=12, delivered=9,
                                 not_delivered={"pupil absent": 2, "cancelled by the school": 1}, not_marked=0,
                                 largest_group=0),
                   ProvisionLine("Grace Lee", "commissioned", "music therapy", planned=30, delivered=27,
                                 not_delivered={"pupil absent": 1}, not_marked=2, largest_group=2)),
        authorisations=(karen,),
        advice=(AdviceLine("Oğuz Yılmaz", "annual review", date(2026, 10, 12), date(2026, 11, 9),
                           date(2026, 11, 12), "received 3 days late"),
                AdviceLine("Siobhán Ó Briain", "annual review", date(2026, 10, 12), date(2026, 11, 16), None,
                           "OVERDUE by 7 days")),
        attendance=((date(2026, 9, 18), 91.0), (date(2026, 10, 2), 92.5), (date(2026, 10, 16), 92.8),
                    (date(2026, 11, 6), 93.0), (date(2026, 11, 20), 93.4)),
        attendance_threshold=95.0,
        outcomes=(Outcome(1, "communication_and_interaction", "Zoë will ask for help using her talker",
                          date(2025, 12, 10),
                          "current", None, (
                              Target(11, "Uses 'help' on the talker in class without a prompt", "Oğuz Yılmaz",
                                     "nhs-slt-2", "AAC programme", "Model 'help' on the talker before each task",
                                     date(2026, 1, 12), "current", None,
                                     (Progress(date(2026, 11, 3), True, "Asked for help twice, once unprompted.",
                                               "Oğuz Yılmaz"),
                                      Progress(date(2026, 11, 10), False, "", "Oğuz Yılmaz"),
                                      Progress(date(2026, 11, 17), True, "Three unprompted requests in maths.",
                                               "Oğuz Yılmaz")), 1),), 1),
                  Outcome(2, "sensory_and_physical", "Zoë will walk between lessons with a frame", date(2025, 12, 10),
                          "current", None, (
                              Target(12, "Walks to the hall with her frame and one adult", None, None, None,
                                     "Allow five extra minutes between lessons", date(2026, 2, 2), "current", None, (),
                                     1),), 1)),
        budget=("PB-5521-0077", 3600.0, "Direct payments used for physiotherapy; family content to continue."),
        adulthood=PREPARING_FOR_ADULTHOOD,
        amendments="Add the AAC programme to section F.", amendments_included=True,
        invitees=(("Parent", "Marta Ćwiek"), ("Social worker", "Siobhán Ó Briain"),
                  ("Speech and language therapist", "Oğuz Yılmaz"), ("Class teacher", "Tom Taylor")),
        agenda=AGENDA,
    )
    values.update(changes)
    return ReviewPack(**values)


def year8(pack: ReviewPack) -> ReviewPack:
    """The same pack a year earlier in school: no preparing for adulthood, and an agenda without it."""
    return dataclasses.replace(pack, year_label="Year 8", adulthood=None,
                               agenda=tuple(a for a in AGENDA if "adulthood" not in a.lower()))


@pytest.fixture
def pack_of() -> Callable[..., ReviewPack]:
    return make_pack


@pytest.fixture
def year8_of() -> Callable[[ReviewPack], ReviewPack]:
    return year8


def make_timetable() -> RoomTimetable:
    monday = date(2026, 12, 14)
    days = tuple((date(2026, 12, 14 + i), None) for i in range(4)) + ((date(2026, 12, 18), "Christmas holiday"),)

    def at(d: int, h: int, m: int) -> datetime:
        return datetime(2026, 12, d, h, m)

    entries = {
        ("Therapy Room 1", date(2026, 12, 14)): (
            TimetableEntry(at(14, 9, 30), at(14, 10, 15), "Oğuz Yılmaz · SLT: AAC programme · pupils ZĆ", "statutory"),
            TimetableEntry(at(14, 14, 30), at(14, 15, 15), "Łukasz Nowak · Physiotherapy · pupils ZĆ", "independent")),
        ("Therapy Room 1", date(2026, 12, 16)): (
            TimetableEntry(at(16, 10, 30), at(16, 11, 15), "Karen Walsh · OT: handwriting · pupils AO",
                           "independent"),),
        ("Sensory Room", date(2026, 12, 16)): (
            TimetableEntry(at(16, 13, 30), at(16, 14, 15), "Grace Lee · Music therapy group · pupils BH DS ZĆ",
                           "commissioned"),),
        ("Hydrotherapy Pool", date(2026, 12, 17)): (
            TimetableEntry(at(17, 11, 0), at(17, 11, 45), "Tom Taylor, Jaya Patel · Oak class swimming", "school"),),
        ("Meeting Room", date(2026, 12, 15)): (
            TimetableEntry(at(15, 15, 30), at(15, 16, 30), "Siobhán Ó Briain · Annual review: Zoë Ćwiek", "school"),),
    }
    return RoomTimetable(SCHOOL, monday, days,
                         ("Hydrotherapy Pool", "Meeting Room", "Oak Classroom", "Sensory Room", "Therapy Room 1",
                          "Willow Classroom"), entries)


@pytest.fixture
def timetable_data() -> RoomTimetable:
    return make_timetable()


def make_entry(ref: str, pupil: str = "Zoë Ćwiek", professional: str = "Łukasz Nowak",
               **changes) -> RegisterEntry:
    values = dict(
        ref=ref, pupil=pupil, class_name="Willow", professional=professional, setting="in school",
        period="6 Jan 2027 to 24 Mar 2027, Wednesdays 13:30–14:15, Therapy Room 1", status="suspended",
        extends=None,
        rules=(("ATTENDANCE", False, "attendance 93.4% on 20 Nov 2026 is below the school's 95.0%"),
               ("MAX_WEEKS", True, "10 school weeks (12 calendar weeks; February half term does not count)"),
               ("SPACE", True, "Therapy Room 1 is free for all 10 sessions"),
               ("CHECKS", True, f"{professional} is clear on all 10 session dates")),
        history=((datetime(2026, 11, 18, 14, 5), "jking", "approved", "attendance rising since September", "hcarter"),
                 (datetime(2027, 1, 20, 9, 0), "hcarter", "suspended", "sessions clash with the phonics group", None),
                 (datetime(2027, 1, 27, 15, 30), "mokafor", "review meeting", "move to Wednesday afternoons", None),
                 (datetime(2027, 1, 28, 8, 45), "hcarter", "reinstated", "agreed at the review", None)),
        overrides=(("ATTENDANCE", "attendance rising since September", "jking", datetime(2026, 11, 18, 14, 5)),),
    )
    values.update(changes)
    return RegisterEntry(**values)


@pytest.fixture
def register_data() -> AuthorisationsRegister:
    return AuthorisationsRegister(
        SCHOOL, date(2026, 9, 1), date(2027, 8, 31),
        (make_entry("r-014"),
         make_entry("r-015", "Oğuz Yılmaz Jr", "Siobhán Ó Briain", status="declined", setting="off site",
                    period="8 Jan 2027 to 19 Mar 2027, Fridays 13:30–15:00", extends="r-009",
                    history=((datetime(2026, 11, 20, 11, 0), "hcarter", "declined", "attendance", None),),
                    overrides=())),
        (("jking", date(2026, 11, 16), date(2026, 11, 20), "hcarter"),))


@pytest.fixture
def register_of() -> Callable[..., RegisterEntry]:
    return make_entry


def make_letter(decision: str = "approved", **changes) -> DecisionLetter:
    values = dict(
        school=SCHOOL, to=("Marta Ćwiek", "Łukasz Ćwiek"), pupil="Zoë Ćwiek", professional="Siobhán Ó Briain",
        discipline="occupational therapy", decision=decision, decided_on=date(2026, 11, 18), decided_by="hcarter",
        period="6 Jan 2027 to 24 Mar 2027", sessions="Wednesdays 13:30–14:15 in Therapy Room 1, 10 sessions",
        reasons=(), signatory="Helen Carter")
    values.update(changes)
    return DecisionLetter(**values)


@pytest.fixture
def letter_of() -> Callable[..., DecisionLetter]:
    return make_letter


def make_checks(count: int = 5) -> ChecksRegister:
    base = (
        CheckLine("Łukasz Nowak", "Independent", "Nowak Physio",
                  "school check 2023-10-02, certificate 001512887340; barred list checked",
                  "HCPC PH77810, checked 2026-11-02", "expired 1 Nov 2026", "blocking",
                  ("insurance expired on 1 Nov 2026",
                   "DBS school check 2 Oct 2023 past the school's 3-year re-check policy "
                   "(re-check was due 2 Oct 2026)")),
        CheckLine("Siobhán Ó Briain", "Statutory", "Leeds City Council",
                  "employer's assurance 2025-01-20 from Team manager",
                  "SWE SW123456, checked 2026-09-10", "none recorded", "warning",
                  ("Social Work England register last checked 10 Sep 2025, over a year ago",)),
        CheckLine("Oğuz Yılmaz", "Statutory", "NHS Community SLT",
                  "employer's assurance 2025-09-01 from Service manager, NHS Community SLT",
                  "HCPC SL04567, checked 2026-09-05", "none recorded", "valid", ("covered by the employer",)),
        CheckLine("Zoë Ćwiek-Hart", "School-commissioned", "Harmony Music Therapy Ltd",
                  "employer's assurance 2025-01-20 from Director", "HCPC AS09876, checked 2026-09-10",
                  "expires 31 Dec 2026", "valid", ()),
    )
    extra = tuple(CheckLine(f"Visiting Therapist {i:02d}", "Independent", f"Practice {i:02d} Ltd",
                            f"school check 2025-06-30, certificate 0017342098{i:02d}; barred list checked",
                            f"HCPC OT555{i:02d}, checked 2026-10-15", "expires 30 Jun 2027", "valid",
                            ("DBS school check 30 Jun 2025, barred list checked; re-check due 30 Jun 2028",
                             f"HCPC OT555{i:02d}, register checked 15 Oct 2026", "insurance valid until 30 Jun 2027"))
                  for i in range(max(0, count - len(base))))
    return ChecksRegister(SCHOOL, date(2026, 11, 23), (base + extra)[:count])


@pytest.fixture
def checks_of() -> Callable[..., ChecksRegister]:
    return make_checks


@pytest.fixture
def visits_data() -> VisitsLog:
    return VisitsLog(
        SCHOOL, date(2026, 11, 16), date(2026, 11, 27),
        ((datetime(2026, 11, 23, 9, 20), datetime(2026, 11, 23, 10, 30), "Oğuz Yılmaz", "Statutory", "therapy",
          "Therapy Room 1", "Zoë Ćwiek"),
         (datetime(2026, 11, 24, 13, 0), None, "Siobhán Ó Briain", "Statutory", "meeting", "Meeting Room", ""),),
        ((date(2026, 11, 20), "Zoë Ćwiek", "Łukasz Nowak", datetime(2026, 11, 20, 13, 20),
          datetime(2026, 11, 20, 15, 5), "Marta Ćwiek"),
         (date(2026, 11, 27), "Dev Sharma", "Peter Quinn", datetime(2026, 11, 27, 13, 20), None, None)))
