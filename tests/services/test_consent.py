"""Consent as data through the services: recording, checking each field, reviewing the free text of before,
withdrawing; the dataset and a school upgraded from an older release keep free text "to be reviewed"."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from fairfields_desktop.domain.dataset import validate_dataset
from fairfields_desktop.domain.errors import InvalidInput, NotAllowed, StaleRecord
from fairfields_desktop.store.models import AuditRow

AMARA, BEN, CHLOE = "Z319700118114", "X319700119023", "X319700117077"
SCHEMAS = Path(__file__).parent.parent / "data" / "schemas"


@pytest.fixture
def senco(sqlite_school, actor):
    return actor(sqlite_school, "mokafor")


def problems(caught) -> dict[str, str]:
    return {p.where: p.message for p in caught.value.problems}


def add(services, who, upn: str, **values):
    values = {"professional": "ind-ot-1", "sections": ["attendance"], "given_by_kind": "parent",
              "given_by": "Abena Osei", "given_on": date(2026, 11, 2), **values}
    return services.pupils.add_consent(who, services.pupils.id_of(who, upn), **values)


class TestRecording:
    def test_a_consent_names_its_recipient_sections_giver_and_dates(self, sqlite_school, senco):
        consent = add(sqlite_school, senco, AMARA, sections=["outcomes", "attendance"], until=date(2027, 7, 31))
        assert consent.professional == "ind-ot-1" and consent.recipient == "Karen Walsh (Walsh Paediatric OT)"
        assert consent.sections == ("attendance", "outcomes")  # in pack order
        assert consent.shares == "attendance, outcomes and progress"
        assert consent.given_by == "Abena Osei (mother)" and consent.given_by_kind == "parent"
        assert (consent.given_on, consent.until, consent.to_be_reviewed) == (date(2026, 11, 2), date(2027, 7, 31),
                                                                             False)
        listed = sqlite_school.pupils.list_consents(senco, sqlite_school.pupils.id_of(senco, AMARA))
        assert listed[-1] == consent

    def test_to_an_organisation(self, sqlite_school, senco):
        consent = add(sqlite_school, senco, AMARA, professional=None, organisation="  Leeds Autism Outreach ")
        assert (consent.organisation, consent.professional, consent.recipient) == (
            "Leeds Autism Outreach", None, "Leeds Autism Outreach")

    @pytest.mark.parametrize(("values", "field", "words"), [
        ({"professional": "nobody-1"}, "recipient", "'nobody-1' is not on the register of professionals"),
        ({"professional": None, "organisation": "  "}, "recipient", "choose a professional from the register, or "
                                                                    "type an organisation's name"),
        ({"organisation": "CAMHS"}, "recipient", "not both"),
        ({"sections": []}, "sections", "tick at least one section"),
        ({"sections": ["diagnosis"]}, "sections", "diagnosis is not a section of the review pack"),
        ({"given_by": "Kofi Osei"}, "given_by", "not one of the pupil's contacts with parental responsibility"),
        ({"given_by_kind": "young_person", "given_by": None}, "given_by", "only once past compulsory school age"),
        ({"until": date(2026, 11, 1)}, "until", "before the day it was given"),
        ({"given_on": date(2026, 11, 24)}, "given_on", "cannot be dated in the future"),
    ])
    def test_each_problem_names_its_field(self, sqlite_school, senco, values, field, words):
        with pytest.raises(InvalidInput) as caught:
            add(sqlite_school, senco, AMARA, **values)
        assert words in problems(caught)[field]

    def test_a_contact_without_parental_responsibility_cannot_give_it(self, sqlite_school, senco):
        with pytest.raises(InvalidInput) as caught:  # Chloe's only contact has no parental responsibility
            add(sqlite_school, senco, CHLOE, given_by="Janet Mills")
        assert "Janet Mills is not one of the pupil's contacts with parental responsibility" in \
            problems(caught)["given_by"]
        choices = sqlite_school.pupils.consent_choices(senco, sqlite_school.pupils.id_of(senco, CHLOE))
        assert choices.givers == ()
        assert choices.young_person_from == date(2029, 6, 30)  # after the last Friday of June 2029

    def test_the_young_person_past_compulsory_school_age_gives_their_own(self, sqlite_school, senco, actor):
        head = actor(sqlite_school, "hcarter")
        values = sqlite_school.pupils.pupil_values(head, sqlite_school.pupils.id_of(head, CHLOE))
        values.update(date_of_birth="2008-10-04", year_group=13)
        sqlite_school.pupils.save_pupil(head, {k: v for k, v in values.items() if k != "version"},
                                        sqlite_school.pupils.id_of(head, CHLOE))
        choices = sqlite_school.pupils.consent_choices(senco, sqlite_school.pupils.id_of(senco, CHLOE))
        assert choices.givers == (("young_person", "Chloe Nowak", "Chloe Nowak (the young person)"),)
        consent = add(sqlite_school, senco, CHLOE, given_by_kind="young_person", given_by=None)
        assert consent.given_by == "Chloe Nowak (the young person)" and consent.given_by_kind == "young_person"

    def test_only_those_who_record_consent(self, sqlite_school, actor):
        for username in ("sbrown", "ttaylor", "admin"):
            with pytest.raises(NotAllowed):
                add(sqlite_school, actor(sqlite_school, username), AMARA)

    def test_a_stale_form_is_refused(self, sqlite_school, senco):
        version = sqlite_school.pupils.consent_version(senco, sqlite_school.pupils.id_of(senco, AMARA))
        add(sqlite_school, senco, AMARA)
        with pytest.raises(StaleRecord):
            add(sqlite_school, senco, AMARA, expected_version=version)


class TestFreeTextOfBefore:
    def test_kept_with_its_words_and_to_be_reviewed(self, sqlite_school, senco):
        [words] = sqlite_school.pupils.get_pupil(senco, sqlite_school.pupils.id_of(senco, AMARA)).consents
        assert words.to_be_reviewed and words.what == "progress notes" and words.share_with == "ind-ot-1"
        assert words.sections is None and words.facts.sections is None

    def test_reviewing_turns_it_into_data_keeping_the_words_and_is_audited(self, sqlite_school, senco):
        pupil_id = sqlite_school.pupils.id_of(senco, AMARA)
        [words] = sqlite_school.pupils.get_pupil(senco, pupil_id).consents
        reviewed = sqlite_school.pupils.review_consent(
            senco, words.id, professional="ind-ot-1", sections=["outcomes"], given_by_kind="parent",
            given_by="Abena Osei", given_on=date(2026, 9, 10))
        assert not reviewed.to_be_reviewed and reviewed.sections == ("outcomes",)
        assert reviewed.what == "progress notes" and reviewed.reviewed_on == date(2026, 11, 23)
        with sqlite_school.db.read_session() as session:
            entry = session.query(AuditRow).filter_by(entity="consent", action="review").one()
        assert entry.username == "mokafor" and "progress notes" in str(entry.before)
        with pytest.raises(InvalidInput) as caught:  # reviewed once: a change is a new consent
            sqlite_school.pupils.review_consent(senco, words.id, professional="ind-ot-1", sections=["advice"],
                                                given_by_kind="parent", given_by="Abena Osei",
                                                given_on=date(2026, 9, 10))
        assert "withdraw it and record a new one" in problems(caught)["consent"]

    def test_a_review_is_checked_as_a_new_consent_is(self, sqlite_school, senco):
        [words] = sqlite_school.pupils.get_pupil(senco, sqlite_school.pupils.id_of(senco, AMARA)).consents
        with pytest.raises(InvalidInput) as caught:
            sqlite_school.pupils.review_consent(senco, words.id, sections=[], given_by_kind="parent",
                                                given_by="Abena Osei", given_on=date(2026, 9, 10))
        assert set(problems(caught)) == {"recipient", "sections"}


class TestTheDataset:
    def test_structured_consent_goes_out_and_comes_back(self, open_school, sqlite_url, tmp_path, example_doc,
                                                        actor):
        services = open_school(sqlite_url)
        services.dataset.load(example_doc)
        senco = actor(services, "mokafor")
        add(services, senco, AMARA, professional=None, organisation="Leeds Autism Outreach",
            sections=["health", "team"], until=date(2027, 3, 31))
        dumped = services.dataset.dump(actor(services, "admin"))
        amara = next(p for p in dumped["pupils"] if p["upn"] == AMARA)
        words, data = amara["consent"]
        assert "sections" not in words and words["what"] == "progress notes"
        assert {k: data[k] for k in ("share_with", "sections", "given_by_kind", "until", "what")} == {
            "share_with": "Leeds Autism Outreach", "sections": ["team", "health"], "given_by_kind": "parent",
            "until": "2027-03-31", "what": "the team around the child, health details"}
        again = open_school(f"sqlite:///{tmp_path / 'again.sqlite3'}")
        again.dataset.load(dumped)
        senco2 = actor(again, "mokafor")
        old, new = again.pupils.get_pupil(senco2, again.pupils.id_of(senco2, AMARA)).consents
        assert old.to_be_reviewed and old.what == "progress notes"
        assert (new.organisation, new.sections, new.until) == ("Leeds Autism Outreach", ("team", "health"),
                                                               date(2027, 3, 31))

    def test_a_bad_section_in_a_dataset_is_named(self, example_doc):
        example_doc["pupils"][0]["consent"][0]["sections"] = ["diagnosis"]
        found = validate_dataset(example_doc)
        assert any("pupils[0].consent[0].sections[0]" in p.where and "diagnosis" in p.message for p in found)
        example_doc["pupils"][0]["consent"][0].update(sections=["outcomes"], until="2026-01-01")
        found = validate_dataset(example_doc)
        assert any(p.where.endswith("consent[0].until") and "before the consent was given" in p.message
                   for p in found)
        assert any(p.where.endswith("consent[0].given_by_kind") for p in found)


class TestUpgrade:
    def test_a_school_of_an_older_release_keeps_its_consent_words_to_be_reviewed(self, tmp_path, open_school,
                                                                                   actor):
        copy = tmp_path / "0007-example.db"
        shutil.copy(SCHEMAS / "0007-example.db", copy)
        services = open_school(f"sqlite:///{copy}")
        senco = actor(services, "mokafor")
        [consent] = services.pupils.get_pupil(senco, services.pupils.id_of(senco, AMARA)).consents
        assert consent.to_be_reviewed and consent.what == "progress notes" and consent.share_with == "ind-ot-1"
        pack = services.reports.review_pack(senco, AMARA, "ind-ot-1")
        assert pack.outcomes is None and pack.attendance is None and pack.areas is None
        assert ("outcomes and progress", "consent to be reviewed (recorded in words before consent named "
                "sections)") in pack.left_out


def test_the_day_of_sharing_decides(open_school, sqlite_url, example_doc, actor):
    """The same pack made later: a consent that has ended by the day of sharing no longer shares."""
    services = open_school(sqlite_url)
    services.dataset.load(example_doc)
    senco = actor(services, "mokafor")
    add(services, senco, AMARA, sections=["attendance"], until=date(2026, 11, 30))
    assert services.reports.review_pack(senco, AMARA, "ind-ot-1").attendance is not None
    later = open_school(sqlite_url, today=date(2026, 12, 1))
    pack = later.reports.review_pack(actor(later, "mokafor"), AMARA, "ind-ot-1")
    assert pack.attendance is None and pack.shared_on == date(2026, 12, 1)
    assert ("attendance", "consent ended on 30 Nov 2026") in pack.left_out
