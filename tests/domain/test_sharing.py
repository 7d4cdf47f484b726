"""Consent as data: what may go to whom on the day of sharing, and who may give consent."""

from __future__ import annotations

from datetime import date

import pytest

from fairfields_desktop.domain.sharing import (
    PARENT,
    SECTIONS,
    YOUNG_PERSON,
    ConsentFacts,
    Recipient,
    allowed_sections,
    compulsory_school_age_ends,
    consent_problems,
    left_out,
    may_consent_themself,
    why_not,
)

KAREN = Recipient("Karen Walsh (Walsh Paediatric OT)", professional="ind-ot-1", organisation="Walsh Paediatric OT")
RACHEL = Recipient("Rachel Green (NHS SLT)", professional="nhs-slt-1", organisation="NHS SLT")
DAY = date(2026, 12, 7)


def consent(*sections: str, to: str | None = "ind-ot-1", org: str | None = None, given: date = date(2026, 9, 10),
            until: date | None = None, withdrawn: date | None = None) -> ConsentFacts:
    return ConsentFacts(to, org, frozenset(sections), given, until, withdrawn)


class TestScope:
    def test_only_the_sections_named_go(self):
        assert allowed_sections([consent("attendance", "outcomes")], KAREN, DAY) == {"attendance", "outcomes"}

    def test_every_section_on_its_own(self):
        for section in SECTIONS:
            assert allowed_sections([consent(section)], KAREN, DAY) == {section}

    def test_a_consent_to_someone_else_gives_nothing(self):
        assert allowed_sections([consent("attendance", to="nhs-slt-1")], KAREN, DAY) == set()
        assert allowed_sections([consent("attendance")], RACHEL, DAY) == set()

    def test_a_consent_to_the_organisation_covers_its_professional(self):
        org = consent("advice", to=None, org="walsh paediatric ot")
        assert allowed_sections([org], KAREN, DAY) == {"advice"}
        assert allowed_sections([org], Recipient("Walsh Paediatric OT", organisation="Walsh Paediatric OT"),
                                DAY) == {"advice"}
        assert allowed_sections([org], RACHEL, DAY) == set()

    def test_two_consents_add_up(self):
        assert allowed_sections([consent("attendance"), consent("budget")], KAREN, DAY) == {"attendance", "budget"}

    def test_the_reason_for_a_section_left_out(self):
        assert why_not([consent("attendance")], KAREN, "health", DAY) == \
            "no consent in force for Karen Walsh (Walsh Paediatric OT) on 7 Dec 2026"
        assert why_not([consent("attendance")], KAREN, "attendance", DAY) is None

    def test_proposed_amendments_need_health_outcomes_and_provision(self):
        out = left_out([consent("outcomes", "provision")], KAREN, DAY)
        assert "adulthood" not in out and "outcomes" not in out
        assert out["amendments"].startswith("shared only with consent to provision and sessions, outcomes and "
                                            "progress and health details; health details: no consent in force")
        assert "amendments" not in left_out([consent("outcomes", "provision", "health")], KAREN, DAY)

    def test_the_invitee_list_goes_with_the_team(self):
        assert "invitees" in left_out([consent("attendance")], KAREN, DAY)
        assert "invitees" not in left_out([consent("team")], KAREN, DAY)


class TestDates:
    def test_in_force_from_the_day_given(self):
        given = consent("attendance", given=DAY)
        assert allowed_sections([given], KAREN, DAY) == {"attendance"}
        assert allowed_sections([given], KAREN, date(2026, 12, 6)) == set()
        assert why_not([given], KAREN, "attendance", date(2026, 12, 6)) == "consent only from 7 Dec 2026"

    def test_expiry_includes_its_last_day(self):
        ending = consent("attendance", until=DAY)
        assert allowed_sections([ending], KAREN, DAY) == {"attendance"}
        assert allowed_sections([ending], KAREN, date(2026, 12, 8)) == set()
        assert why_not([ending], KAREN, "attendance", date(2026, 12, 8)) == "consent ended on 7 Dec 2026"

    def test_withdrawn_from_the_day_of_withdrawal(self):
        withdrawn = consent("health", withdrawn=DAY)
        assert allowed_sections([withdrawn], KAREN, date(2026, 12, 6)) == {"health"}
        assert allowed_sections([withdrawn], KAREN, DAY) == set()
        assert why_not([withdrawn], KAREN, "health", date(2026, 12, 9)) == "consent withdrawn on 7 Dec 2026"

    def test_a_withdrawn_consent_gives_way_to_a_new_one(self):
        consents = [consent("health", withdrawn=date(2026, 11, 1)), consent("health", given=date(2026, 11, 20))]
        assert allowed_sections(consents, KAREN, DAY) == {"health"}


class TestFreeText:
    def words(self, what_to: str = "ind-ot-1") -> ConsentFacts:
        return ConsentFacts(None, None, None, date(2026, 9, 10), share_with=what_to)

    def test_free_text_shares_nothing(self):
        assert allowed_sections([self.words()], KAREN, DAY) == set()
        assert allowed_sections([self.words("Walsh Paediatric OT")], KAREN, DAY) == set()

    def test_free_text_is_named_as_to_be_reviewed(self):
        for section in SECTIONS:
            assert why_not([self.words()], KAREN, section, DAY).startswith("consent to be reviewed")
        assert why_not([self.words("someone else")], KAREN, "views", DAY).startswith("no consent in force")


class TestWhoGivesConsent:
    def test_the_school_leaving_date(self):
        # born in the autumn: turns 16 in Year 11's autumn, leaves at its end in June
        assert compulsory_school_age_ends(date(2010, 10, 4)) == date(2027, 6, 25)
        # born in the summer: turns 16 after the leaving date of the same school year
        assert compulsory_school_age_ends(date(2011, 8, 31)) == date(2027, 6, 25)
        assert compulsory_school_age_ends(date(2010, 9, 1)) == date(2027, 6, 25)
        assert compulsory_school_age_ends(date(2011, 6, 30)) == date(2027, 6, 25)

    def test_past_compulsory_school_age_from_the_day_after(self):
        assert not may_consent_themself(date(2010, 10, 4), date(2027, 6, 25))
        assert may_consent_themself(date(2010, 10, 4), date(2027, 6, 26))
        assert not may_consent_themself(date(2010, 10, 4), date(2026, 10, 4))  # 16, but still of school age

    def check(self, **changes):
        values = dict(sections={"attendance"}, given_by_kind=PARENT, given_by="Abena Osei",
                      parents=("Abena Osei",), date_of_birth=date(2014, 3, 11), given_on=DAY, until=None,
                      today=DAY)
        return {p.where: p.message for p in consent_problems(**{**values, **changes})}

    def test_a_parent_with_parental_responsibility(self):
        assert self.check() == {}
        assert self.check(given_by="abena osei ") == {}
        assert "not one of the pupil's contacts with parental responsibility" in \
            self.check(given_by="Kofi Osei")["given_by"]
        assert "choose the parent" in self.check(given_by="")["given_by"]

    def test_the_young_person_only_past_compulsory_school_age(self):
        refused = self.check(given_by_kind=YOUNG_PERSON, given_by=None, date_of_birth=date(2010, 10, 4))
        assert "only once past compulsory school age (after 25 Jun 2027)" in refused["given_by"]
        assert self.check(given_by_kind=YOUNG_PERSON, given_by=None, date_of_birth=date(2009, 10, 4)) == {}

    @pytest.mark.parametrize(("changes", "field", "words"), [
        ({"sections": set()}, "sections", "tick at least one section"),
        ({"sections": {"diagnosis"}}, "sections", "not a section of the review pack"),
        ({"until": date(2026, 12, 6)}, "until", "before the day it was given"),
        ({"given_on": date(2026, 12, 8)}, "given_on", "cannot be dated in the future"),
        ({"given_by_kind": "neighbour"}, "given_by", "say who gave consent"),
    ])
    def test_each_problem_names_its_field(self, changes, field, words):
        assert words in self.check(**changes)[field]
