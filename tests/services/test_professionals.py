"""Professionals, their checks, and the visitors' log."""

from __future__ import annotations

from datetime import datetime

import pytest

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed, Refused


def pro(services, actor, ext_id: str):
    return next(p for p in services.professionals.list_professionals(actor) if p.ext_id == ext_id)


class TestChecks:
    def test_the_register_shows_each_check_state_in_words(self, school, actor):
        office = actor(school, "sbrown")
        levels = {p.ext_id: p.status.level for p in school.professionals.list_professionals(office)}
        assert levels == {"nhs-slt-1": "valid", "nhs-physio-1": "warning", "music-1": "valid",
                          "ind-ot-1": "valid", "ind-physio-1": "warning"}
        assert "re-check" in pro(school, office, "ind-physio-1").status.summary

    def test_the_office_records_expired_insurance_and_the_professional_is_blocked(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        karen = pro(sqlite_school, office, "ind-ot-1")
        values = sqlite_school.professionals.values(office, karen.id)
        values["checks"]["insurance_expires"] = "2026-11-01"
        saved = sqlite_school.professionals.save(office, values, karen.id, values.pop("version"))
        assert saved.status.level == "blocking"
        [finding] = saved.status.blocking
        assert finding.check == "insurance" and finding.renew

    def test_a_new_professional_with_bad_fields_is_refused_field_by_field(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        with pytest.raises(InvalidInput) as caught:
            sqlite_school.professionals.save(office, {
                "id": "Bad Id", "name": "", "discipline": "speech_and_language_therapy", "kind": "independent",
                "checks": {"dbs": {"type": "school_check", "date": "2030-01-01", "barred_list": True}}})
        assert {p.where for p in caught.value.problems} >= {"id", "name", "checks.dbs.date",
                                                            "checks.dbs.certificate"}

    def test_a_teacher_may_not_edit_the_register(self, sqlite_school, actor):
        teacher = actor(sqlite_school, "ttaylor")
        values = sqlite_school.professionals.values(teacher, pro(sqlite_school, teacher, "music-1").id)
        with pytest.raises(NotAllowed):
            sqlite_school.professionals.save(teacher, values)


class TestVisits:
    def test_sign_in_and_out_with_the_on_site_list(self, school, actor):
        office = actor(school, "sbrown")
        rachel = pro(school, office, "nhs-slt-1")
        amara = next(p.id for p in school.pupils.list_pupils(office) if p.first_name == "Amara")
        visit = school.professionals.sign_in_visitor(office, rachel.id, identity_checked=True, purpose="therapy",
                                                     pupil_ids=[amara], space="Therapy Room 1",
                                                     at=datetime(2026, 11, 23, 9, 20))
        [on_site] = school.professionals.on_site_now(office)
        assert (on_site.professional_name, on_site.where, on_site.pupils) == (
            "Rachel Green", "Therapy Room 1", ("Amara Osei",))
        school.professionals.sign_out_visitor(office, visit.id, at=datetime(2026, 11, 23, 10, 30))
        assert school.professionals.on_site_now(office) == []
        [logged] = school.professionals.visits(office, datetime(2026, 11, 23).date(), datetime(2026, 11, 23).date())
        assert logged.signed_out_at == datetime(2026, 11, 23, 10, 30)

    def test_identity_must_be_checked(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        with pytest.raises(InvalidInput, match="identity"):
            sqlite_school.professionals.sign_in_visitor(office, pro(sqlite_school, office, "music-1").id,
                                                        identity_checked=False, purpose="observation")

    def test_a_blocked_professional_cannot_be_signed_in_to_work_with_pupils(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        karen = pro(sqlite_school, office, "ind-ot-1")
        values = sqlite_school.professionals.values(office, karen.id)
        values["checks"]["insurance_expires"] = "2026-11-01"
        sqlite_school.professionals.save(office, values, karen.id)
        with pytest.raises(Refused, match="insurance expired"):
            sqlite_school.professionals.sign_in_visitor(office, karen.id, identity_checked=True, purpose="therapy")
        assert sqlite_school.professionals.on_site_now(office) == []

    def test_signing_in_twice_is_refused(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        grace = pro(sqlite_school, office, "music-1")
        sqlite_school.professionals.sign_in_visitor(office, grace.id, identity_checked=True, purpose="meeting")
        with pytest.raises(InvalidInput, match="already signed in"):
            sqlite_school.professionals.sign_in_visitor(office, grace.id, identity_checked=True, purpose="meeting")


class TestNoLongerWorkingHere:
    def test_marked_with_a_reason_kept_audited_and_offered_for_nothing_new(self, school, actor):
        from datetime import date

        from fairfields_desktop.domain.errors import Refused
        from fairfields_desktop.services.bookings import BookingDraft

        office = actor(school, "sbrown")
        karen = pro(school, office, "ind-ot-1")
        with pytest.raises(InvalidInput, match="say why"):
            school.professionals.set_active(office, karen.id, False, "  ")
        with pytest.raises(NotAllowed):
            school.professionals.set_active(actor(school, "ttaylor"), karen.id, False, "left")
        saved = school.professionals.set_active(office, karen.id, False, "contract ended July 2026", karen.version)
        assert not saved.active and saved.version > karen.version
        assert not pro(school, office, "ind-ot-1").active  # kept on the register
        with pytest.raises(Refused, match="already marked"):
            school.professionals.set_active(office, karen.id, False, "again")
        with pytest.raises(NotAllowed, match="no longer works with the school"):
            school.professionals.sign_in_visitor(office, karen.id, identity_checked=True, purpose="therapy")
        with pytest.raises(InvalidInput, match="no longer works with the school"):
            school.bookings.book(office, BookingDraft(space="Therapy Room 1", start=datetime(2026, 11, 30, 13, 0),
                                                      end=datetime(2026, 11, 30, 13, 30), professional="ind-ot-1"))
        [entry] = school.audit.search(actor(school, "admin"), entity="professional", text="contract ended")
        assert (entry.username, entry.before, entry.after) == ("sbrown", {"active": True}, {"active": False})
        back = school.professionals.set_active(office, karen.id, True)
        assert back.active
        [booked] = school.bookings.book(office, BookingDraft(space="Therapy Room 1",
                                                             start=datetime(2026, 11, 30, 13, 0),
                                                             end=datetime(2026, 11, 30, 13, 30),
                                                             professional="ind-ot-1"))
        assert booked.start.date() == date(2026, 11, 30)
