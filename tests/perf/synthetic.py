"""A large synthetic school for benchmarks: 400 pupils, 250 professionals, 40 spaces (and more to come).

Deterministic (seeded); valid `fairfields-school/1`, so it loads through the same service as a real
school. `large_school()` returns the document; later benchmarks add bookings, requests and visits.
"""

from __future__ import annotations

import copy
import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path

from fairfields_desktop.domain.upn import CHECK_ALPHABET

DATA = Path(__file__).parent.parent / "data"
FIRST = ["Amara", "Ben", "Chloe", "Dev", "Ela", "Finn", "Grace", "Harun", "Isla", "Jack", "Kai", "Lena", "Mo",
         "Nia", "Oğuz", "Priya", "Quinn", "Rosa", "Siobhán", "Tom", "Uma", "Vik", "Wren", "Xander", "Yara", "Zoë",
         "Łukasz", "Aoife", "Bilal", "Cara"]
LAST = ["Osei", "Hughes", "Nowak", "Sharma", "Yılmaz", "Kelly", "Lee", "Patel", "Okafor", "Brown", "Smith", "Khan",
        "Murphy", "Jones", "Williams", "Taylor", "Davies", "Evans", "Wilson", "Thomas", "Roberts", "Walker"]
DISCIPLINES = ["speech_and_language_therapy", "occupational_therapy", "physiotherapy", "music_therapy",
               "art_therapy", "school_nursing", "visual_impairment_teaching", "hearing_impairment_teaching"]
AREAS = ["communication_and_interaction", "cognition_and_learning", "social_emotional_and_mental_health",
         "sensory_and_physical"]


def upn(serial: int, year: int = 20) -> str:
    body = f"3197001{year:02d}{serial:03d}"
    total = sum(int(c) * p for p, c in enumerate(body, start=2))
    return CHECK_ALPHABET[total % 23] + body


def large_school(pupils: int = 400, professionals: int = 250, spaces: int = 40, seed: int = 2026) -> dict:
    rng = random.Random(seed)
    doc = copy.deepcopy(json.loads((DATA / "example-school.json").read_text(encoding="utf-8")))
    for key in ("bookings", "requests", "advice_requests", "assessments"):
        doc[key] = []
    doc["pupils"], doc["professionals"] = [], []
    classes = [f"Class {i + 1:02d}" for i in range(40)]
    doc["spaces"] = [{"name": f"{c} Room", "kind": "classroom", "capacity": 12} for c in classes]
    kinds = ["therapy_room", "sensory_room", "soft_play", "pool", "meeting_room", "group_room"]
    doc["spaces"] += [{"name": f"Shared Space {i + 1:02d}", "kind": kinds[i % len(kinds)], "capacity": 6}
                      for i in range(spaces)]
    doc["classes"] = [{"name": c, "room": f"{c} Room"} for c in classes]
    doc["staff"] = doc["staff"][:3] + [
        {"id": f"t{i:02d}", "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "role": "Class teacher",
         "class": c} for i, c in enumerate(classes)]
    doc["users"] = [u for u in doc["users"] if u["username"] in ("hcarter", "mokafor", "sbrown", "admin")]
    today = date(2026, 11, 23)
    for i in range(professionals):
        kind = ("statutory", "commissioned", "independent")[i % 3]
        school_check = kind == "independent"
        doc["professionals"].append({
            "id": f"pro-{i:03d}", "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "discipline": rng.choice(DISCIPLINES), "kind": kind, "organisation": f"Service {i % 37}",
            "email": f"pro{i}@example.org", "phone": None,
            "checks": {
                "dbs": {"type": "school_check" if school_check else "employer_assurance",
                        "date": (today - timedelta(days=rng.randint(30, 1500))).isoformat(),
                        "given_by": None if school_check else "Service manager",
                        "certificate": f"{rng.randint(10**11, 10**12 - 1)}" if school_check else None,
                        "barred_list": rng.random() > 0.02, "update_service": rng.random() > 0.5},
                "registration": {"body": "HCPC", "number": f"XX{i:05d}",
                                 "checked_on": (today - timedelta(days=rng.randint(1, 500))).isoformat()},
                "insurance_expires": (today + timedelta(days=rng.randint(-20, 400))).isoformat()
                if kind != "statutory" else None}})
    for i in range(pupils):
        year = rng.randint(1, 13)
        born = date(2026 - year - 5, 9, 1) + timedelta(days=rng.randint(0, 364))
        last_review = today - timedelta(days=rng.randint(10, 420))
        doc["pupils"].append({
            "upn": upn(i), "first_name": rng.choice(FIRST), "last_name": rng.choice(LAST),
            "date_of_birth": born.isoformat(), "year_group": year, "class": classes[i % len(classes)],
            "attendance": {"percent": round(rng.uniform(80, 100), 1), "as_of": "2026-11-20"},
            "ehcp": {"issued": (last_review - timedelta(days=400)).isoformat(), "last_review": last_review.isoformat(),
                     "personal_budget": None},
            "areas_of_need": rng.sample(AREAS, rng.randint(1, 2)),
            "contacts": [{"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "relationship": "mother",
                          "parental_responsibility": True, "phone": "07700 900000", "email": None}],
            "looked_after": None if rng.random() > 0.05 else {"local_authority": "Sutton", "social_worker": "A Smith"},
            "key_worker": {"professional": f"pro-{rng.randrange(professionals):03d}"},
            "consent": [],
        })
    return doc


# --- six school years of weekly bookings ----------------------------------------------------------------
SLOTS = ((9, 0), (9, 50), (10, 40), (11, 30), (13, 0), (13, 50))  # 45 minutes each; 14:40-15:10 left free
SCHOOL_YEARS = tuple(range(2021, 2027))  # 2021-22 … 2026-27


def school_terms(first_year: int = SCHOOL_YEARS[0], last_year: int = SCHOOL_YEARS[-1]) -> list[dict]:
    """Three terms a year with half terms, in the usual English pattern."""
    terms = []
    for year in range(first_year, last_year + 1):
        def monday_near(d: date) -> date:
            return d - timedelta(days=d.weekday())

        autumn_half = monday_near(date(year, 10, 26))
        spring_half = monday_near(date(year + 1, 2, 15))
        summer_half = monday_near(date(year + 1, 5, 31))
        terms += [
            {"name": f"Autumn {year}", "first_day": date(year, 9, 3).isoformat(),
             "last_day": date(year, 12, 18).isoformat(),
             "closures": [{"from": autumn_half.isoformat(), "to": (autumn_half + timedelta(days=4)).isoformat(),
                           "why": "Half term"}]},
            {"name": f"Spring {year + 1}", "first_day": date(year + 1, 1, 5).isoformat(),
             "last_day": date(year + 1, 3, 26).isoformat(),
             "closures": [{"from": spring_half.isoformat(), "to": (spring_half + timedelta(days=4)).isoformat(),
                           "why": "Half term"}]},
            {"name": f"Summer {year + 1}", "first_day": date(year + 1, 4, 12).isoformat(),
             "last_day": date(year + 1, 7, 21).isoformat(),
             "closures": [{"from": summer_half.isoformat(), "to": (summer_half + timedelta(days=4)).isoformat(),
                           "why": "Half term"}]},
        ]
    return terms


def build_large_school(url: str, today: date = date(2026, 11, 23)):  # noqa: ANN201
    """Open ``url`` (empty), load the large school and bulk-insert six years of weekly bookings.

    Returns the services and how many occurrence rows were written.
    """
    from sqlalchemy import insert, select

    from fairfields_desktop.app import open_services
    from fairfields_desktop.domain.dataset import calendar_from_terms
    from fairfields_desktop.store.models import (
        BookingOccurrenceRow,
        BookingPupilRow,
        BookingRow,
        ProfessionalRow,
        PupilRow,
        SpaceRow,
    )

    doc = large_school()
    doc["terms"] = school_terms()
    services = open_services(url, today=today)
    services.dataset.load(doc)
    calendar = calendar_from_terms(doc["terms"])
    rng = random.Random(7)
    with services.db.session() as session:
        spaces = session.execute(select(SpaceRow.id, SpaceRow.name).where(SpaceRow.kind != "classroom")).all()
        pros = list(session.scalars(select(ProfessionalRow.id)))
        pupils = list(session.scalars(select(PupilRow.id)))
        bookings, occurrences, links = [], [], []
        next_id = 1
        for year in SCHOOL_YEARS:
            first = date(year, 9, 3)
            until = date(year + 1, 7, 21)
            for space_id, _name in spaces:
                for weekday in range(5):
                    start_day = first + timedelta(days=(weekday - first.weekday()) % 7)
                    days = calendar.weekly_dates(start_day, until)
                    for hour, minute in SLOTS:
                        start = datetime.combine(days[0], datetime.min.time()).replace(hour=hour, minute=minute)
                        bookings.append({"id": next_id, "ext_id": f"s-{next_id:06d}", "space_id": space_id,
                                         "starts_at": start, "ends_at": start + timedelta(minutes=45),
                                         "professional_id": rng.choice(pros), "purpose": "weekly session",
                                         "repeat_weekly_until": until, "status": "booked", "version": 1})
                        links.append({"booking_id": next_id, "pupil_id": rng.choice(pupils), "position": 0})
                        for day in days:
                            s = datetime.combine(day, start.time())
                            occurrences.append({"booking_id": next_id, "space_id": space_id, "starts_at": s,
                                                "ends_at": s + timedelta(minutes=45), "status": "booked",
                                                "individually": False})
                        next_id += 1
        session.execute(insert(BookingRow), bookings)
        session.execute(insert(BookingPupilRow), links)
        for chunk in range(0, len(occurrences), 20_000):
            session.execute(insert(BookingOccurrenceRow), occurrences[chunk:chunk + 20_000])
    return services, len(occurrences)


def add_requests(services, count: int = 200, seed: int = 11) -> int:  # noqa: ANN001
    """Independent-therapy requests for the large school: ``count`` undecided, plus some in every decided state.
    Added once: the benchmarks that need them share one school (a second call adds nothing)."""
    from sqlalchemy import func, insert, select

    from fairfields_desktop.store.models import ProfessionalRow, PupilRow, RequestRow, SpaceRow, StaffRow

    rng = random.Random(seed)
    weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday")
    with services.db.session() as session:
        added = session.scalar(select(func.count()).select_from(RequestRow).where(RequestRow.ext_id.like("r-____")))
        if added:
            return added
        pros = list(session.scalars(select(ProfessionalRow.id).where(ProfessionalRow.kind == "independent")))
        pupils = list(session.scalars(select(PupilRow.id)))
        spaces = list(session.scalars(select(SpaceRow.id).where(SpaceRow.kind != "classroom")))
        staff = list(session.scalars(select(StaffRow.id).where(StaffRow.class_id.is_not(None))))
        rows = []
        statuses = ["submitted"] * count + ["draft"] * 20 + ["approved"] * 40 + ["declined"] * 15 + \
            ["suspended"] * 10 + ["ended"] * 15
        for n, status in enumerate(statuses, start=1):
            first = date(2027, 1, 4) + timedelta(days=rng.randrange(0, 60))
            first += timedelta(days=(7 - first.weekday()) % 7 if first.weekday() > 4 else 0)
            last = first + timedelta(weeks=rng.randint(4, 14))
            in_school = rng.random() < 0.7
            hour = rng.choice((9, 10, 11, 13, 14))
            rows.append({
                "ext_id": f"r-{n:04d}", "pupil_id": rng.choice(pupils), "professional_id": rng.choice(pros),
                "setting": "in_school" if in_school else "off_site", "first_session": first, "last_session": last,
                "weekday": weekdays[first.weekday()], "start_time": datetime.min.time().replace(hour=hour, minute=40),
                "end_time": datetime.min.time().replace(hour=hour + 1, minute=20),
                "ehcp_approval_on": date(2026, 11, 2) if rng.random() < 0.8 else None,
                "ehcp_approval_reference": "EHCP-TEAM-2026-001", "personal_budget_linked": rng.random() < 0.8,
                "classroom_sessions_agreed": rng.random() < 0.8,
                "space_id": rng.choice(spaces) if in_school and rng.random() < 0.7 else None,
                "class_staff_id": rng.choice(staff), "status": status, "version": 1})
        session.execute(insert(RequestRow), rows)
    return len(rows)
