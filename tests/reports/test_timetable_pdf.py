"""The room timetable PDF: every booking of the week, under its day and in its space's row."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta

from fairfields_desktop.reports import timetable
from fairfields_desktop.reports.template import Printing
from fairfields_desktop.services.reports import TimetableEntry

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")


def columns(text: str) -> dict[str, int]:
    """Where each day's column starts on the page (pdftotext -layout keeps columns aligned)."""
    header = next(line for line in text.splitlines() if line.strip().startswith("Space") and "Mon " in line)
    return {d: header.index(f"{d} ") for d in DAYS}


def column_of(text: str, needle: str) -> str:
    """The day whose column holds ``needle``."""
    starts = columns(text)
    line = next(line for line in text.splitlines() if needle in line)
    at = line.index(needle)
    return min(starts, key=lambda d: abs(starts[d] - at))


def row_of(text: str, needle: str) -> str:
    """The space whose row holds ``needle`` (the last space named at the start of a line above it)."""
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if needle in line)
    header = next(i for i, line in enumerate(lines) if line.strip().startswith("Space"))
    for line in reversed(lines[header + 1:index + 1]):
        first = re.match(r"^ ?(\S.*?)\s{2,}", line)
        if first and not re.match(r"\d\d:\d\d|free|Christmas|INSET", first.group(1)):
            return first.group(1)
    raise AssertionError(needle)


def render(tmp_path, read_pdf, data, printing) -> str:
    out = tmp_path / "timetable.pdf"
    timetable.render(data, out, printing)
    return read_pdf(out)


class TestTimetable:
    def test_title_and_a_column_per_day_with_dates(self, tmp_path, read_pdf, timetable_data, printing):
        text = render(tmp_path, read_pdf, timetable_data, printing)
        assert "Room timetable, week of 14 Dec 2026" in text
        for label in ("Mon 14 Dec 2026", "Tue 15 Dec 2026", "Wed 16 Dec 2026", "Thu 17 Dec 2026", "Fri 18 Dec 2026"):
            assert label in text
        assert "6 bookings this week" in text

    def test_every_booking_appears_once_under_its_day_in_its_space(self, tmp_path, read_pdf, timetable_data,
                                                                    printing):
        text = render(tmp_path, read_pdf, timetable_data, printing)
        assert timetable_data.count == 6
        for (space, day), entries in timetable_data.entries.items():
            for entry in entries:
                times = f"{entry.start:%H:%M}–{entry.end:%H:%M}"
                assert text.count(times) == 1, times
                assert column_of(text, times) == f"{day:%a}", times
                assert row_of(text, times) == space.split()[0] or row_of(text, times) == space, times
        flat = " ".join(read_pdf(tmp_path / "timetable.pdf", layout=False).split())
        for words in ("09:30–10:15 Oğuz Yılmaz · SLT: AAC programme · pupils ZĆ",
                      "14:30–15:15 Łukasz Nowak · Physiotherapy · pupils ZĆ",
                      "15:30–16:30 Siobhán Ó Briain · Annual review: Zoë Ćwiek"):
            assert words in flat

    def test_a_holiday_says_why_and_free_spaces_say_free(self, tmp_path, read_pdf, timetable_data, printing):
        text = render(tmp_path, read_pdf, timetable_data, printing)
        assert "not a school day: Christmas" in text
        assert text.count("Christmas holiday") == len(timetable_data.spaces)  # every row of Friday's column
        assert re.search(r"Oak Classroom\s+free\s+free\s+free\s+free\s+Christmas holiday", text)
        assert re.search(r"Willow Classroom\s+free\s+free\s+free\s+free\s+Christmas holiday", text)

    def test_a_booking_in_a_space_not_listed_still_appears(self, tmp_path, read_pdf, timetable_data, printing):
        extra = dict(timetable_data.entries)
        extra[("Library", date(2026, 12, 15))] = (TimetableEntry(datetime(2026, 12, 15, 8, 45),
                                                                 datetime(2026, 12, 15, 9, 15),
                                                                 "Oğuz Yılmaz · staff training", "school"),)
        text = render(tmp_path, read_pdf, dataclasses.replace(timetable_data, entries=extra), printing)
        assert "08:45–09:15 Oğuz Yılmaz" in text and row_of(text, "08:45–09:15") == "Library"

    def test_a_busy_week_flows_onto_a_second_page(self, tmp_path, read_pdf, timetable_data, printing):
        spaces = tuple(f"Room {i:02d}" for i in range(40))
        entries = {(s, timetable_data.monday + timedelta(days=i % 4)): (TimetableEntry(
            datetime(2026, 12, 14 + i % 4, 9, 0), datetime(2026, 12, 14 + i % 4, 9, 45), f"Session {i:02d}", "school"),)
            for i, s in enumerate(spaces)}
        text = render(tmp_path, read_pdf, dataclasses.replace(timetable_data, spaces=spaces, entries=entries), printing)
        assert "Page 2 of" in text
        assert all(f"Session {i:02d}" in text for i in range(40))
        assert text.count("Space ") >= 2  # the header row repeats


class TestWithTheServices:
    def test_the_example_school_week(self, sqlite_school, actor, tmp_path, read_pdf):
        data = sqlite_school.reports.timetable(actor(sqlite_school, "sbrown"), date(2026, 11, 25))
        text = render(tmp_path, read_pdf, data, Printing(data.school, "sbrown", datetime(2026, 11, 23, 9, 0)))
        assert "Room timetable, week of 23 Nov 2026" in text
        assert column_of(text, "09:30–10:15") == "Tue" and row_of(text, "09:30–10:15") == "Therapy Room 1"
        blocks = " ".join(read_pdf(tmp_path / "timetable.pdf", layout=False).split())
        assert "09:30–10:15 Rachel Green · SLT: AAC programme · pupils AO" in blocks
        assert column_of(text, "13:30–14:15") == "Wed" and row_of(text, "13:30–14:15") == "Sensory Room"
        assert "13:30–14:15 Grace Lee · Music therapy group · pupils BH, DS" in blocks
        assert "11:00–11:45 Tom Taylor, Jaya Patel · Oak class swimming" in blocks
        assert column_of(text, "11:00–11:45") == "Thu" and row_of(text, "11:00–11:45").startswith("Hydrotherapy")
        assert "swimming" in text
        assert "not a school day: INSET day" in text
        assert data.count == 3 and "3 bookings this week" in text

    def test_a_teacher_reads_their_own_pupils_by_initials_and_a_pupil_for_the_rest(self, sqlite_school, actor,
                                                                                   tmp_path, read_pdf):
        data = sqlite_school.reports.timetable(actor(sqlite_school, "ttaylor"), date(2026, 11, 25))
        render(tmp_path, read_pdf, data, Printing(data.school, "ttaylor", datetime(2026, 11, 23, 9, 0)))
        blocks = " ".join(read_pdf(tmp_path / "timetable.pdf", layout=False).split())
        assert "13:30–14:15 Grace Lee · Music therapy group · pupils BH, a pupil" in blocks
        assert "DS" not in blocks and "Dev" not in blocks and "Sharma" not in blocks
        assert "Pupils are shown by their initials (“a pupil” where you may not see who)" in blocks

    def test_a_title_naming_a_pupil_is_never_printed(self, open_school, sqlite_url, example_doc, actor, tmp_path,
                                                     read_pdf):
        example_doc["bookings"].append({
            "id": "b-004", "space": "Meeting Room", "start": "2026-11-25T14:00", "end": "2026-11-25T14:30",
            "professional": None, "staff": ["sbrown"], "pupils": ["X319700121005"],
            "purpose": "Team around the child: Dev Sharma (looked-after review)", "repeat_weekly_until": None,
            "status": "booked"})
        services = open_school(sqlite_url)
        services.dataset.load(example_doc)
        for user in ("sbrown", "ttaylor"):
            data = services.reports.timetable(actor(services, user), date(2026, 11, 25))
            render(tmp_path, read_pdf, data, Printing(data.school, user, datetime(2026, 11, 23, 9, 0)))
            blocks = " ".join(read_pdf(tmp_path / "timetable.pdf", layout=False).split())
            assert "14:00–14:30 Sarah Brown" in blocks and "(title to be reviewed) · pupils" in blocks, user
            assert ("pupils DS" if user == "sbrown" else "pupils a pupil") in blocks, user
            assert "Dev" not in blocks and "Sharma" not in blocks and "looked-after" not in blocks, user
