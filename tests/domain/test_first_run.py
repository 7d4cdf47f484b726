"""The first-run assistant's rules: the usual term dates and the new school's dataset."""

from __future__ import annotations

from datetime import date

from fairfields_desktop.domain.dataset import validate_dataset
from fairfields_desktop.domain.first_run import (
    academic_year_start,
    admin_problems,
    field_label,
    new_school_dataset,
    usual_terms,
)


def test_the_academic_year_turns_in_august():
    assert academic_year_start(date(2026, 11, 23)) == 2026
    assert academic_year_start(date(2027, 3, 1)) == 2026
    assert academic_year_start(date(2027, 8, 1)) == 2027


def test_the_usual_terms_of_the_year_holding_today_fall_on_weekdays():
    terms = usual_terms(date(2026, 11, 23))
    assert [t["name"] for t in terms] == ["Autumn 2026", "Spring 2027", "Summer 2027"]
    assert terms[0]["first_day"] == "2026-09-01"  # a Tuesday
    assert terms[0]["last_day"] == "2026-12-18"  # 20 December 2026 is a Sunday: the Friday before
    assert terms[1]["first_day"] == "2027-01-05"
    assert terms[2]["last_day"] == "2027-07-22"
    for term in terms:
        assert date.fromisoformat(term["first_day"]).weekday() < 5
        assert date.fromisoformat(term["last_day"]).weekday() < 5
        assert term["closures"] == []


def test_the_same_terms_in_spring():
    assert usual_terms(date(2027, 2, 1)) == usual_terms(date(2026, 9, 1))


def test_a_new_school_dataset_is_valid_and_holds_the_admin():
    doc = new_school_dataset(" Oak Tree School ", usual_terms(date(2026, 11, 23)), 92.5, " jsmith ",
                             "Jo Smith", "a long enough password")
    assert validate_dataset(doc) == []
    assert doc["settings"] == {"school_name": "Oak Tree School", "attendance_threshold_percent": 92.5}
    assert doc["staff"] == [{"id": "jsmith", "name": "Jo Smith", "role": "Administrator"}]
    assert doc["users"] == [{"username": "jsmith", "staff": "jsmith", "roles": ["admin"],
                             "password": "a long enough password"}]


def test_overlapping_terms_are_named_by_field():
    terms = usual_terms(date(2026, 11, 23))
    terms[1]["first_day"] = "2026-12-01"
    problems = validate_dataset(new_school_dataset("X", terms, 95, "jsmith", "Jo", "a long enough password"))
    assert [p.where for p in problems] == ["terms[1]"]
    assert field_label("terms[1].last_day") == "Spring term, last day"


def test_the_admin_is_checked_field_by_field():
    assert admin_problems("jsmith", "Jo Smith", "correct horse", "correct horse") == []
    wheres = {p.where for p in admin_problems("", "", "short", "other")}
    assert wheres == {"username", "name", "password", "repeat_password"}
    assert [p.where for p in admin_problems("j smith", "Jo", "correct horse", "correct horse")] == ["username"]
    assert [p.where for p in admin_problems("longusername", "Jo", "LongUsername", "LongUsername")] == ["password"]
