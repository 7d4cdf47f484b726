#!/usr/bin/env python3
"""Generate the Fairfields demo school (``demo-school.json``, format ``fairfields-school/1``).

Run as ``python resources/make_demo_school.py``.  The script is deterministic: it loads
``../tests/data/example-school.json`` (relative to this file), keeps every record of it
unchanged, adds a fuller demo school around it (about 40 pupils in 6 classes, 15
professionals, 14 spaces, bookings, requests, advice requests, assessments, three annual review
meetings and the EHCP outcomes and targets of eight pupils), checks the
result thoroughly (references, UPN check letters, year groups, booking overlaps with weekly
repetition, request rules) and writes ``demo-school.json`` next to itself.

Standard library only.  "Today" for the demo is fixed at 2026-11-23 (a Monday); the
script never looks at the real date.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "tests" / "data" / "example-school.json"
OUTPUT = HERE / "demo-school.json"

DEMO_TODAY = dt.date(2026, 11, 23)
ACADEMIC_YEAR_START = 2026  # academic year 2026-27
ATTENDANCE_AS_OF = "2026-11-20"

UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # A=0 ... Z=22 (no I, O, S)
LA_CODE = "319"
ESTABLISHMENT = "7001"

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
AREAS = {
    "CI": "communication_and_interaction",
    "CL": "cognition_and_learning",
    "SEMH": "social_emotional_and_mental_health",
    "SP": "sensory_and_physical",
}


# --------------------------------------------------------------------------- helpers


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def hm(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def upn_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else UPN_ALPHABET.index(ch)


def upn_check_letter(body: str) -> str:
    """Check letter for the 12 characters at positions 2..13 (weights 2..13)."""
    assert len(body) == 12, body
    total = sum(upn_value(ch) * weight for weight, ch in enumerate(body, start=2))
    return UPN_ALPHABET[total % 23]


def upn_is_valid(upn: str) -> bool:
    if len(upn) != 13 or upn[0] not in UPN_ALPHABET or not upn[1:12].isdigit():
        return False
    if not (upn[12].isdigit() or upn[12] in UPN_ALPHABET):
        return False
    return upn[0] == upn_check_letter(upn[1:])


def make_upn(year_allocated: int, serial: int, temporary_letter: str | None = None) -> str:
    if temporary_letter is None:
        tail = f"{serial:03d}"
    else:
        assert temporary_letter in UPN_ALPHABET
        tail = f"{serial:02d}{temporary_letter}"
    body = f"{LA_CODE}{ESTABLISHMENT}{year_allocated % 100:02d}{tail}"
    upn = upn_check_letter(body) + body
    assert upn_is_valid(upn), upn
    return upn


def year_group_for(dob: dt.date) -> int:
    """English school year in academic year 2026-27 (Reception = 0, Nursery = -1)."""
    cohort = dob.year if dob.month >= 9 else dob.year - 1  # year the 1 Sep..31 Aug span starts
    return (ACADEMIC_YEAR_START - 5) - cohort


def age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def ascii_slug(text: str) -> str:
    text = text.translate(str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "ø": "o", "ß": "ss"}))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch in ".-")


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year = day.year + month0 // 12
    month = month0 % 12 + 1
    for dd in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, dd)
        except ValueError:
            continue
    raise AssertionError


# --------------------------------------------------------------------------- the data

data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
original = copy.deepcopy(data)

# the letterhead of letters to families (a fictional address; 0113 496 0xxx is Ofcom's range for drama)
data["settings"]["address"] = "Fairfields Lane\nHeadingley\nLeeds\nLS6 9ZZ"
data["settings"]["telephone"] = "0113 496 0000"

# ----- staff and classes ------------------------------------------------------------

NEW_CLASSES = [
    # class, (teacher id, name), (teaching assistant id, name)
    ("Ash", ("akhan", "Aisha Khan"), ("rjones", "Rhys Jones")),
    ("Birch", ("nbrennan", "Niamh Brennan"), ("kadeyemi", "Kemi Adeyemi")),
    ("Cedar", ("gmorris", "George Morris"), ("pwozniak", "Paulina Woźniak")),
    ("Rowan", ("eevans", "Emily Evans"), ("scampbell", "Shona Campbell")),
]
for cls, (t_id, t_name), (ta_id, ta_name) in NEW_CLASSES:
    data["staff"].append({"id": t_id, "name": t_name, "role": "Class teacher", "class": cls})
    data["staff"].append({"id": ta_id, "name": ta_name, "role": "Teaching assistant", "class": cls})
    data["classes"].append({"name": cls, "room": f"{cls} Classroom"})

# ----- spaces -------------------------------------------------------------------------

for name, kind, capacity in [
    ("Therapy Room 2", "therapy_room", 3),
    ("Soft Play", "soft_play", 6),
    ("Small Group Room", "group_room", 6),
    ("Library", "library", 8),
]:
    data["spaces"].append({"name": name, "kind": kind, "capacity": capacity})
for cls, _, _ in NEW_CLASSES:
    data["spaces"].append({"name": f"{cls} Classroom", "kind": "classroom", "capacity": 10})

# ----- professionals -------------------------------------------------------------------


def employer_dbs(date: str, given_by: str) -> dict:
    return {
        "type": "employer_assurance",
        "date": date,
        "given_by": given_by,
        "certificate": None,
        "barred_list": True,
        "update_service": False,
    }


def school_dbs(date: str, certificate: str, barred_list: bool = True, update_service: bool = True) -> dict:
    assert len(certificate) == 12 and certificate.isdigit()
    return {
        "type": "school_check",
        "date": date,
        "given_by": None,
        "certificate": certificate,
        "barred_list": barred_list,
        "update_service": update_service,
    }


def reg(body: str, number: str, checked_on: str) -> dict:
    return {"body": body, "number": number, "checked_on": checked_on}


def professional(pid, name, discipline, kind, organisation, email, phone, dbs, registration, insurance):
    return {
        "id": pid,
        "name": name,
        "discipline": discipline,
        "kind": kind,
        "organisation": organisation,
        "email": email,
        "phone": phone,
        "checks": {"dbs": dbs, "registration": registration, "insurance_expires": insurance},
    }


data["professionals"] += [
    # statutory
    professional(
        "nhs-ot-1", "Bethan Rees", "occupational_therapy", "statutory",
        "NHS Wheelchair and Seating Service", "b.rees@example.nhs.uk", "020 7946 0231",
        employer_dbs("2024-04-08", "Service lead, NHS Wheelchair and Seating Service"),
        reg("HCPC", "OT61234", "2026-04-10"), None,
    ),
    professional(
        "nhs-nurse-1", "Joyce Mensah", "school_nursing", "statutory",
        "Sutton Health and Care School Nursing", "j.mensah@example.nhs.uk", "020 7946 0347",
        employer_dbs("2025-03-03", "School nursing team manager, Sutton Health and Care"),
        reg("NMC", "09A4471E", "2026-09-01"), None,
    ),
    professional(
        "vi-1", "Andrew Collins", "visual_impairment_teaching", "statutory",
        "Sutton Sensory Impairment Service", "a.collins@example.gov.uk", "020 7946 0458",
        employer_dbs("2024-09-02", "Head of Sutton Sensory Impairment Service"),
        reg("TRA", "9812345", "2026-09-14"), None,
    ),
    professional(
        "hi-1", "Meera Joshi", "hearing_impairment_teaching", "statutory",
        "Sutton Sensory Impairment Service", "m.joshi@example.gov.uk", "020 7946 0459",
        employer_dbs("2025-09-01", "Head of Sutton Sensory Impairment Service"),
        reg("TRA", "0412876", "2026-09-14"), None,
    ),
    # commissioned
    professional(
        "comm-ot-1", "Ngozi Eze", "occupational_therapy", "commissioned",
        "Sensory Steps OT Services", "ngozi@example.co.uk", "07700 900905",
        employer_dbs("2024-09-01", "Clinical director, Sensory Steps OT Services"),
        reg("HCPC", "OT70112", "2025-09-30"),  # warning: registration checked over a year ago
        "2027-03-31",
    ),
    professional(
        "comm-slt-1", "Daniel Frost", "speech_and_language_therapy", "commissioned",
        "Talk Together SLT Ltd", "daniel@example.co.uk", "07700 900906",
        None,  # blocking: no DBS assurance received
        reg("HCPC", "SL08815", "2026-09-01"),
        "2027-04-30",
    ),
    # independent
    professional(
        "ind-slt-1", "Fiona McLeod", "speech_and_language_therapy", "independent",
        "McLeod Speech Therapy", "fiona@example.co.uk", "07700 900903",
        school_dbs("2026-08-20", "001845512096"),
        reg("HCPC", "SL09342", "2026-08-20"),
        "2027-07-31",
    ),
    professional(
        "ind-art-1", "Joanna Pike", "art_therapy", "independent",
        "Open Canvas Art Therapy", "joanna@example.co.uk", "07700 900904",
        school_dbs("2025-02-11", "001622093457"),
        reg("HCPC", "AS12034", "2026-02-11"),
        "2026-12-10",  # warning: insurance expires within 30 days
    ),
    professional(
        "ind-ot-2", "Stephen Doyle", "occupational_therapy", "independent",
        "Doyle Sensory OT", "stephen@example.co.uk", "07700 900907",
        school_dbs("2026-10-05", "001903318274", barred_list=False, update_service=False),  # blocking
        reg("HCPC", "OT80456", "2026-10-05"),
        "2027-03-31",
    ),
    professional(
        "ind-physio-2", "Laura Bishop", "physiotherapy", "independent",
        "Bishop Paediatric Physio", "laura@example.co.uk", "07700 900908",
        school_dbs("2024-05-14", "001688240915"),
        reg("HCPC", "PH90321", "2026-05-14"),
        "2026-10-31",  # blocking: insurance expired
    ),
]

# ----- pupils -------------------------------------------------------------------------

PB = lambda reference, amount: {"reference": reference, "annual_amount_gbp": amount}  # noqa: E731

# key, first, last, dob, class, attendance, ehcp (issued, last_review, budget) or None,
# areas, contacts [(name, relationship, parental_responsibility, has_email)],
# looked_after (la, social worker) or None, key worker ("staff"|"professional", id) or None,
# consent [(share_with, what, given_by, on, withdrawn_on[, sections])]: with sections, consent as data given by a
# parent; without, words recorded before consent was data ("to be reviewed", sharing nothing until reviewed)
PUPILS = [
    # Rowan: Nursery, Reception, Key Stage 1
    ("freddie", "Freddie", "Clarke", "2022-12-14", "Rowan", 88.4, None, ["CI"],
     [("Hannah Clarke", "mother", True, True), ("James Clarke", "father", True, False)],
     None, None, []),
    ("zoe", "Zoë", "Martin", "2022-02-09", "Rowan", 92.7,
     ("2026-01-12", "2026-06-17", None), ["SP", "CI"],
     [("Laura Martin", "mother", True, True)],
     None, ("professional", "nhs-ot-1"),
     [("nhs-ot-1", "seating and posture assessments", "Laura Martin (mother)", "2026-02-02", None, ["advice", "health"])]),
    ("yusuf", "Yusuf", "Ali", "2021-10-02", "Rowan", 96.1, None, ["CI", "CL"],
     [("Samira Ali", "mother", True, True), ("Imran Ali", "father", True, True)],
     None, ("staff", "eevans"), []),
    ("isla", "Isla", "Robertson", "2021-03-22", "Rowan", 97.8,
     ("2025-07-01", "2026-05-20", PB("PB-3190-0718", 1800)), ["SP"],
     [("Fiona Robertson", "mother", True, True)],
     None, ("staff", "scampbell"), []),
    ("kai", "Kai", "Thompson", "2020-11-30", "Rowan", 89.2,
     ("2024-12-02", "2025-11-18", None), ["SEMH", "CL"],
     [("Sandra Whitfield", "foster carer", False, True)],
     ("London Borough of Croydon", "Tom Fielding"), ("staff", "eevans"),
     [("Croydon Virtual School", "personal education plan and attendance",
       "Tom Fielding (social worker, London Borough of Croydon)", "2026-09-15", None)]),
    ("maya", "Maya", "Lewis", "2019-12-05", "Rowan", 98.4,
     ("2024-03-11", "2026-03-09", None), ["CI"],
     [("Rebecca Lewis", "mother", True, True), ("Owen Lewis", "father", True, False)],
     None, ("staff", "scampbell"), []),
    ("teddy", "Teddy", "O'Brien", "2020-06-14", "Rowan", 94.6,
     ("2024-10-21", "2026-02-02", None), ["SP", "CL"],
     [("Ciara O'Brien", "mother", True, True)],
     None, ("staff", "eevans"),
     [("ind-physio-1", "physiotherapy reports", "Ciara O'Brien (mother)", "2026-09-03", None, ["advice"])]),
    # Willow: Years 3-5 (Dev Sharma, Year 5, is in the example)
    ("ruby", "Ruby", "Walker", "2018-10-27", "Willow", 99.1,
     ("2022-11-14", "2026-10-12", None), ["CI"],
     [("Gemma Walker", "mother", True, True)],
     None, ("staff", "lwhite"), []),
    ("nikolai", "Nikolai", "Petrov", "2019-05-03", "Willow", 85.3, None, ["CI", "SEMH"],
     [("Elena Petrova", "mother", True, True)],
     None, ("staff", "dking"), []),
    ("siobhan", "Siobhán", "Murphy", "2017-12-19", "Willow", 96.5,
     ("2022-05-09", "2026-05-11", PB("PB-3190-0755", 2700)), ["CI"],
     [("Niamh Murphy", "mother", True, True), ("Conor Murphy", "father", True, True)],
     None, ("staff", "lwhite"),
     [("ind-slt-1", "therapy reports and targets", "Niamh Murphy (mother)", "2026-10-15", None, ["advice", "outcomes"])]),
    ("harvey", "Harvey", "Scott", "2018-07-30", "Willow", 93.9,
     ("2023-01-16", "2026-01-26", None), ["CL", "SP"],
     [("Kelly Scott", "mother", True, False)],
     None, ("staff", "dking"), []),
    ("aaliyah", "Aaliyah", "Begum", "2017-02-11", "Willow", 97.0,
     ("2021-09-20", "2026-09-21", None), ["CI", "SP"],
     [("Rukhsana Begum", "mother", True, True), ("Abdul Karim", "father", True, False)],
     None, ("staff", "lwhite"), []),
    # Birch: Year 6 (phase transfer to secondary)
    ("lukasz", "Łukasz", "Kowalski", "2015-11-04", "Birch", 95.8,
     ("2020-03-02", "2025-12-08", None), ["SP", "CI"],
     [("Magdalena Kowalska", "mother", True, True), ("Piotr Kowalski", "father", True, True)],
     None, ("staff", "nbrennan"),
     [("vi-1", "vision reports and classroom advice", "Magdalena Kowalska (mother)", "2025-09-18", None,
      ["advice", "health"])]),
    ("ella", "Ella", "Johnson", "2016-01-23", "Birch", 93.8,
     ("2021-06-07", "2026-06-08", PB("PB-3190-0802", 4200)), ["SP"],
     [("Victoria Johnson", "mother", True, True)],
     None, ("staff", "kadeyemi"),
     [("ind-ot-1", "OT reports and session notes", "Victoria Johnson (mother)", "2026-09-08", None,
      ["advice", "provision"])]),
    ("jayden", "Jayden", "Reid", "2016-05-09", "Birch", 90.2,
     ("2020-11-30", "2026-02-23", None), ["SEMH", "CL"],
     [("Tanya Reid", "mother", True, True), ("Marcus Reid", "father", True, False)],
     None, ("staff", "nbrennan"), []),
    ("sofia", "Sofia", "Rossi", "2015-09-17", "Birch", 97.4,
     ("2019-12-16", "2025-11-30", None), ["CI", "CL"],
     [("Giulia Rossi", "mother", True, True)],
     None, ("professional", "nhs-slt-1"), []),
    ("mohammed", "Mohammed", "Hussain", "2016-08-28", "Birch", 96.9,
     ("2021-01-25", "2026-03-16", None), ["SP"],
     [("Shazia Hussain", "mother", True, True), ("Tariq Hussain", "father", True, True)],
     None, ("professional", "nhs-physio-1"),
     [("ind-physio-2", "physiotherapy reports", "Shazia Hussain (mother)", "2026-09-07", None, ["advice"])]),
    ("lily", "Lily", "Cooper", "2016-03-02", "Birch", 98.0,
     ("2020-07-13", "2026-07-06", None), ["CL"],
     [("Amy Cooper", "mother", True, False)],
     None, ("staff", "kadeyemi"), []),
    # Oak: Key Stage 3 (Amara, Ben and Chloe are in the example)
    ("noah", "Noah", "Fletcher", "2014-10-15", "Oak", 94.1,
     ("2019-06-24", "2026-06-29", None), ["CI"],
     [("Sarah Fletcher", "mother", True, True)],
     None, ("staff", "jpatel"), []),
    ("hannah", "Hannah", "Price", "2014-06-06", "Oak", 99.3,
     ("2018-09-10", "2026-09-14", None), ["CL", "CI"],
     [("Joanne Price", "mother", True, True), ("Gareth Price", "father", True, True)],
     None, ("staff", "ttaylor"), []),
    ("oguz", "Oğuz", "Yılmaz", "2012-11-21", "Oak", 91.0,
     ("2018-02-05", "2025-12-15", PB("PB-3190-0587", 3100)), ["CI", "SEMH"],
     [("Ayşe Yılmaz", "mother", True, True), ("Mehmet Yılmaz", "father", True, False)],
     None, ("staff", "jpatel"),
     [("Sutton CAMHS", "mental health assessments", "Ayşe Yılmaz (mother)", "2025-03-10", "2026-10-02"),
      ("ind-slt-1", "speech and language reports", "Ayşe Yılmaz (mother)", "2026-11-10", None, ["advice"])]),
    ("elliemae", "Ellie-Mae", "Turner", "2013-04-30", "Oak", 96.2,
     ("2017-11-20", "2026-04-27", None), ["CL", "SEMH"],
     [("Kerry Turner", "grandmother", True, True)],
     None, ("staff", "ttaylor"), []),
    # Ash: Key Stage 4
    ("callum", "Callum", "Ward", "2011-12-01", "Ash", 87.5,
     ("2016-09-12", "2026-01-19", None), ["SEMH"],
     [("Lorraine Baxter", "foster carer", False, True), ("Donna Ward", "mother", True, False)],
     ("Surrey County Council", "Bernadette Okoye"), ("staff", "rjones"),
     [("Surrey Virtual School", "personal education plan",
       "Bernadette Okoye (social worker, Surrey County Council)", "2026-09-22", None)]),
    ("anika", "Anika", "Desai", "2012-04-16", "Ash", 97.6,
     ("2017-05-15", "2026-05-18", PB("PB-3190-0634", 2200)), ["CI", "SEMH"],
     [("Rekha Desai", "mother", True, True), ("Sanjay Desai", "father", True, True)],
     None, ("staff", "akhan"), []),
    ("tyler", "Tyler", "Bennett", "2010-09-25", "Ash", 92.3,
     ("2015-10-05", "2025-10-08", None), ["SP", "CL"],
     [("Michelle Bennett", "mother", True, True)],
     None, ("professional", "nhs-nurse-1"),
     [("nhs-nurse-1", "epilepsy care plan", "Michelle Bennett (mother)", "2026-09-04", None)]),
    ("grace", "Grace", "Okoro", "2011-02-14", "Ash", 98.7,
     ("2015-06-22", "2025-12-01", None), ["SEMH", "CL"],
     [("Chioma Okoro", "mother", True, True), ("Emeka Okoro", "father", True, True)],
     None, ("staff", "akhan"),
     [("ind-art-1", "art therapy session notes", "Chioma Okoro (mother)", "2026-10-01", None)]),
    ("jamie", "Jamie", "Stewart", "2011-06-08", "Ash", 95.4,
     ("2016-01-11", "2026-02-09", None), ["CI"],
     [("Alison Stewart", "mother", True, True)],
     None, ("staff", "rjones"), []),
    ("leon", "Leon", "Fischer", "2010-12-12", "Ash", 96.0,
     ("2015-03-02", "2026-03-02", None), ["SP", "CI"],
     [("Katrin Fischer", "mother", True, True), ("Tom Fischer", "father", True, True)],
     None, ("professional", "hi-1"), []),
    ("megan", "Megan", "Hall", "2011-08-20", "Ash", 94.9,
     ("2016-07-04", "2026-07-13", None), ["CL", "SEMH"],
     [("Lisa Hall", "mother", True, False)],
     None, ("staff", "akhan"), []),
    # Cedar: post-16
    ("ethan", "Ethan", "Marsh", "2009-10-10", "Cedar", 96.3,
     ("2014-11-03", "2026-10-19", None), ["CL"],
     [("Julie Marsh", "mother", True, True)],
     None, ("staff", "pwozniak"), []),
    ("amelia", "Amelia", "Wright", "2010-03-18", "Cedar", 95.1,
     ("2015-02-09", "2026-02-16", None), ["CI", "CL"],
     [("Paula Wright", "mother", True, True), ("Steven Wright", "father", True, False)],
     None, ("staff", "gmorris"), []),
    ("rhian", "Rhian", "Morgan", "2010-07-01", "Cedar", 97.2,
     ("2014-09-29", "2026-09-28", None), ["SP"],
     [("Carys Morgan", "mother", True, True)],
     None, ("professional", "vi-1"),
     [("vi-1", "mobility and vision reports", "Carys Morgan (mother)", "2026-09-10", None)]),
    ("samuel", "Samuel", "Boateng", "2008-11-29", "Cedar", 93.0,
     ("2013-05-20", "2026-04-20", PB("PB-3190-0349", 5000)), ["SP", "CL"],
     [("Akosua Boateng", "mother", True, True), ("Kwame Boateng", "father", True, True)],
     None, ("staff", "gmorris"), []),
    ("chantelle", "Chantelle", "Edwards", "2009-01-31", "Cedar", 81.6,
     ("2014-01-27", "2026-01-12", None), ["SEMH"],
     [("Denise Edwards", "grandmother", True, True)],
     None, ("staff", "pwozniak"), []),
    ("josh", "Josh", "Parry", "2009-06-22", "Cedar", 98.2,
     ("2014-04-28", "2026-06-15", None), ["CL", "CI"],
     [("Sian Parry", "mother", True, True)],
     None, ("staff", "gmorris"), []),
    ("aoife", "Aoife", "Gallagher", "2008-09-03", "Cedar", 90.8,
     ("2013-10-14", "2025-09-15", None), ["CI", "SP"],
     [("Mairéad Gallagher", "mother", True, True)],
     None, None, []),
]

# Pupils in the example, by key, so the new records can refer to them.
UPN = {
    "amara": "Z319700118114",
    "ben": "X319700119023",
    "chloe": "X319700117077",
    "dev": "X319700121005",
}
TEMPORARY_UPN_PUPIL = "nikolai"  # arrived from abroad in 2026: temporary UPN until the permanent one comes

used_phones = set()


def collect_phones(obj):
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "phone" and isinstance(value, str):
                used_phones.add(value)
            else:
                collect_phones(value)
    elif isinstance(obj, list):
        for value in obj:
            collect_phones(value)


collect_phones(data)
_phone_counter = [100]


def next_phone() -> str:
    while True:
        phone = f"07700 900{_phone_counter[0]:03d}"
        _phone_counter[0] += 1
        if phone not in used_phones:
            used_phones.add(phone)
            return phone


serials: dict[int, int] = {}
def _consent(share_with, what, given_by, on, withdrawn_on, sections=None) -> dict:
    consent = {"share_with": share_with, "what": what, "given_by": given_by, "on": on, "withdrawn_on": withdrawn_on}
    if sections is not None:
        consent.update(sections=sections, given_by_kind="parent")
    return consent


for index, spec in enumerate(PUPILS):
    (key, first, last, dob, cls, percent, ehcp, areas, contacts, lac, kw, consent) = spec
    dob_date = d(dob)
    year_group = year_group_for(dob_date)
    year_allocated = min(ACADEMIC_YEAR_START, ACADEMIC_YEAR_START - year_group)
    serials[year_allocated] = serials.get(year_allocated, 200) + 37  # deterministic, spread out
    if key == TEMPORARY_UPN_PUPIL:
        upn = make_upn(ACADEMIC_YEAR_START, 4, temporary_letter="T")
    else:
        upn = make_upn(year_allocated, serials[year_allocated] % 1000)
    UPN[key] = upn
    data["pupils"].append({
        "upn": upn,
        "first_name": first,
        "last_name": last,
        "date_of_birth": dob,
        "year_group": year_group,
        "class": cls,
        "attendance": {"percent": percent, "as_of": ATTENDANCE_AS_OF},
        "ehcp": None if ehcp is None else {
            "issued": ehcp[0],
            "last_review": ehcp[1],
            "personal_budget": ehcp[2],
        },
        "areas_of_need": [AREAS[a] for a in areas],
        "contacts": [
            {
                "name": name,
                "relationship": relationship,
                "parental_responsibility": pr,
                "phone": next_phone(),
                "email": f"{ascii_slug(name.split()[0])}.{ascii_slug(name.split()[-1])}@example.org" if has_email else None,
            }
            for (name, relationship, pr, has_email) in contacts
        ],
        "looked_after": None if lac is None else {"local_authority": lac[0], "social_worker": lac[1]},
        "key_worker": None if kw is None else {kw[0]: kw[1]},
        "consent": [_consent(*c) for c in consent],
    })

# ----- bookings -----------------------------------------------------------------------

# (space, date, start, end, professional, staff, pupil keys, purpose, repeat_weekly_until, status)
BOOKINGS = [
    # Therapy Room 1
    ("Therapy Room 1", "2026-11-23", "09:15", "10:00", "nhs-physio-1", ["scampbell"], ["kai"],
     "Physio: standing frame and gait programme", "2026-12-14", "booked"),
    ("Therapy Room 1", "2026-11-23", "10:15", "11:00", "nhs-ot-1", ["scampbell"], ["zoe"],
     "OT seating review", None, "booked"),
    ("Therapy Room 1", "2026-11-25", "09:00", "09:45", "comm-ot-1", [], ["harvey"],
     "OT: handwriting and fine motor skills", "2026-12-16", "booked"),
    ("Therapy Room 1", "2026-11-26", "13:30", "14:15", "nhs-slt-1", [], ["oguz"],
     "SLT: social communication", "2026-12-17", "booked"),
    ("Therapy Room 1", "2026-12-04", "09:30", "10:30", "nhs-nurse-1", [], ["tyler"],
     "School nurse: epilepsy care plan review", None, "booked"),
    ("Therapy Room 1", "2026-11-16", "13:30", "14:15", "nhs-nurse-1", ["akhan"], [],
     "Staff training: rescue medication", None, "booked"),
    # Therapy Room 2
    ("Therapy Room 2", "2026-11-23", "09:00", "09:45", "comm-slt-1", [], ["lukasz", "sofia"],
     "SLT: narrative group (cancelled: DBS assurance outstanding)", "2026-12-14", "cancelled"),
    ("Therapy Room 2", "2026-11-30", "09:00", "09:45", "nhs-slt-1", [], ["lukasz", "sofia"],
     "SLT: narrative group", "2026-12-14", "booked"),
    ("Therapy Room 2", "2026-11-24", "13:30", "14:30", "ind-art-1", [], ["grace"],
     "Art therapy (parent-arranged)", "2026-12-08", "booked"),
    ("Therapy Room 2", "2026-11-26", "09:15", "10:00", "vi-1", [], ["rhian"],
     "VI: mobility and braille", "2026-12-17", "booked"),
    ("Therapy Room 2", "2026-12-03", "10:15", "11:00", "hi-1", [], ["leon"],
     "HI: radio aid check and advice", None, "booked"),
    # Sensory Room
    ("Sensory Room", "2026-11-23", "10:00", "10:45", None, ["eevans"], ["freddie", "teddy"],
     "Rowan sensory circuit", "2026-12-14", "booked"),
    ("Sensory Room", "2026-11-24", "11:30", "12:15", "music-1", ["jpatel"], ["noah", "hannah"],
     "Music therapy pair", "2026-12-15", "booked"),
    ("Sensory Room", "2026-11-26", "14:15", "15:00", None, ["rjones"], ["callum", "megan"],
     "Ash regulation session", "2026-12-17", "booked"),
    ("Sensory Room", "2026-12-02", "09:00", "09:45", "music-1", [], ["aaliyah"],
     "Music therapy (cancelled: therapist unwell)", None, "cancelled"),
    # Hydrotherapy Pool
    ("Hydrotherapy Pool", "2026-11-23", "13:30", "14:15", "nhs-physio-1", ["kadeyemi"], ["mohammed"],
     "Hydrotherapy programme", "2026-12-14", "booked"),
    ("Hydrotherapy Pool", "2026-11-24", "09:15", "10:00", None, ["eevans", "scampbell"], [],
     "Rowan class swimming", "2026-12-15", "booked"),
    ("Hydrotherapy Pool", "2026-12-02", "14:00", "14:45", "ind-physio-1", ["kadeyemi"], ["jayden"],
     "Hydrotherapy assessment (cancelled: DBS recheck due)", None, "cancelled"),
    ("Hydrotherapy Pool", "2026-12-04", "10:00", "10:45", None, ["gmorris", "pwozniak"], [],
     "Cedar class swimming", "2026-12-18", "booked"),
    # Meeting Room
    ("Meeting Room", "2026-11-25", "14:00", "15:00", "ind-ot-1", ["mokafor", "ttaylor"], ["amara"],
     "Annual review: Amara Osei", None, "booked"),
    ("Meeting Room", "2026-11-26", "14:10", "15:10", None, ["mokafor", "akhan"], [],
     "Team around the child: Callum Ward (looked-after review)", None, "booked"),
    ("Meeting Room", "2026-12-01", "13:30", "15:00", "nhs-slt-1", ["mokafor", "nbrennan"], ["lukasz"],
     "Annual review: Łukasz Kowalski (Year 6 phase transfer)", None, "booked"),
    ("Meeting Room", "2026-12-03", "09:00", "10:00", None, ["mokafor", "ttaylor"], ["oguz"],
     "Annual review: Oğuz Yılmaz (Year 9)", None, "booked"),
    ("Meeting Room", "2026-11-30", "14:00", "15:00", None, ["mokafor", "nbrennan"], ["sofia"],
     "Annual review: Sofia Rossi (moved to 7 December)", None, "cancelled"),
    ("Meeting Room", "2026-12-07", "14:15", "15:10", "nhs-physio-1", ["mokafor", "nbrennan"], ["sofia"],
     "Annual review: Sofia Rossi (Year 6 phase transfer)", None, "booked"),
    # Soft Play
    ("Soft Play", "2026-11-23", "11:15", "12:00", None, ["eevans", "scampbell"], ["zoe", "yusuf", "isla"],
     "Rowan soft play", "2026-12-14", "booked"),
    ("Soft Play", "2026-11-25", "10:00", "10:45", None, ["lwhite"], ["ruby", "harvey"],
     "Willow soft play", "2026-12-16", "booked"),
    ("Soft Play", "2026-12-04", "13:30", "14:15", None, ["kadeyemi"], ["lily", "jayden"],
     "Birch motor skills (physio programme)", "2026-12-18", "booked"),
    # Small Group Room
    ("Small Group Room", "2026-11-24", "09:00", "09:45", None, ["nbrennan"], ["ella", "mohammed", "lily"],
     "Year 6 transition group", "2026-12-15", "booked"),
    ("Small Group Room", "2026-11-25", "11:00", "11:45", None, ["akhan"], ["tyler", "jamie", "grace"],
     "Year 11 careers and preparing for adulthood", None, "booked"),
    ("Small Group Room", "2026-12-03", "13:30", "14:15", "comm-ot-1", ["pwozniak"], ["ethan", "amelia"],
     "OT: life skills group", "2026-12-17", "booked"),
    # Library
    ("Library", "2026-11-24", "13:30", "14:15", None, ["gmorris"], ["samuel", "chantelle", "josh", "aoife"],
     "Cedar independent study", "2026-12-15", "booked"),
    ("Library", "2026-11-26", "10:00", "10:45", None, ["lwhite", "dking"], [],
     "Willow library visit", "2026-12-17", "booked"),
]

for number, (space, date, start, end, pro, staff, pupils, purpose, until, status) in enumerate(BOOKINGS, start=4):
    data["bookings"].append({
        "id": f"b-{number:03d}",
        "space": space,
        "start": f"{date}T{start}",
        "end": f"{date}T{end}",
        "professional": pro,
        "staff": staff,
        "pupils": [UPN[p] for p in pupils],
        "purpose": purpose,
        "repeat_weekly_until": until,
        "status": status,
    })

# ----- requests (independent professionals) ---------------------------------------------


def hist(at, by, action, reason):
    return {"at": at, "by": by, "action": action, "reason": reason}


def request(rid, pupil, pro, setting, first, last, start, end, approval, pb_linked, classroom_agreed,
            space, class_staff, extends, extension_reason, status, history):
    return {
        "id": rid,
        "pupil": UPN[pupil],
        "professional": pro,
        "setting": setting,
        "first_session": first,
        "last_session": last,
        "weekday": WEEKDAYS[d(first).weekday()],
        "start_time": start,
        "end_time": end,
        "ehcp_team_approval": None if approval is None else {"on": approval[0], "reference": approval[1]},
        "personal_budget_linked": pb_linked,
        "classroom_sessions_agreed": classroom_agreed,
        "space": space,
        "class_staff": class_staff,
        "extends": extends,
        "extension_reason": extension_reason,
        "status": status,
        "history": history,
    }


data["requests"] += [
    request("r-004", "anika", "ind-art-1", "in_school", "2027-01-07", "2027-03-18", "11:30", "12:15",
            None, True, False, "Therapy Room 2", None, None, None, "draft", []),
    request("r-005", "oguz", "ind-slt-1", "in_school", "2027-01-11", "2027-03-22", "13:30", "14:15",
            ("2026-11-16", "EHCP-TEAM-2026-149"), True, True, "Therapy Room 1", "jpatel", None, None,
            "submitted",
            [hist("2026-11-17T09:40", "mokafor", "submitted", "Parent request: SLT funded from personal budget")]),
    request("r-006", "siobhan", "ind-slt-1", "in_school", "2026-11-11", "2027-01-27", "10:30", "11:15",
            ("2026-10-28", "EHCP-TEAM-2026-131"), True, True, "Therapy Room 2", "dking", None, None,
            "approved",
            [hist("2026-10-19T10:05", "mokafor", "submitted", "Parent request: SLT funded from personal budget"),
             hist("2026-10-30T15:20", "hcarter", "approved", "Checks complete; EHCP team approval received")]),
    request("r-007", "ella", "ind-ot-1", "off_site", "2026-10-09", "2026-12-18", "13:30", "15:00",
            ("2026-09-21", "EHCP-TEAM-2026-088"), True, False, None, None, None, None,
            "approved",
            [hist("2026-09-14T11:20", "mokafor", "submitted", "Clinic-based OT block funded from personal budget"),
             hist("2026-09-25T14:45", "hcarter", "approved", "Absence authorised for the autumn block")]),
    request("r-008", "jayden", "ind-ot-2", "in_school", "2026-12-01", "2027-02-09", "13:30", "14:15",
            None, False, True, "Small Group Room", "kadeyemi", None, None,
            "declined",
            [hist("2026-11-05T14:10", "mokafor", "submitted", "Parent-arranged sensory OT"),
             hist("2026-11-12T16:00", "hcarter", "declined",
                  "School DBS check did not include a barred list check")]),
    request("r-009", "mohammed", "ind-physio-2", "in_school", "2026-10-01", "2026-12-17", "09:15", "10:00",
            ("2026-09-14", "EHCP-TEAM-2026-079"), False, True, "Therapy Room 1", "kadeyemi", None, None,
            "suspended",
            [hist("2026-09-07T10:00", "mokafor", "submitted", "Parent-funded physiotherapy"),
             hist("2026-09-18T15:30", "hcarter", "approved", "Checks complete"),
             hist("2026-11-02T08:45", "hcarter", "suspended",
                  "Public liability insurance expired 31 October 2026; paused until renewal is seen")]),
    request("r-010", "teddy", "ind-physio-1", "in_school", "2026-09-08", "2026-10-20", "13:30", "14:15",
            ("2026-09-01", "EHCP-TEAM-2026-071"), False, True, "Therapy Room 1", "scampbell", None, None,
            "ended",
            [hist("2026-09-03T09:30", "mokafor", "submitted", "Six-week physiotherapy block"),
             hist("2026-09-04T14:00", "hcarter", "approved", "Checks complete"),
             hist("2026-10-21T12:00", "mokafor", "ended", "Block of sessions completed; report received")]),
    request("r-011", "ella", "ind-ot-1", "off_site", "2027-01-08", "2027-03-19", "13:30", "15:00",
            ("2026-11-18", "EHCP-TEAM-2026-152"), True, False, None, None, "r-007",
            "Good progress on fine motor targets; the OT recommends a further block in the spring term",
            "submitted",
            [hist("2026-11-20T11:00", "mokafor", "submitted", "Extension of the autumn OT block")]),
]

# Grace's art therapy was booked directly by the headteacher, with her reason (no request was made for it)
next(b for b in data["bookings"] if b["purpose"] == "Art therapy (parent-arranged)")["direct_reason"] = (
    "Parent-arranged art therapy named in the pupil's EHCP outcomes: agreed for the autumn term by the headteacher "
    "while a request for the spring term is prepared")

# The sessions still to come of each approved in-school request hold its space, and each booking names its
# request (its `row.request_id`: a request's database id is its place in the list): suspending or ending the
# request cancels them. (The demo's records start on DEMO_TODAY: the sessions before it are not on them.)
for position, r in enumerate(data["requests"], start=1):
    if r["status"] == "approved" and r["setting"] == "in_school" and r["space"]:
        discipline = next(p["discipline"] for p in data["professionals"] if p["id"] == r["professional"])
        first = d(r["first_session"])
        while first < DEMO_TODAY:
            first += dt.timedelta(days=7)
        data["bookings"].append({
            "id": f"b-{len(data['bookings']) + 1:03d}",
            "space": r["space"],
            "start": f"{first.isoformat()}T{r['start_time']}",
            "end": f"{first.isoformat()}T{r['end_time']}",
            "professional": r["professional"],
            "staff": [r["class_staff"]] if r["class_staff"] else [],
            "pupils": [r["pupil"]],
            "purpose": f"Independent {discipline.replace('_', ' ')} ({r['id']})",
            "repeat_weekly_until": r["last_session"],
            "status": "booked",
            "row": {"request_id": position},
        })

# ----- advice requests ----------------------------------------------------------------


def advice(pupil, pro, kind, requested_on, due, received_on, purpose, review_meeting_on=None):
    record = {
        "pupil": UPN[pupil],
        "professional": pro,
        "kind": kind,
        "requested_on": requested_on,
        "due": due,
        "received_on": received_on,
        "purpose": purpose,
    }
    if review_meeting_on is not None:  # the annual review meeting (in annual_reviews) the advice is for
        record["review_meeting_on"] = review_meeting_on
    return record


data["advice_requests"] += [
    # annual reviews: due is the circulation date, two weeks before the meeting
    advice("amara", "nhs-slt-1", "annual_review", "2026-10-14", "2026-11-11", "2026-11-09",
           "Annual review: speech and language advice"),
    advice("amara", "ind-ot-1", "annual_review", "2026-10-14", "2026-11-11", "2026-11-13",
           "Annual review: occupational therapy report"),
    advice("lukasz", "vi-1", "annual_review", "2026-10-20", "2026-11-17", None,
           "Annual review (Year 6 phase transfer): vision advice", review_meeting_on="2026-12-01"),
    advice("lukasz", "nhs-slt-1", "annual_review", "2026-10-20", "2026-11-17", "2026-11-16",
           "Annual review (Year 6 phase transfer): speech and language advice", review_meeting_on="2026-12-01"),
    advice("oguz", "comm-slt-1", "annual_review", "2026-10-22", "2026-11-19", None,
           "Annual review: speech and language advice"),
    advice("sofia", "nhs-physio-1", "annual_review", "2026-10-26", "2026-11-23", None,
           "Annual review (Year 6 phase transfer): physiotherapy advice"),
    advice("zoe", "nhs-ot-1", "annual_review", "2026-11-02", "2026-11-30", None,
           "Six-monthly review (under five): seating and posture advice"),
    advice("zoe", "nhs-nurse-1", "annual_review", "2026-11-02", "2026-11-30", "2026-11-20",
           "Six-monthly review (under five): health advice"),
    advice("grace", "nhs-nurse-1", "annual_review", "2026-11-05", "2026-11-26", None,
           "Annual review (Year 11): health advice"),
    advice("tyler", "nhs-physio-1", "annual_review", "2026-11-04", "2026-11-25", None,
           "Annual review (Year 11, overdue): physiotherapy advice"),
    # needs assessments: due six weeks after requested_on
    advice("nikolai", "nhs-slt-1", "needs_assessment", "2026-10-13", None, None,
           "EHC needs assessment: speech and language advice"),
    advice("nikolai", "nhs-nurse-1", "needs_assessment", "2026-10-13", None, "2026-11-03",
           "EHC needs assessment: health advice"),
    advice("yusuf", "nhs-ot-1", "needs_assessment", "2026-07-21", None, "2026-08-28",
           "EHC needs assessment: occupational therapy advice"),
    advice("chloe", "nhs-nurse-1", "needs_assessment", "2026-10-05", None, "2026-10-30",
           "EHC needs reassessment: health advice"),
]

# ----- assessments ----------------------------------------------------------------------

data["assessments"] += [
    {"pupil": UPN["freddie"], "requested_on": "2026-11-09", "decision_to_assess_on": None,
     "draft_issued_on": None, "final_issued_on": None},
    {"pupil": UPN["nikolai"], "requested_on": "2026-08-31", "decision_to_assess_on": "2026-10-12",
     "draft_issued_on": None, "final_issued_on": None},
    {"pupil": UPN["yusuf"], "requested_on": "2026-06-08", "decision_to_assess_on": "2026-07-20",
     "decision_to_issue_on": "2026-09-25", "draft_issued_on": "2026-11-06", "final_issued_on": None},
]

# ----- annual reviews -------------------------------------------------------------------


def invitee(role, name, pro=None, removed_on=None):
    return {"role": role, "name": name, "professional": pro, "removed_on": removed_on}


def circulation(document, sent_to, sent_on, recorded_by="mokafor"):
    return {"document": document, "sent_to": sent_to, "sent_on": sent_on, "recorded_by": recorded_by}


def annual_review(pupil, meeting_on, meeting_at, place, status, *, created_by, created_at, invitees,
                  circulations=(), cancelled_reason=None, invitations_sent_on=None, child_views=None,
                  parent_views=None, budget_review=None, proposed_amendments=None, report_sent_on=None,
                  la_decision_on=None, amendment_notice_on=None, final_plan_on=None):
    return {
        "pupil": UPN[pupil],
        "meeting_on": meeting_on,
        "meeting_at": meeting_at,
        "place": place,
        "status": status,
        "cancelled_reason": cancelled_reason,
        "invitations_sent_on": invitations_sent_on,
        "child_views": child_views,
        "parent_views": parent_views,
        "budget_review": budget_review,
        "proposed_amendments": proposed_amendments,
        "report_sent_on": report_sent_on,
        "la_decision_on": la_decision_on,
        "amendment_notice_on": amendment_notice_on,
        "final_plan_on": final_plan_on,
        "created_by": created_by,
        "created_at": created_at,
        "invitees": list(invitees),
        "circulations": list(circulations),
    }


data["annual_reviews"] = [
    # held in October: the school's report went out, the LA proposed amendments (comments due, final plan not yet)
    annual_review(
        "ethan", "2026-10-19", "10:00", "Meeting Room", "held",
        created_by="mokafor", created_at="2026-09-21T10:15",
        invitees=[
            invitee("young_person", "Ethan Marsh"),
            invitee("parent", "Julie Marsh"),
            invitee("class_teacher", "George Morris"),
            invitee("professional", "Ngozi Eze", "comm-ot-1"),
            invitee("other", "Priya Nair (careers adviser, Sutton Careers Service)"),
        ],
        circulations=[
            circulation("Occupational therapy advice (Ngozi Eze) and the school's progress summary",
                        "all invitees", "2026-10-05"),
            circulation("The school's annual review report", "the LA and all invitees", "2026-11-02"),
        ],
        invitations_sent_on="2026-09-28",
        child_views="Ethan wants to travel to the college taster days on his own by bus and to do a work "
                    "placement in the café next year. He likes the OT life skills group, especially cooking.",
        parent_views="Mrs Marsh is pleased with Ethan's progress in money and cooking skills. She is worried about "
                     "him travelling alone and asks for travel training before he starts college.",
        budget_review="Ethan has no personal budget. Mrs Marsh asked about direct payments for travel training; "
                      "the LA's EHCP officer will discuss a personal budget for it before the amended plan is "
                      "issued.",
        proposed_amendments="Section B: update Ethan's needs in independence and money skills. Section E: new "
                            "preparing-for-adulthood outcomes (travel to college independently; a supported work "
                            "placement). Section F: travel training twice a week in the spring term and the OT "
                            "life skills group to continue.",
        report_sent_on="2026-11-02",
        la_decision_on="2026-11-13",
        amendment_notice_on="2026-11-13",
    ),
    # planned for December: invitations sent, advice in and circulated (the vision advice is still awaited)
    annual_review(
        "lukasz", "2026-12-01", "13:30", "Meeting Room", "planned",
        created_by="mokafor", created_at="2026-10-19T11:20",
        invitees=[
            invitee("parent", "Magdalena Kowalska"),
            invitee("parent", "Piotr Kowalski"),
            invitee("class_teacher", "Niamh Brennan"),
            invitee("professional", "Rachel Green", "nhs-slt-1"),
            invitee("professional", "Andrew Collins", "vi-1"),
            invitee("other", "SENCO, Beddington Vale Academy (the proposed secondary school)"),
        ],
        circulations=[
            circulation("Speech and language advice (Rachel Green)", "all invitees", "2026-11-17"),
        ],
        invitations_sent_on="2026-10-20",
    ),
    # planned for late January: only the date is set so far
    annual_review(
        "harvey", "2027-01-21", "14:00", "Meeting Room", "planned",
        created_by="mokafor", created_at="2026-11-16T15:40",
        invitees=[
            invitee("parent", "Kelly Scott"),
            invitee("class_teacher", "Lucy White"),
            invitee("professional", "Ngozi Eze", "comm-ot-1"),
        ],
    ),
]

# ----- EHCP outcomes and the targets the team sets under them -------------------------------


def target(text, pro, programme, strategy, set_on, status="current", ended_on=None):
    return {"text": text, "professional": pro, "programme": programme, "strategy": strategy,
            "set_on": set_on, "status": status, "ended_on": ended_on}


def outcome(pupil, area, text, set_on, targets, status="current", ended_on=None):
    return {"pupil": UPN[pupil], "area": AREAS[area], "text": text, "set_on": set_on, "status": status,
            "ended_on": ended_on, "targets": targets}


data["outcomes"] = [
    # Amara (Oak): speech and language therapy (NHS), occupational therapy (independent)
    outcome("amara", "CI", "By the end of Key Stage 3, Amara will start and keep up a conversation of at least "
            "four turns with a familiar adult or peer, using speech supported by her communication book.",
            "2025-12-03", [
                target("Keep a conversation going for four turns in a structured pair activity, using a comment "
                       "followed by a question", "nhs-slt-1",
                       "Speech and language therapy: Talking Partners pair work, 2 × 15 minutes a week with the "
                       "teaching assistant; reviewed by the SLT each half term",
                       "Model a comment then a question (\"I like… What do you like?\") and wait 10 seconds before "
                       "prompting; keep the conversation prompt card on her desk", "2025-12-03"),
                target("Ask for help with a help card or a spoken phrase in three lessons a day", "nhs-slt-1",
                       "SLT: the \"I need help\" script taught 1:1, then practised in class",
                       "Put a red help card on her desk at the start of each lesson and praise every request, "
                       "spoken or with the card", "2025-12-03", "achieved", "2026-07-15"),
            ]),
    outcome("amara", "SP", "Amara will manage the sensory demands of the school day so that she stays in "
            "lessons for at least 45 minutes at a time.", "2025-12-03", [
                target("Choose a regulation activity from her sensory menu before she becomes overwhelmed, with "
                       "no more than one prompt", "ind-ot-1",
                       "OT sensory diet: 10-minute heavy-work movement break mid-morning and after lunch",
                       "Keep the sensory menu card at her desk; offer a movement break before the move to lunch "
                       "and give her ear defenders in assembly and the hall", "2026-09-10"),
            ]),
    # Zoë (Rowan, under five): NHS seating and posture OT; the class team for communication
    outcome("zoe", "SP", "Zoë will sit with a stable, supported posture at group times and meals, so that her "
            "hands are free for play and feeding.", "2026-06-17", [
                target("Sit in her adapted seat with pelvic strap and footplate for 20 minutes at carpet time",
                       "nhs-ot-1", "NHS OT seating programme: seating check each half term; positioning chart "
                       "followed by the class team",
                       "Use the positioning photo chart by her seat — hips back, strap snug, feet flat on the "
                       "footplate — and check it after every transfer", "2026-06-17"),
                target("Hold a cup with both hands and put it down again at snack time", "nhs-ot-1",
                       "Two-handed play programme, 5 minutes a day",
                       "Offer the two-handled cup at snack and wait for her to reach with both hands before "
                       "helping", "2026-06-17"),
            ]),
    outcome("zoe", "CI", "Zoë will make choices and requests using objects of reference, signs and single words.",
            "2026-06-17", [
                target("Choose between two objects of reference at snack and choosing time", None,
                       "Intensive Interaction 1:1 with the class team, 10 minutes a day",
                       "Hold up two real objects at her eye level, name each one and wait for her to look or "
                       "reach; give the chosen item straight away", "2026-06-17"),
            ]),
    # Łukasz (Birch, Year 6): visual impairment teacher; NHS speech and language therapy
    outcome("lukasz", "SP", "Łukasz will find his way around school and use classroom materials independently "
            "with his low-vision aids.", "2025-12-08", [
                target("Read the board in every literacy lesson using his video magnifier and N24 print", "vi-1",
                       "Qualified teacher of the visually impaired: weekly magnifier and touch-typing session "
                       "(Thursday)",
                       "Enlarge all worksheets to N24 bold on buff paper, seat him front left away from window "
                       "glare and send the board to his tablet", "2025-12-08"),
                target("Walk from class to the hall, dining room and playground on his own using tactile "
                       "landmarks", "vi-1", "Mobility and orientation training, fortnightly with the VI teacher",
                       "Let him leave 2 minutes before the class at each transition and keep bags clear of the "
                       "corridor landmarks", "2026-04-20"),
            ]),
    outcome("lukasz", "CI", "Łukasz will retell an event or a story in order, using connectives such as "
            "\"first\", \"then\" and \"at the end\".", "2025-12-08", [
                target("Retell a three-part story with the story strip and the words first, then, last",
                       "nhs-slt-1", "SLT narrative group (Monday, Therapy Room 2): story grammar cards, weekly",
                       "Give him the three-box story planner and the first/then/last cards for news and writing, "
                       "and model a retell before asking for his", "2025-12-08"),
            ]),
    # Harvey (Willow): commissioned OT; the class team for reading
    outcome("harvey", "SP", "Harvey will write a short paragraph legibly on his own and keep pace with his class "
            "in written work.", "2026-01-26", [
                target("Form all lower-case letters correctly, starting in the right place, on lined paper",
                       "comm-ot-1", "OT handwriting programme: warm-up and letter families, 3 × 10 minutes a week "
                       "with the teaching assistant",
                       "Use a sloped writing board and a triangular pencil grip, and give raised-line paper for "
                       "all written work", "2026-01-26"),
                target("Do up the zip and buttons of his coat on his own", "comm-ot-1",
                       "Dressing skills practice board, daily at home time",
                       "Allow an extra 5 minutes at playtime and home time and prompt with the picture sequence "
                       "on his peg", "2026-01-26", "achieved", "2026-07-10"),
            ]),
    outcome("harvey", "CL", "Harvey will read and understand texts at his level, using phonics to work out "
            "unfamiliar words.", "2026-01-26", [
                target("Read Phase 5 words with alternative spellings with 90% accuracy", None,
                       "Daily 15-minute 1:1 phonics catch-up with the teaching assistant",
                       "Pre-teach the tricky words of each lesson; give him a sound mat and his coloured overlay "
                       "for all reading", "2026-01-26"),
            ]),
    # Oğuz (Oak, Year 9): NHS speech and language therapy; his key worker for anxiety
    outcome("oguz", "CI", "Oğuz will take part in group discussions, taking turns and staying on the topic with "
            "little adult prompting.", "2025-12-15", [
                target("Add to a small-group discussion twice using ask–answer–add", "nhs-slt-1",
                       "SLT social communication session, Thursday afternoons, weekly",
                       "Give discussion roles on cards and a visual topic bubble on the table; praise him by name "
                       "when he builds on someone else's idea", "2025-12-15"),
            ]),
    outcome("oguz", "SEMH", "Oğuz will notice when he is becoming anxious and use a strategy to calm himself, so "
            "that he stays in lessons.", "2025-12-15", [
                target("Show his time-out card and take a 5-minute break in the agreed space instead of leaving "
                       "the room", None, "Zones of Regulation sessions with his key worker, weekly",
                       "Greet him at the door and go through the day's timetable; accept the time-out card "
                       "without discussion and check in after 5 minutes on the sand timer", "2025-12-15"),
                target("Attend the CAMHS anxiety management group", None,
                       "CAMHS anxiety management group, 8 weekly sessions",
                       "Remind him on the morning of each session and give him a quiet start the next day",
                       "2025-12-15", "ceased", "2026-10-02"),
            ]),
    # Sofia (Birch, Year 6): NHS speech and language therapy (her key worker); the class team for maths
    outcome("sofia", "CI", "Sofia will understand and follow classroom instructions of two or three key words "
            "without needing them repeated.", "2025-11-30", [
                target("Follow a three-key-word instruction in class with a symbol cue", "nhs-slt-1",
                       "SLT listening and understanding programme, 2 × 20 minutes a week",
                       "Say her name first, give one instruction at a time and show the key words on the symbol "
                       "strip on her table", "2025-11-30"),
                target("Learn ten new topic words each half term with a word map", "nhs-slt-1",
                       "Vocabulary pre-teaching with word maps, weekly small group",
                       "Send the word map home on Friday and put the topic words with pictures on the working "
                       "wall", "2026-01-05"),
            ]),
    outcome("sofia", "CL", "Sofia will use number facts to 20 and place value to solve two-step problems.",
            "2025-11-30", [
                target("Recall addition and subtraction facts to 20 within 3 seconds", None,
                       "Daily 10-minute number fluency intervention",
                       "Keep Numicon and a number line on her desk and give a worked example before independent "
                       "work", "2025-11-30"),
            ]),
    # Grace (Ash, Year 11): art therapy (independent); her key worker
    outcome("grace", "SEMH", "Grace will manage low mood and anxiety so that she attends school regularly and "
            "takes part in lessons.", "2025-12-01", [
                target("Name one feeling through her art each week and share it with her key adult",
                       "ind-art-1", "Art therapy (parent-arranged), Tuesday afternoons, 45 minutes",
                       "Offer the colour check-in card at morning registration and let her use the quiet art "
                       "table at lunchtime", "2026-10-01"),
                target("Check in with her key worker every day and agree one goal for the day", None,
                       "Key worker mentoring, 5 minutes a day",
                       "Meet her at the Ash door at 8:50, write the day's goal on her planner and review it "
                       "together at 15:00", "2025-12-01"),
            ]),
    outcome("grace", "CL", "Grace will finish GCSE coursework tasks by their deadlines by planning her work in "
            "small steps.", "2025-12-01", [
                target("Break each coursework task into steps on her planner and tick them off", None,
                       "Study skills session, weekly",
                       "Give her a written checklist with a date for each step and look at it with her every "
                       "Monday", "2025-12-01"),
            ]),
    # Leon (Ash, Year 11): teacher of the deaf (his key worker)
    outcome("leon", "SP", "Leon will manage his hearing equipment himself and make sure he can hear in every "
            "lesson.", "2026-03-02", [
                target("Check his hearing aids and radio aid every morning and report a fault to staff", "hi-1",
                       "Teacher of the deaf: equipment checks and self-advocacy, each half term",
                       "Give the radio aid transmitter to each teacher at the start of the lesson; seat him near "
                       "the front with his better ear towards the teacher", "2026-03-02"),
            ]),
    outcome("leon", "CI", "Leon will follow and join in class discussion, asking for repetition or clarification "
            "when he has not heard.", "2026-03-02", [
                target("Use a clarification phrase (\"Can you say that again?\") at least once in each group "
                       "discussion", "hi-1", "Teacher of the deaf: self-advocacy programme, fortnightly",
                       "Repeat other pupils' answers before responding, face the class when speaking and turn on "
                       "subtitles for every video", "2026-03-02"),
                target("Explain his hearing needs to a new teacher using his communication passport", "hi-1",
                       "Communication passport written with the teacher of the deaf",
                       "Share his passport with every new member of staff and every cover supervisor",
                       "2026-03-02", "achieved", "2026-07-08"),
            ]),
]


# =========================================================================== checks


def check(data: dict, original: dict) -> dict:  # noqa: C901 - one long list of checks
    problems: list[str] = []

    def need(cond, message):
        if not cond:
            problems.append(message)

    def keys_exact(obj, keys, where, optional=()):
        got = set(obj)
        need(set(keys) <= got, f"{where}: missing {sorted(set(keys) - got)}")
        need(got <= set(keys) | set(optional), f"{where}: extra {sorted(got - set(keys) - set(optional))}")

    # the example is kept unchanged
    for section, value in original.items():
        if isinstance(value, list):
            need(data[section][: len(value)] == value, f"{section}: example records changed")
        else:
            kept = {k: v for k, v in data[section].items() if k not in ("address", "telephone")} \
                if section == "settings" else data[section]  # the letterhead is the demo's own
            need(kept == value, f"{section}: changed")
    need(data["users"] == original["users"], "users changed")

    settings = data["settings"]
    day_start, day_end = hm(settings["school_day"]["start"]), hm(settings["school_day"]["end"])

    # school days
    closures, terms = [], []
    for term in data["terms"]:
        terms.append((d(term["first_day"]), d(term["last_day"])))
        for c in term["closures"]:
            closures.append((d(c["from"]), d(c["to"])))

    def school_day(day: dt.date) -> bool:
        return (day.weekday() < 5 and any(a <= day <= b for a, b in terms)
                and not any(a <= day <= b for a, b in closures))

    need(not school_day(d("2026-11-27")), "2026-11-27 should be INSET")

    # staff, users, classes, spaces
    staff = {s["id"]: s for s in data["staff"]}
    need(len(staff) == len(data["staff"]), "duplicate staff ids")
    spaces = {s["name"]: s for s in data["spaces"]}
    need(len(spaces) == len(data["spaces"]), "duplicate space names")
    classes = {c["name"]: c for c in data["classes"]}
    for s in data["staff"]:
        keys_exact(s, ["id", "name", "role"], f"staff {s['id']}", optional=["class"])
        if "class" in s:
            need(s["class"] in classes, f"staff {s['id']}: unknown class")
    usernames = {u["username"] for u in data["users"]}
    for u in data["users"]:
        need(u["staff"] is None or u["staff"] in staff, f"user {u['username']}: unknown staff")
    for c in data["classes"]:
        keys_exact(c, ["name", "room"], f"class {c['name']}")
        need(c["room"] in spaces and spaces[c["room"]]["kind"] == "classroom", f"class {c['name']}: bad room")
        need(c["room"] == f"{c['name']} Classroom", f"class {c['name']}: room name")
        roles = {s["role"] for s in data["staff"] if s.get("class") == c["name"]}
        need({"Class teacher", "Teaching assistant"} <= roles, f"class {c['name']}: needs teacher and TA")
    kinds = {"therapy_room", "sensory_room", "pool", "meeting_room", "soft_play", "group_room", "library",
             "classroom"}
    for s in data["spaces"]:
        keys_exact(s, ["name", "kind", "capacity"], f"space {s['name']}")
        need(s["kind"] in kinds, f"space {s['name']}: kind")

    # professionals
    pros = {p["id"]: p for p in data["professionals"]}
    need(len(pros) == len(data["professionals"]), "duplicate professional ids")
    check_state = {}
    for p in data["professionals"]:
        where = f"professional {p['id']}"
        keys_exact(p, ["id", "name", "discipline", "kind", "organisation", "email", "phone", "checks"], where)
        keys_exact(p["checks"], ["dbs", "registration", "insurance_expires"], where + " checks")
        need(p["kind"] in {"statutory", "commissioned", "independent"}, where + ": kind")
        need(p["discipline"] == p["discipline"].lower() and " " not in p["discipline"], where + ": discipline")
        blocking, warnings = [], []
        dbs = p["checks"]["dbs"]
        if dbs is None:
            blocking.append("no DBS")
        else:
            keys_exact(dbs, ["type", "date", "given_by", "certificate", "barred_list", "update_service"],
                       where + " dbs")
            if dbs["type"] == "employer_assurance":
                need(dbs["given_by"] and dbs["certificate"] is None, where + ": employer assurance shape")
            else:
                need(dbs["type"] == "school_check", where + ": dbs type")
                need(dbs["given_by"] is None and len(dbs["certificate"]) == 12 and dbs["certificate"].isdigit(),
                     where + ": school check shape")
                if add_months(d(dbs["date"]), 12 * settings["dbs_recheck_years"]) < DEMO_TODAY:
                    warnings.append("DBS recheck due")
            if not dbs["barred_list"]:
                blocking.append("no barred list check")
        registration = p["checks"]["registration"]
        if registration is not None:
            keys_exact(registration, ["body", "number", "checked_on"], where + " registration")
            need(registration["body"] in {"HCPC", "NMC", "TRA"}, where + ": registration body")
            if add_months(d(registration["checked_on"]), 12) < DEMO_TODAY:
                warnings.append("registration check over a year old")
        insurance = p["checks"]["insurance_expires"]
        if insurance is not None:
            if d(insurance) < DEMO_TODAY:
                blocking.append("insurance expired")
            elif (d(insurance) - DEMO_TODAY).days <= 30:
                warnings.append("insurance expires within 30 days")
        check_state[p["id"]] = ("blocking" if blocking else "warning" if warnings else "valid",
                                blocking + warnings)

    # pupils
    pupils = {}
    for p in data["pupils"]:
        where = f"pupil {p['upn']}"
        need(p["upn"] not in pupils, where + ": duplicate UPN")
        pupils[p["upn"]] = p
        keys_exact(p, ["upn", "first_name", "last_name", "date_of_birth", "year_group", "class", "attendance",
                       "ehcp", "areas_of_need", "contacts", "looked_after", "key_worker", "consent"], where)
        need(upn_is_valid(p["upn"]), where + ": UPN check letter")
        need(p["upn"][1:4] == LA_CODE and p["upn"][4:8] == ESTABLISHMENT, where + ": UPN LA/establishment")
        need(p["class"] in classes, where + ": unknown class")
        need(p["year_group"] == year_group_for(d(p["date_of_birth"])), where + ": year group vs date of birth")
        keys_exact(p["attendance"], ["percent", "as_of"], where + " attendance")
        need(p["attendance"]["as_of"] == ATTENDANCE_AS_OF, where + ": attendance as_of")
        if p["ehcp"] is not None:
            e = p["ehcp"]
            keys_exact(e, ["issued", "last_review", "personal_budget"], where + " ehcp")
            need(d(p["date_of_birth"]) < d(e["issued"]) <= d(e["last_review"]) <= DEMO_TODAY, where + ": ehcp dates")
            if e["personal_budget"] is not None:
                keys_exact(e["personal_budget"], ["reference", "annual_amount_gbp"], where + " budget")
        need(set(p["areas_of_need"]) <= set(AREAS.values()) and p["areas_of_need"], where + ": areas")
        need(1 <= len(p["contacts"]) <= 2, where + ": 1-2 contacts")
        for c in p["contacts"]:
            keys_exact(c, ["name", "relationship", "parental_responsibility", "phone", "email"], where + " contact")
        if p["looked_after"] is not None:
            keys_exact(p["looked_after"], ["local_authority", "social_worker"], where + " looked_after")
        kw = p["key_worker"]
        if kw is not None:
            need(len(kw) == 1 and (kw.get("staff") in staff or kw.get("professional") in pros),
                 where + ": key worker")
        for c in p["consent"]:
            keys_exact(c, ["share_with", "what", "given_by", "on", "withdrawn_on",
                           *(["sections", "given_by_kind"] if "sections" in c else [])], where + " consent")
            need(c["withdrawn_on"] is None or d(c["withdrawn_on"]) > d(c["on"]), where + ": consent dates")
    need(len({p["upn"] for p in data["pupils"]}) == len(data["pupils"]), "UPNs not unique")
    phones = [c["phone"] for p in data["pupils"] for c in p["contacts"] if c["phone"]]
    need(len(phones) == len(set(phones)), "contact phones not unique")

    # occurrences of things that take up a space, a person or a pupil
    def weekly_dates(first: dt.date, until: dt.date | None):
        if until is None:
            yield first
            return
        day = first
        while day <= until:
            if school_day(day):
                yield day
            day += dt.timedelta(days=7)

    occupancy = []  # (label, date, start, end, resources)
    bookings = {}
    for b in data["bookings"]:
        where = f"booking {b['id']}"
        need(b["id"] not in bookings, where + ": duplicate id")
        bookings[b["id"]] = b
        keys_exact(b, ["id", "space", "start", "end", "professional", "staff", "pupils", "purpose",
                       "repeat_weekly_until", "status"], where, optional=("row", "direct_reason"))
        request_id = (b.get("row") or {}).get("request_id")
        if request_id is not None:
            made_by = data["requests"][request_id - 1]
            need(made_by["status"] == "approved" and made_by["space"] == b["space"]
                 and made_by["pupil"] in b["pupils"] and made_by["id"] in b["purpose"], where + ": its request")
        start, end = dt.datetime.fromisoformat(b["start"]), dt.datetime.fromisoformat(b["end"])
        need(start.date() == end.date(), where + ": not the same day")
        need(start < end, where + ": end not after start")
        need(day_start <= start.time() and end.time() <= day_end, where + ": outside the school day")
        need(school_day(start.date()), where + ": not a school day")
        need(b["space"] in spaces, where + ": unknown space")
        need(b["professional"] is None or b["professional"] in pros, where + ": unknown professional")
        need(all(s in staff for s in b["staff"]), where + ": unknown staff")
        need(all(u in pupils for u in b["pupils"]), where + ": unknown pupil")
        need(b["professional"] is not None or b["staff"], where + ": school use needs staff")
        need(b["status"] in {"booked", "cancelled"}, where + ": status")
        people = len(b["staff"]) + len(b["pupils"]) + (b["professional"] is not None)
        need(people <= spaces[b["space"]]["capacity"], where + ": over capacity")
        until = None if b["repeat_weekly_until"] is None else d(b["repeat_weekly_until"])
        if until is not None:
            need(until >= start.date(), where + ": repeat_weekly_until before start")
        if b["status"] == "cancelled":
            continue
        if b["professional"] is not None:
            need(check_state[b["professional"]][0] != "blocking", where + ": professional has blocking checks")
        resources = {("space", b["space"])}
        resources |= {("staff", s) for s in b["staff"]} | {("pupil", u) for u in b["pupils"]}
        if b["professional"]:
            resources.add(("professional", b["professional"]))
        for day in weekly_dates(start.date(), until):
            # a request's own booking holds the slot the request holds: one label, never a clash with itself
            label = data["requests"][request_id - 1]["id"] if request_id is not None else b["id"]
            occupancy.append((label, day, start.time(), end.time(), resources))

    # requests
    requests = {r["id"]: r for r in data["requests"]}
    request_keys = ["id", "pupil", "professional", "setting", "first_session", "last_session", "weekday",
                    "start_time", "end_time", "ehcp_team_approval", "personal_budget_linked",
                    "classroom_sessions_agreed", "space", "class_staff", "extends", "extension_reason", "status"]
    example_request_ids = {r["id"] for r in original["requests"]}
    for r in data["requests"]:
        where = f"request {r['id']}"
        if r["id"] in example_request_ids:
            need({"history", "extension_reason"} | set(r) >= set(request_keys), where + ": keys")
        else:
            keys_exact(r, request_keys + ["history"], where)
            need(r["extension_reason"] is None if r["extends"] is None else bool(r["extension_reason"]),
                 where + ": extension_reason")
        pupil = pupils.get(r["pupil"])
        need(pupil is not None, where + ": unknown pupil")
        pro = pros.get(r["professional"])
        need(pro is not None and pro["kind"] == "independent", where + ": professional not independent")
        first, last = d(r["first_session"]), d(r["last_session"])
        need(WEEKDAYS[first.weekday()] == r["weekday"] == WEEKDAYS[last.weekday()], where + ": weekday")
        need(first <= last and school_day(first) and school_day(last), where + ": session dates")
        need(day_start <= hm(r["start_time"]) < hm(r["end_time"]) <= day_end, where + ": times")
        need(r["status"] in {"draft", "submitted", "approved", "declined", "suspended", "ended"}, where + ": status")
        need(r["setting"] in {"in_school", "off_site"}, where + ": setting")
        if r["setting"] == "off_site":
            need(r["space"] is None and r["class_staff"] is None, where + ": off-site with space/staff")
        if r["space"] is not None:
            need(r["space"] in spaces and spaces[r["space"]]["kind"] != "classroom", where + ": space")
        if r["class_staff"] is not None:
            need(staff.get(r["class_staff"], {}).get("class") == pupil["class"], where + ": class_staff class")
        if r["extends"] is not None:
            base = requests.get(r["extends"])
            need(base is not None and base["status"] == "approved", where + ": extends an approved request")
            need(base["pupil"] == r["pupil"] and base["professional"] == r["professional"], where + ": extends")
            need(d(base["last_session"]) < first, where + ": extension starts after the original")
        if r["id"] not in example_request_ids:
            need((last - first).days <= 7 * (settings["max_authorised_weeks"] - 1), where + ": too many weeks")
        for h in r.get("history", []):
            keys_exact(h, ["at", "by", "action", "reason"], where + " history")
            need(h["by"] in usernames, where + ": history by")
            dt.datetime.fromisoformat(h["at"])
        if r["status"] == "approved":
            need(pupil["ehcp"] is not None and r["ehcp_team_approval"] is not None, where + ": approval")
            need(check_state[r["professional"]][0] == "valid", where + ": professional checks not clear")
            need(any(c["share_with"] == r["professional"] and c["withdrawn_on"] is None for c in pupil["consent"]),
                 where + ": no consent to share with the professional")
            if r["personal_budget_linked"]:
                need(pupil["ehcp"]["personal_budget"] is not None, where + ": no personal budget")
            if r["setting"] == "in_school":
                need(r["classroom_sessions_agreed"] and r["space"] and r["class_staff"], where + ": in-school")
        # live requests hold their slot (space or class room, class staff, pupil, professional)
        if r["status"] in {"draft", "submitted", "approved", "suspended"}:
            resources = {("pupil", r["pupil"]), ("professional", r["professional"])}
            if r["setting"] == "in_school":
                room = r["space"] or classes[pupil["class"]]["room"]
                resources.add(("space", room))
                if r["class_staff"]:
                    resources.add(("staff", r["class_staff"]))
            for day in weekly_dates(first, last):
                occupancy.append((r["id"], day, hm(r["start_time"]), hm(r["end_time"]), resources))

    # no overlaps: same date, overlapping half-open times, a shared resource
    by_day: dict[dt.date, list] = {}
    for occ in occupancy:
        by_day.setdefault(occ[1], []).append(occ)
    for day, items in sorted(by_day.items()):
        for i, (la, _, sa, ea, ra) in enumerate(items):
            for lb, _, sb, eb, rb in items[i + 1:]:
                if sa < eb and sb < ea and la != lb:
                    shared = ra & rb
                    # a request and its extension never meet (checked above), so any share is a clash
                    need(not shared, f"overlap on {day}: {la} and {lb} share {sorted(shared)}")

    # advice requests and assessments
    # annual reviews (checked first: advice may name a review meeting)
    def team(upn: str) -> set[str]:
        """The professionals around a pupil, as the app works them out (key worker, sessions, advice, requests)."""
        found = set()
        kw = pupils[upn]["key_worker"] or {}
        if kw.get("professional"):
            found.add(kw["professional"])
        found |= {b["professional"] for b in data["bookings"]
                  if b["professional"] and b["status"] == "booked" and upn in b["pupils"]}
        found |= {a["professional"] for a in data["advice_requests"] if a["pupil"] == upn}
        found |= {r["professional"] for r in data["requests"]
                  if r["pupil"] == upn and r["status"] in {"submitted", "approved", "suspended"}}
        return found

    review_keys = ["pupil", "meeting_on", "meeting_at", "place", "status", "cancelled_reason", "invitations_sent_on",
                   "child_views", "parent_views", "budget_review", "proposed_amendments", "report_sent_on",
                   "la_decision_on", "amendment_notice_on", "final_plan_on", "created_by", "created_at", "invitees",
                   "circulations"]
    review_meetings = set()
    planned_pupils = set()
    staff_names = {s["name"] for s in data["staff"]}
    for i, r in enumerate(data.get("annual_reviews", [])):
        where = f"annual_reviews[{i}]"
        keys_exact(r, review_keys, where)
        pupil = pupils.get(r["pupil"])
        need(pupil is not None and pupil["ehcp"] is not None, where + ": pupil with an EHCP")
        meeting = d(r["meeting_on"])
        review_meetings.add((r["pupil"], r["meeting_on"]))
        need(r["status"] in {"planned", "held", "cancelled"}, where + ": status")
        need(school_day(meeting), where + ": meeting not on a school day")
        need(r["meeting_at"] is None or day_start <= hm(r["meeting_at"]) < day_end, where + ": meeting time")
        need(r["created_by"] in usernames and dt.datetime.fromisoformat(r["created_at"]).date() <= DEMO_TODAY,
             where + ": created")
        need((r["cancelled_reason"] is not None) == (r["status"] == "cancelled"), where + ": cancelled_reason")
        if r["status"] == "planned":
            need(r["pupil"] not in planned_pupils, where + ": two planned reviews")
            planned_pupils.add(r["pupil"])
            need(meeting >= DEMO_TODAY, where + ": planned meeting in the past")
        if r["status"] == "held":
            need(meeting <= DEMO_TODAY and pupil["ehcp"]["last_review"] == r["meeting_on"],
                 where + ": a held meeting is the pupil's last review")
        after = [r[k] for k in ("report_sent_on", "la_decision_on", "amendment_notice_on", "final_plan_on")]
        need(r["status"] == "held" or after == [None] * 4, where + ": paperwork after a meeting not held")
        need(all(x is None or r["meeting_on"] <= x <= DEMO_TODAY.isoformat() for x in after), where + ": after dates")
        need(r["final_plan_on"] is None or r["amendment_notice_on"] is not None, where + ": final plan before notice")
        if r["invitations_sent_on"] is not None:
            need(d(r["invitations_sent_on"]) <= min(meeting - dt.timedelta(weeks=2), DEMO_TODAY),
                 where + ": invitations at least two weeks before")
        pupil_team = team(r["pupil"]) if pupil else set()
        for inv in r["invitees"]:
            keys_exact(inv, ["role", "name", "professional", "removed_on"], where + " invitee")
            need(inv["role"] in {"parent", "young_person", "professional", "class_teacher", "social_worker", "other"},
                 where + ": invitee role")
            if inv["role"] == "professional":
                need(inv["professional"] in pupil_team and pros[inv["professional"]]["name"] == inv["name"],
                     where + f": invitee {inv['name']} is not in the pupil's team")
            else:
                need(inv["professional"] is None, where + ": invitee professional")
            if inv["role"] == "parent":
                need(any(c["name"] == inv["name"] and c["parental_responsibility"] for c in pupil["contacts"]),
                     where + f": invitee {inv['name']} is not a parent")
            if inv["role"] == "class_teacher":
                need(inv["name"] in staff_names, where + f": invitee {inv['name']} is not on the staff")
        for c in r["circulations"]:
            keys_exact(c, ["document", "sent_to", "sent_on", "recorded_by"], where + " circulation")
            need(c["document"] and c["sent_to"] and c["recorded_by"] in usernames, where + ": circulation")
            need(d(c["sent_on"]) <= DEMO_TODAY, where + ": circulation in the future")

    # outcomes and targets
    for i, o in enumerate(data.get("outcomes", [])):
        where = f"outcomes[{i}]"
        keys_exact(o, ["pupil", "area", "text", "set_on", "status", "ended_on", "targets"], where)
        pupil = pupils.get(o["pupil"])
        need(pupil is not None and pupil["ehcp"] is not None, where + ": pupil with an EHCP")
        need(o["area"] in pupil["areas_of_need"], where + ": area not one of the pupil's areas of need")
        need(d(pupil["ehcp"]["issued"]) <= d(o["set_on"]) <= DEMO_TODAY, where + ": set_on")
        pupil_team = team(o["pupil"])
        for item, what in [(o, "outcome"), *((t, "target") for t in o["targets"])]:
            need(item["status"] in {"current", "achieved", "ceased"}, f"{where}: {what} status")
            need((item["ended_on"] is None) == (item["status"] == "current"), f"{where}: {what} ended_on")
            need(item["ended_on"] is None or item["set_on"] <= item["ended_on"] <= DEMO_TODAY.isoformat(),
                 f"{where}: {what} dates")
        need(1 <= len(o["targets"]) <= 3, where + ": 1-3 targets")
        for t in o["targets"]:
            keys_exact(t, ["text", "professional", "programme", "strategy", "set_on", "status", "ended_on"],
                       where + " target")
            need(t["professional"] is None or t["professional"] in pupil_team,
                 where + f": target set by {t['professional']}, who is not in the pupil's team")
            need(o["set_on"] <= t["set_on"] <= DEMO_TODAY.isoformat(), where + ": target set_on")
            need(t["programme"] and t["strategy"], where + ": target programme and strategy")

    for i, a in enumerate(data["advice_requests"]):
        where = f"advice_requests[{i}]"
        keys_exact(a, ["pupil", "professional", "kind", "requested_on", "due", "received_on", "purpose"], where,
                   optional=["review_meeting_on"])
        need(a["pupil"] in pupils and a["professional"] in pros, where + ": references")
        need(a["kind"] in {"needs_assessment", "annual_review"}, where + ": kind")
        need((a["due"] is None) == (a["kind"] == "needs_assessment"), where + ": due")
        if a["kind"] == "annual_review":
            need(pupils[a["pupil"]]["ehcp"] is not None, where + ": annual review without a plan")
        if "review_meeting_on" in a:
            need(a["kind"] == "annual_review" and (a["pupil"], a["review_meeting_on"]) in review_meetings,
                 where + ": review_meeting_on names no review meeting of the pupil")
            need(d(a["due"]) == d(a["review_meeting_on"]) - dt.timedelta(weeks=2),
                 where + ": advice for a review is due two weeks before the meeting")
    for i, a in enumerate(data["assessments"]):
        where = f"assessments[{i}]"
        keys_exact(a, ["pupil", "requested_on", "decision_to_assess_on", "draft_issued_on", "final_issued_on"], where,
                   optional=["decision_to_issue_on"])
        need(a["pupil"] in pupils, where + ": pupil")
        stages = [a["requested_on"], a["decision_to_assess_on"], a.get("decision_to_issue_on"), a["draft_issued_on"],
                  a["final_issued_on"]]
        filled = [x for x in stages if x is not None]
        need(stages[: len(filled)] == filled and filled == sorted(filled), where + ": stages in order")

    # consent share_with: a professional id or an organisation name (not an unknown id-looking string)
    for p in data["pupils"]:
        for c in p["consent"]:
            looks_like_id = "-" in c["share_with"] and " " not in c["share_with"]
            need(not looks_like_id or c["share_with"] in pros, f"pupil {p['upn']}: consent share_with")

    if problems:
        raise AssertionError("demo school is inconsistent:\n  " + "\n  ".join(problems))
    return check_state


def summary(data: dict, check_state: dict) -> str:
    lines = []
    for key, value in data.items():
        if isinstance(value, list):
            lines.append(f"{key}: {len(value)}")
    pupils = data["pupils"]
    under_five = [p["first_name"] for p in pupils if age_on(d(p["date_of_birth"]), DEMO_TODAY) < 5]
    overdue, soon = [], []
    for p in pupils:
        e = p["ehcp"]
        if e is None:
            continue
        months = 6 if age_on(d(p["date_of_birth"]), DEMO_TODAY) < 5 else 12
        due = add_months(d(e["last_review"]), months)
        if due < DEMO_TODAY:
            overdue.append(p["first_name"])
        elif (due - DEMO_TODAY).days <= 42:
            soon.append(p["first_name"])
    lines.append(f"under five: {under_five}")
    lines.append(f"reviews overdue: {overdue}; due within 6 weeks: {soon}")
    lines.append(f"looked after: {sum(p['looked_after'] is not None for p in pupils)}; "
                 f"with EHCP: {sum(p['ehcp'] is not None for p in pupils)}; "
                 f"attendance below threshold: "
                 f"{sum(p['attendance']['percent'] < data['settings']['attendance_threshold_percent'] for p in pupils)}")
    for pid, (state, why) in check_state.items():
        lines.append(f"  {pid:14} {state:8} {', '.join(why)}")
    return "\n".join(lines)


def main() -> None:
    state = check(data, original)
    with open(OUTPUT, "w", encoding="utf-8", newline="\n") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")
    # re-read what was written and check it again
    state = check(json.loads(OUTPUT.read_text(encoding="utf-8")), original)
    print(f"wrote {OUTPUT}")
    print(summary(data, state))


if __name__ == "__main__":
    main()
