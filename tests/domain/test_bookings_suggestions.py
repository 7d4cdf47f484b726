"""Where a session that gives way could go: ranked by how little it disturbs the pupil, never near-identical."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from fairfields_desktop.domain.bookings import (
    Slot,
    date_outcome,
    disturbance,
    gave_way_words,
    suggestion_words,
    time_band,
    varied_suggestions,
)

WED = date(2027, 1, 20)
ORIGINAL = Slot("Therapy Room 1", datetime(2027, 1, 20, 10, 0), datetime(2027, 1, 20, 10, 45))
ROOMS = ("Therapy Room 1", "Therapy Room 2", "Sensory Room", "Meeting Room", "Hall")


def slot(space: str, day: date, hh: int, mm: int = 0) -> Slot:
    start = datetime(day.year, day.month, day.day, hh, mm)
    return Slot(space, start, start + timedelta(minutes=45))


def every_free_slot() -> list[Slot]:
    """Every room free every 5 minutes Monday to Friday, except the original room at the original time."""
    found = []
    for offset in range(-2, 3):
        day = WED + timedelta(days=offset)
        for room in ROOMS:
            for minutes in range(9 * 60, 14 * 60 + 30, 5):
                candidate = slot(room, day, minutes // 60, minutes % 60)
                if not (room == ORIGINAL.space and day == WED and abs(minutes - 600) < 45):
                    found.append(candidate)
    return found


class TestRanking:
    def test_same_time_in_another_room_comes_before_another_time_and_that_before_another_day(self):
        other_room = slot("Therapy Room 2", WED, 10)
        later = slot("Therapy Room 1", WED, 10, 45)
        thursday = slot("Therapy Room 1", WED + timedelta(days=1), 10)
        ranked = sorted([thursday, later, other_room], key=lambda s: disturbance(ORIGINAL, s))
        assert ranked == [other_room, later, thursday]

    def test_a_nearer_time_disturbs_less_and_a_room_of_the_same_kind_comes_first(self):
        near, far = slot("Hall", WED, 11), slot("Therapy Room 1", WED, 13, 30)
        assert disturbance(ORIGINAL, near) < disturbance(ORIGINAL, far)
        similar = {"Therapy Room 1", "Therapy Room 2"}
        assert disturbance(ORIGINAL, slot("Therapy Room 2", WED, 10), similar) < \
            disturbance(ORIGINAL, slot("Hall", WED, 10), similar)

    def test_on_another_day_the_same_time_comes_before_the_nearest_day(self):
        monday_same_time = slot("Therapy Room 1", WED - timedelta(days=2), 10)
        thursday_later = slot("Therapy Room 1", WED + timedelta(days=1), 13)
        assert disturbance(ORIGINAL, monday_same_time) < disturbance(ORIGINAL, thursday_later)


class TestVariety:
    def test_five_suggestions_offer_another_room_another_time_and_another_day(self):
        chosen = varied_suggestions(ORIGINAL, every_free_slot(), similar={"Therapy Room 2"})
        assert len(chosen) == 5
        assert chosen[0] == slot("Therapy Room 2", WED, 10)  # the least disturbing: same time, a similar room
        words = [suggestion_words(ORIGINAL, s) for s in chosen]
        assert any(w == "same time, another room" for w in words)
        assert any(w.startswith("same day,") and "same time" not in w for w in words)
        assert any(not w.startswith("same") for w in words)  # another day of the week

    def test_never_two_in_one_room_on_one_day_in_one_band(self):
        # the case the office met: a room free all lunchtime offered five slots five minutes apart
        lunchtime = [slot("Therapy Room 1", WED, 12, m) for m in range(0, 60, 5)]
        chosen = varied_suggestions(ORIGINAL, lunchtime)
        assert chosen == [slot("Therapy Room 1", WED, 12, 0)]

    def test_the_original_place_is_never_suggested(self):
        assert varied_suggestions(ORIGINAL, [ORIGINAL]) == []

    @given(st.sets(st.tuples(st.sampled_from(ROOMS), st.integers(-2, 2), st.integers(9 * 12, 14 * 12)),
                   max_size=60), st.integers(1, 8))
    def test_any_free_slots_give_at_most_one_per_room_day_and_band(self, picks, limit):
        candidates = [slot(room, WED + timedelta(days=d), five * 5 // 60, five * 5 % 60) for room, d, five in picks]
        chosen = varied_suggestions(ORIGINAL, candidates, limit=limit)
        assert len(chosen) <= limit and set(chosen) <= set(candidates)
        keys = [(s.space, s.start.date(), time_band(s.start.time())) for s in chosen]
        assert len(keys) == len(set(keys))
        assert chosen == sorted(chosen, key=lambda s: disturbance(ORIGINAL, s))
        if candidates and ORIGINAL not in candidates:
            assert chosen  # something is always offered when anything is free


class TestWords:
    def test_what_a_move_changes(self):
        assert suggestion_words(ORIGINAL, slot("Hall", WED, 10)) == "same time, another room"
        assert suggestion_words(ORIGINAL, slot("Therapy Room 1", WED, 10, 45)) == \
            "same day, 45 minutes later, same room"
        assert suggestion_words(ORIGINAL, slot("Hall", WED + timedelta(days=1), 10)) == \
            "Thursday, same time, another room"
        assert suggestion_words(ORIGINAL, slot("Hall", WED, 8, 50)) == "same day, 1 h 10 min earlier, another room"

    def test_one_plain_sentence_per_date(self):
        moved = gave_way_words("Karen Walsh", ("Therapy Room 2", datetime(2027, 1, 20, 13, 30)), WED)
        assert date_outcome(WED, True, [moved]) == \
            "20 Jan 2027: booked; Karen Walsh's session moved to Therapy Room 2 at 13:30."
        other_day = gave_way_words("Karen Walsh", ("Hall", datetime(2027, 1, 21, 10, 0)), WED)
        assert other_day == "Karen Walsh's session moved to Hall on Thursday 21 Jan 2027 at 10:00"
        cancelled = gave_way_words("Karen Walsh", None, WED)
        assert date_outcome(WED, True, [cancelled]) == \
            "20 Jan 2027: booked; Karen Walsh's session cancelled for priority."
        assert date_outcome(WED, False, kept=[("Karen Walsh", "Therapy Room 1")]) == \
            "20 Jan 2027: not booked (skipped); Karen Walsh keeps Therapy Room 1."
