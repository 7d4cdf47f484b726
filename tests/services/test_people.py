"""Staff, classes and spaces."""

from __future__ import annotations

import pytest

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed


class TestStaff:
    def test_staff_show_which_of_them_use_the_app(self, sqlite_school, actor):
        staff = {s.ext_id: s for s in sqlite_school.people.list_staff(actor(sqlite_school, "admin"))}
        assert staff["ttaylor"].username == "ttaylor" and staff["ttaylor"].user_roles == ("teacher",)
        assert staff["jpatel"].username is None and staff["jpatel"].class_name == "Oak"

    def test_an_admin_adds_a_teaching_assistant(self, sqlite_school, actor):
        admin = actor(sqlite_school, "admin")
        saved = sqlite_school.people.save_staff(admin, {"id": "rkhan", "name": "Rosa Khan",
                                                        "role": "Teaching assistant", "class": "Willow"})
        assert saved.class_name == "Willow"
        willow = next(c for c in sqlite_school.people.list_classes(admin) if c.name == "Willow")
        assert "Rosa Khan" in willow.staff

    def test_bad_staff_details_are_named(self, sqlite_school, actor):
        with pytest.raises(InvalidInput) as caught:
            sqlite_school.people.save_staff(actor(sqlite_school, "admin"),
                                            {"id": "ttaylor", "name": "", "role": "TA", "class": "Elm"})
        assert {p.where for p in caught.value.problems} == {"id", "name", "class"}

    def test_only_an_admin_edits_staff(self, sqlite_school, actor):
        with pytest.raises(NotAllowed):
            sqlite_school.people.save_staff(actor(sqlite_school, "sbrown"),
                                            {"id": "x1", "name": "X", "role": "TA", "class": None})


class TestClassesAndSpaces:
    def test_a_class_room_must_be_a_classroom(self, sqlite_school, actor):
        admin = actor(sqlite_school, "admin")
        with pytest.raises(InvalidInput, match="classroom"):
            sqlite_school.people.save_class(admin, "Elm", "Sensory Room")
        sqlite_school.people.save_space(admin, {"name": "Elm Classroom", "kind": "classroom", "capacity": 10})
        elm = sqlite_school.people.save_class(admin, "Elm", "Elm Classroom")
        assert (elm.room, elm.pupils) == ("Elm Classroom", 0)

    def test_a_space_can_be_marked_not_bookable(self, sqlite_school, actor):
        admin = actor(sqlite_school, "admin")
        pool = next(s for s in sqlite_school.people.list_spaces(admin) if s.name == "Hydrotherapy Pool")
        saved = sqlite_school.people.save_space(admin, {"name": pool.name, "kind": pool.kind, "capacity": 4,
                                                        "features": "hoist, changing room", "bookable": False},
                                                pool.id)
        assert not saved.bookable and saved.features == "hoist, changing room"
