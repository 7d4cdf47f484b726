"""A large synthetic school for benchmarks: 400 pupils, 250 professionals, 40 spaces (and more to come).

Deterministic (seeded); valid `fairfields-school/1`, so it loads through the same service as a real
school. `large_school()` returns the document; later benchmarks add bookings, requests and visits.
"""

from __future__ import annotations

import copy
import json
import random
from datetime import date, timedelta
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
