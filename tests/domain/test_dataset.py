"""Checking a whole `fairfields-school/1` dataset: every problem, each at its JSON path."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairfields_desktop.domain.dataset import FORMAT, SECTIONS, validate_dataset
from fairfields_desktop.domain.errors import Problem

EXAMPLE_JSON = Path(__file__).resolve().parents[1] / "data" / "example-school.json"
EXAMPLE_DOC = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))

NEW_UPN = "T319700122013"  # valid: 3×2+1×3+9×4+7×5+1×8+2×9+2×10+1×12+3×13 = 177; 177 mod 23 = 16 → T
NEW_UPN_WRONG_LETTER = "A319700122013"


def example() -> dict:
    """A fresh copy of the example school to change."""
    return copy.deepcopy(EXAMPLE_DOC)


def wheres(problems: list[Problem]) -> list[str]:
    return [p.where for p in problems]


def only_problem(doc: object) -> Problem:
    problems = validate_dataset(doc)
    assert len(problems) == 1, problems
    return problems[0]


def new_pupil(upn: str = NEW_UPN, **changes: object) -> dict:
    pupil = copy.deepcopy(EXAMPLE_DOC["pupils"][3])
    pupil.update(upn=upn, first_name="Ela", last_name="Yilmaz", **changes)
    return pupil


def new_booking(ident: str, space: str, start: str, end: str, **changes: object) -> dict:
    booking = {
        "id": ident, "space": space, "start": start, "end": end, "professional": None,
        "staff": [], "pupils": [], "purpose": "test", "repeat_weekly_until": None, "status": "booked",
    }
    booking.update(changes)
    return booking


class TestExample:
    def test_the_example_school_has_no_problems(self):
        assert validate_dataset(example()) == []

    def test_a_new_valid_pupil_is_accepted(self):
        doc = example()
        doc["pupils"].append(new_pupil())
        assert validate_dataset(doc) == []

    def test_an_empty_school_is_a_valid_dataset(self):
        assert validate_dataset({"format": FORMAT}) == []

    def test_checking_does_not_change_the_document(self):
        doc = example()
        doc["pupils"].append(new_pupil(NEW_UPN_WRONG_LETTER))
        before = copy.deepcopy(doc)
        validate_dataset(doc)
        assert doc == before


class TestAcceptance:
    """The issue's case: four unrelated mistakes, all reported at once, each at its JSON path."""

    def test_all_four_problems_are_reported_at_their_paths(self):
        doc = example()
        doc["pupils"].append(new_pupil(NEW_UPN_WRONG_LETTER))  # pupils[4]
        doc["pupils"][1]["class"] = "Elm"
        doc["bookings"][1]["end"] = "2026-11-25T13:00"  # starts 13:30
        del doc["professionals"][2]["kind"]  # music-1, referenced by no request

        problems = {p.where: p.message for p in validate_dataset(doc)}

        assert set(problems) == {
            "pupils[4].upn", "pupils[1].class", "bookings[1].end", "professionals[2].kind",
        }
        assert "call for T" in problems["pupils[4].upn"]
        assert "'Elm' is not a known class" in problems["pupils[1].class"]
        assert "13:00" in problems["bookings[1].end"] and "13:30" in problems["bookings[1].end"]
        assert "is required" in problems["professionals[2].kind"]
        assert "independent" in problems["professionals[2].kind"]

    def test_problems_print_with_their_path(self):
        doc = example()
        doc["pupils"].append(new_pupil(NEW_UPN_WRONG_LETTER))
        assert str(only_problem(doc)).startswith("pupils[4].upn: UPN 'A319700122013'")


class TestDuplicates:
    @pytest.mark.parametrize(
        ("section", "record", "where"),
        [
            ("staff", {"id": "hcarter", "name": "Helen Carter II", "role": "Deputy"}, "staff[7].id"),
            ("users", {"username": "admin", "staff": None, "roles": ["admin"], "password": "x-2026"},
             "users[5].username"),
            ("classes", {"name": "Oak", "room": "Oak Classroom"}, "classes[2].name"),
            ("pupils", new_pupil(upn="Z319700118114"), "pupils[4].upn"),
            ("professionals", dict(EXAMPLE_DOC["professionals"][0], name="Someone else"), "professionals[5].id"),
            ("spaces", {"name": "Sensory Room", "kind": "sensory_room", "capacity": 2}, "spaces[6].name"),
            ("bookings", new_booking("b-002", "Meeting Room", "2026-11-25T10:00", "2026-11-25T10:30"),
             "bookings[3].id"),
            ("requests", dict(EXAMPLE_DOC["requests"][2], id="r-001"), "requests[3].id"),
            ("terms", {"name": "Autumn 2026", "first_day": "2027-09-02", "last_day": "2027-12-17",
                       "closures": []}, "terms[3].name"),
        ],
        ids=["staff", "users", "classes", "pupils", "professionals", "spaces", "bookings", "requests", "terms"],
    )
    def test_a_second_record_with_the_same_key_is_refused(self, section, record, where):
        doc = example()
        doc[section].append(copy.deepcopy(record))
        problem = only_problem(doc)
        assert problem.where == where
        assert "must be unique" in problem.message


class TestReferences:
    @pytest.mark.parametrize(
        ("change", "where", "words"),
        [
            (lambda doc: doc["staff"][3].update({"class": "Elm"}), "staff[3].class", "not a known class"),
            (lambda doc: doc["users"][0].update(staff="nobody"), "users[0].staff", "not a known member of staff"),
            (lambda doc: doc["classes"][0].update(room="Library"), "classes[0].room", "not a known space"),
            (lambda doc: doc["classes"][0].update(room="Therapy Room 1"), "classes[0].room", "kind 'classroom'"),
            (lambda doc: doc["pupils"][0].update(key_worker={"staff": "nobody"}), "pupils[0].key_worker.staff",
             "not a known member of staff"),
            (lambda doc: doc["pupils"][1].update(key_worker={"professional": "nobody"}),
             "pupils[1].key_worker.professional", "not a known professional"),
            (lambda doc: doc["bookings"][0].update(space="Library"), "bookings[0].space", "not a known space"),
            (lambda doc: doc["bookings"][1].update(professional="nobody"), "bookings[1].professional",
             "not a known professional"),
            (lambda doc: doc["bookings"][1].update(staff=["dking", "nobody"]), "bookings[1].staff[1]",
             "not a known member of staff"),
            (lambda doc: doc["bookings"][0].update(pupils=[NEW_UPN]), "bookings[0].pupils[0]",
             "not a known pupil"),
            (lambda doc: doc["requests"][0].update(pupil=NEW_UPN), "requests[0].pupil", "not a known pupil"),
            (lambda doc: doc["requests"][0].update(professional="nobody"), "requests[0].professional",
             "not a known professional"),
            (lambda doc: doc["requests"][0].update(space="Library"), "requests[0].space", "not a known space"),
            (lambda doc: doc["requests"][0].update(class_staff="nobody"), "requests[0].class_staff",
             "not a known member of staff"),
            (lambda doc: doc["requests"][1].update(extends="r-999"), "requests[1].extends", "not a known request"),
            (lambda doc: doc["requests"][1].update(extends="r-002"), "requests[1].extends", "cannot extend itself"),
            (lambda doc: doc["advice_requests"][0].update(professional="nobody"),
             "advice_requests[0].professional", "not a known professional"),
            (lambda doc: doc["assessments"][0].update(pupil=NEW_UPN), "assessments[0].pupil", "not a known pupil"),
        ],
        ids=[
            "staff-class", "user-staff", "class-room", "class-room-not-classroom", "key-worker-staff",
            "key-worker-professional", "booking-space", "booking-professional", "booking-staff",
            "booking-pupil", "request-pupil", "request-professional", "request-space", "request-class-staff",
            "request-extends-unknown", "request-extends-itself", "advice-professional", "assessment-pupil",
        ],
    )
    def test_a_reference_to_nothing_is_refused_at_its_path(self, change, where, words):
        doc = example()
        change(doc)
        problem = only_problem(doc)
        assert problem.where == where
        assert words in problem.message

    @pytest.mark.parametrize(("professional", "kind"), [("nhs-slt-1", "statutory"), ("music-1", "commissioned")])
    def test_a_request_is_for_an_independent_professional_only(self, professional, kind):
        doc = example()
        doc["requests"][0]["professional"] = professional
        problem = only_problem(doc)
        assert problem.where == "requests[0].professional"
        assert f"is {kind}" in problem.message
        assert "independent professionals only" in problem.message

    def test_a_request_may_extend_another_one_listed_after_it(self):
        doc = example()
        doc["requests"][0]["extends"] = "r-003"
        doc["requests"][0]["extension_reason"] = "continuing the programme"
        assert validate_dataset(doc) == []


class TestBookingOverlaps:
    def test_two_bookings_of_one_space_at_the_same_time_are_refused(self):
        doc = example()
        doc["bookings"].append(new_booking("b-004", "Sensory Room", "2026-11-25T14:00", "2026-11-25T14:30"))
        problem = only_problem(doc)
        assert problem.where == "bookings[3]"
        assert "'b-002'" in problem.message
        assert "Wed 25 Nov 2026" in problem.message

    def test_a_single_booking_on_a_later_week_of_a_weekly_series_is_refused(self):
        # b-001 repeats on Tuesdays 09:30–10:15 in Therapy Room 1 until 15 Dec.
        doc = example()
        doc["bookings"].append(new_booking("b-004", "Therapy Room 1", "2026-12-08T10:00", "2026-12-08T10:30"))
        problem = only_problem(doc)
        assert problem.where == "bookings[3]"
        assert "'b-001'" in problem.message
        assert "Tue 08 Dec 2026" in problem.message

    def test_an_earlier_single_booking_caught_by_a_series_is_refused(self):
        # The single booking starts first that day; the series' 15 Dec session runs into it.
        doc = example()
        doc["bookings"].append(new_booking("b-004", "Therapy Room 1", "2026-12-15T09:00", "2026-12-15T09:45"))
        problems = validate_dataset(doc)
        assert len(problems) == 1
        text = str(problems[0])
        assert problems[0].where in {"bookings[0]", "bookings[3]"}
        assert ("'b-004'" in text) if problems[0].where == "bookings[0]" else ("'b-001'" in text)
        assert "Tue 15 Dec 2026" in text

    def test_two_weekly_series_meeting_only_in_one_week_are_refused(self):
        doc = example()
        doc["bookings"].append(new_booking("b-004", "Therapy Room 1", "2026-12-15T09:45", "2026-12-15T10:30",
                                           repeat_weekly_until="2027-01-19"))
        problem = only_problem(doc)
        assert "Tue 15 Dec 2026" in problem.message

    def test_the_same_slot_after_the_series_ends_is_accepted(self):
        doc = example()
        # b-001's slot (Tuesday 09:30–10:15) on the first Tuesday after its last date, 15 Dec.
        doc["bookings"].append(new_booking("b-004", "Therapy Room 1", "2027-01-05T09:30", "2027-01-05T10:15"))
        assert validate_dataset(doc) == []

    @pytest.mark.parametrize(
        ("start", "end"),
        [("2026-11-24T10:15", "2026-11-24T11:00"), ("2026-12-01T08:50", "2026-12-01T09:30")],
        ids=["starts-as-the-other-ends", "ends-as-the-other-starts"],
    )
    def test_touching_bookings_are_accepted(self, start, end):
        doc = example()
        doc["bookings"].append(new_booking("b-004", "Therapy Room 1", start, end))
        assert validate_dataset(doc) == []

    def test_a_one_minute_overlap_is_refused(self):
        doc = example()
        doc["bookings"].append(new_booking("b-004", "Therapy Room 1", "2026-11-24T10:14", "2026-11-24T11:00"))
        assert only_problem(doc).where == "bookings[3]"

    def test_another_space_at_the_same_time_is_accepted(self):
        doc = example()
        doc["bookings"].append(new_booking("b-004", "Meeting Room", "2026-11-24T09:30", "2026-11-24T10:15"))
        assert validate_dataset(doc) == []

    def test_a_cancelled_booking_does_not_hold_the_space(self):
        doc = example()
        doc["bookings"].append(new_booking("b-004", "Therapy Room 1", "2026-11-24T09:30", "2026-11-24T10:15",
                                           status="cancelled"))
        assert validate_dataset(doc) == []


class TestBookingTimes:
    @pytest.mark.parametrize("end", ["2026-11-25T13:00", "2026-11-25T13:30"], ids=["before", "same"])
    def test_a_booking_must_end_after_it_starts(self, end):
        doc = example()
        doc["bookings"][1]["end"] = end
        problem = only_problem(doc)
        assert problem.where == "bookings[1].end"
        assert "must be later than the start" in problem.message

    def test_a_booking_must_end_on_the_day_it_starts(self):
        doc = example()
        doc["bookings"][1]["end"] = "2026-11-26T14:15"
        problem = only_problem(doc)
        assert problem.where == "bookings[1].end"
        assert "same day" in problem.message

    @pytest.mark.parametrize(
        ("start", "end"),
        [("2026-11-25T08:30", "2026-11-25T09:15"), ("2026-11-25T14:45", "2026-11-25T15:15")],
        ids=["before-school", "after-school"],
    )
    def test_a_booking_outside_the_school_day_is_refused(self, start, end):
        doc = example()
        doc["bookings"][1].update(start=start, end=end)
        problem = only_problem(doc)
        assert problem.where == "bookings[1]"
        assert "outside the school day (08:50–15:10)" in problem.message

    def test_a_booking_filling_the_whole_school_day_is_accepted(self):
        doc = example()
        doc["bookings"].append(new_booking("b-004", "Meeting Room", "2026-11-25T08:50", "2026-11-25T15:10"))
        assert validate_dataset(doc) == []

    def test_the_school_day_comes_from_the_settings(self):
        doc = example()
        doc["settings"]["school_day"] = {"start": "08:00", "end": "16:00"}
        doc["bookings"][1].update(start="2026-11-25T08:15", end="2026-11-25T08:45")
        assert validate_dataset(doc) == []

    @pytest.mark.parametrize(
        ("day", "why"),
        [("2026-11-27", "INSET day"), ("2026-10-28", "Half term"), ("2026-11-28", "weekend"),
         ("2026-12-22", "between terms")],
    )
    def test_a_booking_on_a_day_the_school_is_closed_is_refused(self, day, why):
        doc = example()
        doc["bookings"][1].update(start=f"{day}T13:30", end=f"{day}T14:15")
        problem = only_problem(doc)
        assert problem.where == "bookings[1].start"
        assert f"is not a school day ({why})" in problem.message

    def test_a_weekly_series_skips_closures_rather_than_failing(self):
        # b-003 (Thursdays) carried on over Christmas into Spring: the holiday weeks are just skipped.
        doc = example()
        doc["bookings"][2]["repeat_weekly_until"] = "2027-01-14"
        assert validate_dataset(doc) == []

    def test_repeating_until_before_the_first_date_is_refused(self):
        doc = example()
        doc["bookings"][0]["repeat_weekly_until"] = "2026-11-23"
        assert only_problem(doc).where == "bookings[0].repeat_weekly_until"

    def test_an_unknown_status_is_refused(self):
        doc = example()
        doc["bookings"][0]["status"] = "pencilled"
        problem = only_problem(doc)
        assert problem.where == "bookings[0].status"
        assert "booked, cancelled" in problem.message


class TestFormats:
    @pytest.mark.parametrize(
        "value",
        ["11/03/2014", "2014-3-11", "2014-02-30", "20140311", "2014-03-11T00:00", "", 20140311,
         "2014-W11-2"],
        ids=["british", "no-padding", "no-such-day", "compact", "with-time", "empty", "number", "iso-week"],
    )
    def test_a_date_must_be_yyyy_mm_dd(self, value):
        doc = example()
        doc["pupils"][0]["date_of_birth"] = value
        problem = only_problem(doc)
        assert problem.where == "pupils[0].date_of_birth"
        assert "write it as YYYY-MM-DD" in problem.message

    def test_a_missing_required_date_says_it_is_required(self):
        doc = example()
        del doc["pupils"][0]["date_of_birth"]
        problem = only_problem(doc)
        assert problem.where == "pupils[0].date_of_birth"
        assert "is required" in problem.message

    @pytest.mark.parametrize(
        "value",
        ["2026-11-24 09:30", "24/11/2026 09:30", "2026-11-24T9:30", "2026-11-24T25:00",
         "2026-11-24T09:30+00:00", "2026-11-24", "2026-11-24T09", "2026-W48-2T09:30"],
        ids=["space", "british", "no-padding", "no-such-hour", "time-zone", "no-time", "hour-only",
             "iso-week"],
    )
    def test_a_date_time_must_be_yyyy_mm_ddthh_mm(self, value):
        doc = example()
        doc["bookings"][0]["start"] = value
        problem = only_problem(doc)
        assert problem.where == "bookings[0].start"
        assert "write it as YYYY-MM-DDTHH:MM" in problem.message

    @pytest.mark.parametrize("value", ["8:50", "08.50", "0850", "08:50:00", "25:00", None])
    def test_a_time_must_be_hh_mm(self, value):
        doc = example()
        doc["settings"]["school_day"]["start"] = value
        problem = only_problem(doc)
        assert problem.where == "settings.school_day.start"
        assert "write it as HH:MM" in problem.message

    def test_the_school_day_must_end_after_it_starts(self):
        doc = example()
        doc["settings"]["school_day"] = {"start": "15:10", "end": "08:50"}
        problems = validate_dataset(doc)
        assert "settings.school_day.end" in wheres(problems)

    @pytest.mark.parametrize(
        ("key", "value", "where"),
        [("attendance_threshold_percent", 120, "settings.attendance_threshold_percent"),
         ("max_authorised_weeks", 12.5, "settings.max_authorised_weeks"),
         ("max_authorised_weeks", True, "settings.max_authorised_weeks"),
         ("school_name", "  ", "settings.school_name")],
    )
    def test_settings_out_of_range_or_of_the_wrong_type_are_refused(self, key, value, where):
        doc = example()
        doc["settings"][key] = value
        assert only_problem(doc).where == where

    def test_a_term_ending_before_it_starts_is_refused(self):
        doc = example()
        doc["terms"][0]["last_day"] = "2026-09-01"
        assert "terms[0].last_day" in wheres(validate_dataset(doc))

    def test_overlapping_terms_are_refused(self):
        doc = example()
        doc["terms"][1]["first_day"] = "2026-12-14"
        problems = validate_dataset(doc)
        assert "terms[1]" in wheres(problems)

    def test_a_closure_outside_its_term_is_refused(self):
        doc = example()
        doc["terms"][0]["closures"].append({"from": "2026-12-21", "to": "2026-12-23", "why": "Christmas"})
        assert only_problem(doc).where == "terms[0].closures[2]"


class TestUsers:
    def test_a_user_with_a_password_and_a_hash_is_refused(self):
        doc = example()
        doc["users"][0]["password_hash"] = "scrypt$16384$8$1$c2FsdA$aGFzaA"
        problem = only_problem(doc)
        assert problem.where == "users[0]"
        assert "not both or neither" in problem.message

    @pytest.mark.parametrize("password", [None, ""], ids=["missing", "empty"])
    def test_a_user_with_neither_is_refused(self, password):
        doc = example()
        if password is None:
            del doc["users"][0]["password"]
        else:
            doc["users"][0]["password"] = password
        problem = only_problem(doc)
        assert problem.where == "users[0]"
        assert "not both or neither" in problem.message

    def test_a_user_with_only_a_hash_is_accepted(self):
        doc = example()
        del doc["users"][0]["password"]
        doc["users"][0]["password_hash"] = "scrypt$16384$8$1$c2FsdA$aGFzaA"
        assert validate_dataset(doc) == []

    def test_a_user_needs_a_known_role(self):
        doc = example()
        doc["users"][0]["roles"] = ["headteacher", "caretaker"]
        problem = only_problem(doc)
        assert problem.where == "users[0].roles[1]"
        assert "'caretaker'" in problem.message

    def test_a_user_needs_at_least_one_role(self):
        doc = example()
        doc["users"][0]["roles"] = []
        assert only_problem(doc).where == "users[0].roles"


class TestTopLevel:
    def test_an_unknown_key_is_refused(self):
        doc = example()
        doc["pupil"] = []
        problem = only_problem(doc)
        assert problem.where == "pupil"
        assert "check its spelling" in problem.message

    @pytest.mark.parametrize("value", ["fairfields-school/2", "fairfields-school", None, 1])
    def test_the_format_must_be_fairfields_school_1(self, value):
        doc = example()
        doc["format"] = value
        problem = only_problem(doc)
        assert problem.where == "format"
        assert FORMAT in problem.message

    def test_a_missing_format_is_refused(self):
        doc = example()
        del doc["format"]
        assert only_problem(doc).where == "format"

    @pytest.mark.parametrize("doc", [[], "school", None, 3])
    def test_a_document_that_is_not_an_object_is_refused(self, doc):
        problem = only_problem(doc)
        assert problem.where == "$"
        assert FORMAT in problem.message

    def test_a_section_that_is_not_a_list_is_refused(self):
        doc = example()
        doc["spaces"] = {"name": "Sensory Room"}
        problems = validate_dataset(doc)
        assert "spaces" in wheres(problems)

    def test_a_record_that_is_not_an_object_is_refused(self):
        doc = example()
        doc["staff"].append("Jo Bloggs")
        assert only_problem(doc).where == "staff[7]"


# --- property-based -------------------------------------------------------------------------------

FIELD_NAMES = sorted({
    key
    for section in SECTIONS if isinstance(EXAMPLE_DOC.get(section), list)
    for record in EXAMPLE_DOC[section]
    for key in record
} | {"from", "to", "why", "start", "end", "type", "date", "percent", "as_of", "issued"})

scalars = (st.none() | st.booleans() | st.integers(min_value=-10**6, max_value=10**6)
           | st.floats(allow_nan=True) | st.text(max_size=12)
           | st.sampled_from(["", "Oak", "hcarter", "Z319700118114", "2026-11-24", "2026-11-24T09:30",
                              "09:30", "booked", "independent"]))
keys = st.sampled_from(FIELD_NAMES) | st.text(max_size=6)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=20,
)
top_level = st.dictionaries(
    st.sampled_from((*SECTIONS, "format")) | st.text(max_size=6),
    json_values | st.lists(st.dictionaries(keys, json_values, max_size=6), max_size=3),
    max_size=6,
)


def leaf_paths(value: object, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict) and value:
        return [p for key, item in value.items() for p in leaf_paths(item, (*path, key))]
    if isinstance(value, list) and value:
        return [p for index, item in enumerate(value) for p in leaf_paths(item, (*path, index))]
    return [path]


EXAMPLE_LEAVES = leaf_paths(EXAMPLE_DOC)


def assert_problem_list(problems: object) -> None:
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert isinstance(problem.where, str)
        assert isinstance(problem.message, str) and problem.message.strip()


class TestNeverRaises:
    @given(json_values | top_level)
    @settings(max_examples=300, deadline=None, report_multiple_bugs=False,
              suppress_health_check=[HealthCheck.too_slow])
    def test_any_json_like_document_gets_a_list_of_problems(self, doc):
        before = copy.deepcopy(doc)
        problems = validate_dataset(doc)
        assert_problem_list(problems)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            assert problems, "a document without the right format must be refused"
        assert json.dumps(doc, sort_keys=True, default=str) == json.dumps(before, sort_keys=True, default=str)

    @given(st.sampled_from(EXAMPLE_LEAVES), json_values)
    @settings(max_examples=300, deadline=None, report_multiple_bugs=False)
    def test_the_example_with_any_one_value_replaced_gets_a_list_of_problems(self, path, junk):
        doc = example()
        target = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = junk
        problems = validate_dataset(doc)
        assert_problem_list(problems)
        # The check gives the same answer twice (it keeps no state between documents).
        assert validate_dataset(doc) == problems
