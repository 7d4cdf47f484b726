"""The attendance mark suggested for a pupil back from an authorised appointment (DfE codes, August 2024)."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from fairfields_desktop.domain.attendance import MARKS, SchoolSessions, suggest_mark

DAY = SchoolSessions.of_day(time(8, 50), time(15, 10))  # 08:50–12:00 and 13:00–15:10


def at(hh: int, mm: int = 0) -> datetime:
    return datetime(2027, 1, 8, hh, mm)


class TestSessions:
    def test_the_day_splits_at_midday_with_lunch_between(self):
        assert DAY.morning == (time(8, 50), time(12, 0))
        assert DAY.afternoon == (time(13, 0), time(15, 10))


class TestSuggestMark:
    @pytest.mark.parametrize(("registered", "out", "back", "code", "words"), [
        # registered, out and back within one session: the register mark stands
        (True, at(13, 20), at(14, 50), "\\", "the register mark stands (present, \\)"),
        (True, at(9, 30), at(11, 0), "/", "the register mark stands (present, /)"),
        # back in the lunch break, before the afternoon registration: nothing missed
        (True, at(10, 0), at(12, 45), "/", "the register mark stands"),
        # a whole day away for the appointment, never registered: M for both sessions
        (False, at(9, 0), at(15, 0), "M", "M for both sessions"),
        # registered in the morning, away at the afternoon registration: the afternoon is M
        (True, at(11, 0), at(14, 0), "M", "afternoon: M (the afternoon registration was missed"),
        # left before the morning registration and back within the morning: M for the morning
        (False, at(8, 30), at(10, 0), "M", "the morning registration was missed for the appointment"),
        # not registered at the afternoon registration because already gone to the appointment
        (False, at(13, 30), at(15, 0), "M", "not registered at the afternoon registration"),
        # out over lunch, back after the afternoon registration
        (True, at(12, 30), at(13, 45), "M", "the afternoon registration was missed"),
    ])
    def test_the_table(self, registered, out, back, code, words):
        got, why = suggest_mark(DAY, registered, out, back)
        assert got == code
        assert words in why

    def test_the_morning_stands_when_the_afternoon_is_missed(self):
        _code, why = suggest_mark(DAY, True, at(11, 0), at(14, 0))
        assert why.startswith("morning: the register mark stands (present, /)")

    def test_b_is_never_suggested(self):
        for out_h in range(8, 16):
            for back_h in range(out_h + 1, 17):
                for registered in (True, False):
                    assert suggest_mark(DAY, registered, at(out_h), at(back_h))[0] != "B"

    def test_the_codes_offered_are_the_2024_ones_in_words(self):
        assert MARKS["M"] == "medical or dental appointment"
        assert MARKS["B"] == "educated off site (supervised educational activity)"
        assert list(MARKS) == ["/", "\\", "M", "C", "B"]
