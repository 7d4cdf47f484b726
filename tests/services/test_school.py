"""The school's settings and its terms."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed
from fairfields_desktop.store.models import AuditRow


def _audit(services, entity: str) -> list[AuditRow]:
    with services.db.read_session() as session:
        return session.scalars(select(AuditRow).where(AuditRow.entity == entity).order_by(AuditRow.id)).all()


class TestSettings:
    def test_an_admin_changes_the_threshold_and_the_change_is_audited(self, school, actor):
        admin = actor(school, "admin")
        values = school.school.settings_values()
        values["attendance_threshold_percent"] = 92.5
        saved = school.school.update_settings(admin, values)
        assert saved.attendance_threshold_percent == 92.5
        assert school.school.settings().attendance_threshold_percent == 92.5
        [entry] = _audit(school, "school_settings")
        assert entry.username == "admin"
        assert entry.before == {"attendance_threshold_percent": 95.0}
        assert entry.after == {"attendance_threshold_percent": 92.5}

    @pytest.mark.parametrize("username", ["hcarter", "mokafor", "sbrown", "ttaylor"])
    def test_only_an_admin_may_change_settings(self, sqlite_school, actor, username):
        values = sqlite_school.school.settings_values()
        values["school_name"] = "Elsewhere"
        with pytest.raises(NotAllowed):
            sqlite_school.school.update_settings(actor(sqlite_school, username), values)
        assert sqlite_school.school.settings().school_name == "Fairfields School"

    def test_a_school_day_ending_before_it_starts_names_the_field_and_saves_nothing(self, sqlite_school, actor):
        values = sqlite_school.school.settings_values()
        values["school_day"] = {"start": "15:00", "end": "09:00"}
        values["school_name"] = "Renamed"
        with pytest.raises(InvalidInput) as caught:
            sqlite_school.school.update_settings(actor(sqlite_school, "admin"), values)
        assert [p.where for p in caught.value.problems] == ["settings.school_day.end"]
        assert sqlite_school.school.settings().school_name == "Fairfields School"
        assert _audit(sqlite_school, "school_settings") == []

    def test_a_new_database_has_the_dataset_defaults(self, open_school, sqlite_url):
        settings = open_school(sqlite_url).school.settings()
        assert settings.attendance_threshold_percent == 90.0 and settings.max_authorised_weeks == 12


class TestTerms:
    def test_an_admin_adds_an_inset_day_and_it_stops_being_a_school_day(self, school, actor):
        terms = school.school.terms_values()
        assert school.school.calendar().is_school_day(date(2027, 1, 4)) is False  # before spring term
        assert school.school.calendar().is_school_day(date(2027, 1, 6))
        terms[1]["closures"].append({"from": "2027-01-06", "to": "2027-01-06", "why": "INSET day"})
        school.school.save_terms(actor(school, "admin"), terms)
        calendar = school.school.calendar()
        assert not calendar.is_school_day(date(2027, 1, 6))
        assert calendar.why_not_school_day(date(2027, 1, 6)) == "INSET day"
        [entry] = _audit(school, "terms")
        assert len(entry.after["terms"][1]["closures"]) == 2

    def test_bad_terms_are_refused_with_every_problem_and_nothing_changes(self, sqlite_school, actor):
        terms = sqlite_school.school.terms_values()
        terms[0]["last_day"] = "2026-08-01"
        terms[2]["closures"][0]["to"] = "3 May"
        with pytest.raises(InvalidInput) as caught:
            sqlite_school.school.save_terms(actor(sqlite_school, "admin"), terms)
        assert {p.where for p in caught.value.problems} == {"terms[0].last_day", "terms[2].closures[0].to"}
        assert sqlite_school.school.terms_values()[0]["last_day"] == "2026-12-18"

    def test_the_office_may_not_change_term_dates(self, sqlite_school, actor):
        with pytest.raises(NotAllowed):
            sqlite_school.school.save_terms(actor(sqlite_school, "sbrown"), [])
        assert len(sqlite_school.school.terms()) == 3


class TestLetterhead:
    def test_the_address_and_telephone_are_kept_trimmed_and_carried_by_a_dump(self, sqlite_school, actor):
        admin = actor(sqlite_school, "admin")
        assert sqlite_school.school.settings_values()["address"] is None
        assert "address" not in sqlite_school.dataset.dump(admin)["settings"]  # unset: not written
        sqlite_school.school.update_settings(admin, {"address": "  Fairfields Lane \n\nLeeds LS6 2AB\n",
                                                     "telephone": "0113 496 0000"})
        saved = sqlite_school.school.settings()
        assert saved.address_lines == ("Fairfields Lane", "Leeds LS6 2AB") and saved.telephone == "0113 496 0000"
        settings = sqlite_school.dataset.dump(admin)["settings"]
        assert (settings["address"], settings["telephone"]) == ("Fairfields Lane\nLeeds LS6 2AB", "0113 496 0000")
        sqlite_school.school.update_settings(admin, {"address": "", "telephone": ""})
        assert sqlite_school.school.settings().address is None and sqlite_school.school.settings().telephone is None

    @pytest.mark.parametrize(("values", "words"), [
        ({"telephone": "ring the office"}, "is not a telephone number"),
        ({"telephone": "12"}, "is not a telephone number"),
        ({"address": "x" * 401}, "at most 400 characters"),
        ({"address": "\n".join("line" for _ in range(8))}, "more than 7 lines"),
    ])
    def test_a_bad_letterhead_is_refused_naming_the_field(self, sqlite_school, actor, values, words):
        with pytest.raises(InvalidInput, match=words) as refused:
            sqlite_school.school.update_settings(actor(sqlite_school, "admin"), values)
        assert refused.value.problems[0].where == f"settings.{next(iter(values))}"
        assert sqlite_school.school.settings().telephone is None
