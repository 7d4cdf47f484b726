"""Ids the app makes for professionals and staff added without one; ids given (command line, dataset) kept."""

from __future__ import annotations

import re

import pytest

from fairfields_desktop.domain.errors import InvalidInput
from fairfields_desktop.domain.professionals import reference_prefix
from fairfields_desktop.domain.space_order import BUSIEST, CHOSEN, SCHOOL, order_spaces
from fairfields_desktop.services.bookings import SpaceInfo


def professional(name: str, kind: str = "independent", discipline: str = "occupational_therapy", **more) -> dict:
    return {"name": name, "kind": kind, "discipline": discipline, **more}


class TestProfessionals:
    def test_added_without_an_id_each_gets_its_own(self, school, actor):
        office = actor(school, "sbrown")
        first = school.professionals.save(office, professional("Ola Berg"))
        second = school.professionals.save(office, professional("Ola Berg", id=""))
        assert first.ext_id != second.ext_id
        assert re.fullmatch(r"ind-ot-\d{3}", first.ext_id) and re.fullmatch(r"ind-ot-\d{3}(-\d+)?", second.ext_id)
        edited = school.professionals.save(office, professional("Ola Berg-Smith", id=""), first.id, first.version)
        assert edited.ext_id == first.ext_id  # an edit without an id keeps theirs

    def test_an_id_given_is_kept_and_a_taken_one_refused(self, school, actor):
        office = actor(school, "sbrown")
        assert school.professionals.save(office, professional("Al Ng", id="la-ot-7")).ext_id == "la-ot-7"
        with pytest.raises(InvalidInput, match="already the id of Al Ng"):
            school.professionals.save(office, professional("Bo Ng", id="la-ot-7"))

    def test_an_id_made_is_never_one_loaded_earlier(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        probe = sqlite_school.professionals.save(office, professional("Probe"))
        number = int(probe.ext_id.rsplit("-", 1)[1])
        taken = f"ind-ot-{number + 1:03d}"  # the next row's id, already used by a professional given it
        sqlite_school.professionals.save(office, professional("Given", id=taken))
        made = sqlite_school.professionals.save(office, professional("Made"))
        assert made.ext_id not in (taken, probe.ext_id)

    @pytest.mark.parametrize(("kind", "discipline", "prefix"), [
        ("independent", "speech_and_language_therapy", "ind-slt"),
        ("statutory", "physiotherapy", "st-physio"),
        ("commissioned", "music_therapy", "com-mt"),
    ])
    def test_the_id_says_kind_and_discipline(self, kind, discipline, prefix):
        assert reference_prefix(kind, discipline) == prefix


class TestStaff:
    def test_added_without_an_id_gets_s_and_a_number(self, school, actor):
        admin = actor(school, "admin")
        saved = school.people.save_staff(admin, {"name": "Rosa Khan", "role": "Teaching assistant", "class": None})
        twin = school.people.save_staff(admin, {"id": " ", "name": "Rosa Khan", "role": "Teaching assistant"})
        assert re.fullmatch(r"s-\d{3}", saved.ext_id) and saved.ext_id != twin.ext_id
        again = school.people.save_staff(admin, {"name": "Rosa Khan", "role": "HLTA"}, saved.id, saved.version)
        assert (again.ext_id, again.role) == (saved.ext_id, "HLTA")

    def test_an_id_given_is_still_checked(self, sqlite_school, actor):
        with pytest.raises(InvalidInput, match="short id"):
            sqlite_school.people.save_staff(actor(sqlite_school, "admin"), {"id": "Not An Id", "name": "X",
                                                                           "role": "TA"})


class TestSpaceOrder:
    SPACES = [SpaceInfo(1, "Hall", "hall", 60, True), SpaceInfo(2, "Oak Classroom", "classroom", 10, True),
              SpaceInfo(3, "Therapy Room 2", "therapy_room", 4, True), SpaceInfo(4, "Library", "library", 8, True),
              SpaceInfo(5, "Therapy Room 1", "therapy_room", 4, True)]

    def names(self, how: str, counts=None, chosen=()) -> list[str]:
        return [s.name for s in order_spaces(self.SPACES, how, counts, chosen)]

    def test_the_school_s_order_puts_therapy_rooms_first_and_classrooms_last(self):
        assert self.names(SCHOOL) == ["Therapy Room 1", "Therapy Room 2", "Hall", "Library", "Oak Classroom"]

    def test_the_most_booked_first_then_the_school_s_order(self):
        assert self.names(BUSIEST, {4: 9, 1: 2}) == ["Library", "Hall", "Therapy Room 1", "Therapy Room 2",
                                                     "Oak Classroom"]

    def test_a_chosen_selection_in_its_order_and_never_empty(self):
        assert self.names(CHOSEN, chosen=["Hall", "Gone Room", "Therapy Room 2"]) == ["Hall", "Therapy Room 2"]
        assert self.names(CHOSEN, chosen=["Gone Room"]) == self.names(SCHOOL)


