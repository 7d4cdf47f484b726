"""An MIS export (SIMS, Arbor) read from its CSV text, and the plan to apply it to the pupils held.

The pupils held are the example school's four (tests/data/example-school.json), attendance as of
Fri 20 Nov 2026; the imports are as of Mon 23 Nov 2026 unless said.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairfields_desktop.domain.errors import Problem
from fairfields_desktop.domain.mis import (
    CHANGE_FIELDS,
    HEADINGS,
    ExistingPupil,
    FieldChange,
    ImportPlan,
    MisRow,
    PupilUpdate,
    name_key,
    parse_mis_csv,
    parse_mis_date,
    parse_year_group,
    plan_import,
)
from fairfields_desktop.domain.upn import upn_problem

AS_OF = date(2026, 11, 23)
STORED_ON = date(2026, 11, 20)
CLASSES = {"Oak", "Willow"}

AMARA = ExistingPupil(1, "Z319700118114", "Amara", "Osei", date(2014, 3, 11), 8, "Oak", 97.2, STORED_ON)
BEN = ExistingPupil(2, "X319700119023", "Ben", "Hughes", date(2015, 7, 29), 7, "Oak", 91.5, STORED_ON)
CHLOE = ExistingPupil(3, "X319700117077", "Chloe", "Nowak", date(2013, 1, 5), 9, "Oak", 98.9, STORED_ON)
DEV = ExistingPupil(4, "X319700121005", "Dev", "Sharma", date(2016, 9, 18), 5, "Willow", 95.0, STORED_ON)
EXISTING = [AMARA, BEN, CHLOE, DEV]

# Valid UPNs not held by the school (check letters worked out with the DfE rule).
NEW_UPNS = ("C319700152601", "M319700181590", "E319700183016", "C319700161318", "T319700160913",
            "U319700190996", "L319700103082", "T319700146281")
TEMPORARY_UPN = "Y31970012300A"  # ends in a letter: a temporary UPN

# SIMS "Student List" style: legal and preferred names, a Gender column we ignore, UK dates, CRLF, a BOM.
SIMS_EXPORT = (
    "\ufeffLegal Surname,Legal Forename,Preferred Forename,Gender,DOB,UPN,Year,Reg Group,Attendance %\r\n"
    "Osei,Amara,Amara,F,11/03/2014,Z319700118114,Year 8,Oak,97.6\r\n"
    "Hughes,Ben,Benny,M,29/07/2015,X319700119023,Year 7,Oak,91.5\r\n"
    "Nowak,Chloe,Chloe,F,05/01/2013,X319700117077,Year 9,Oak,98.9\r\n"
    "Sharma,Dev,Dev,M,18/09/2016,X319700121005,Year 5,Willow,94.1\r\n"
    "Ó Briain,Siobhán,Shiv,F,2/4/2017,C319700152601,Year 4,Willow,100\r\n"
    "\r\n"
)
# Arbor style: other spellings and order, ISO dates accepted too, a percent sign, blanks.
ARBOR_EXPORT = (
    "First Name,Last Name,Date of Birth,UPN,Year Group,Registration Group,Attendance (%)\n"
    "Zoë,Kowalski,2018-06-01,M319700181590,Y3,Willow,96.3%\n"
    "Łukasz,Nowicki,14/12/2019,E319700183016,Y2,Willow,\n"
    "Oğuz,Yılmaz,30/08/2021,C319700161318,R,Willow,88\n"
)


def parse(text: str) -> tuple[list[MisRow], list[Problem]]:
    return parse_mis_csv(text)


def one_row(text: str) -> MisRow:
    rows, problems = parse_mis_csv(text)
    assert problems == []
    assert len(rows) == 1
    return rows[0]


def problems_of(text: str) -> list[Problem]:
    rows, problems = parse_mis_csv(text)
    assert rows == []
    return problems


def csv_of(*rows: str, heading: str = "UPN,Surname,Forename,DOB,Year,Class,Attendance") -> str:
    return "\n".join((heading, *rows)) + "\n"


def mis_row(line: int, upn: str, first: str, last: str, born: date, year: int | None = 5,
            class_name: str | None = "Willow", attendance: float | None = None) -> MisRow:
    return MisRow(line, upn, first, last, born, year, class_name, attendance)


def row_for(pupil: ExistingPupil, line: int = 2, **changes: object) -> MisRow:
    """The row an MIS would give for ``pupil`` as held, with changes."""
    row = MisRow(line, pupil.upn, pupil.first_name, pupil.last_name, pupil.date_of_birth, pupil.year_group,
                 pupil.class_name, pupil.attendance_percent)
    return replace(row, **changes)


def plan(rows: list[MisRow], problems: list[Problem] | None = None, existing: list[ExistingPupil] | None = None,
         as_of: date = AS_OF) -> ImportPlan:
    return plan_import(rows, problems or [], EXISTING if existing is None else existing, CLASSES, as_of)


class TestSimsExport:
    def test_every_row_is_read(self):
        rows, problems = parse(SIMS_EXPORT)
        assert problems == []
        assert [r.line for r in rows] == [2, 3, 4, 5, 6]
        assert rows[0] == MisRow(2, "Z319700118114", "Amara", "Osei", date(2014, 3, 11), 8, "Oak", 97.6)
        assert rows[4] == MisRow(6, "C319700152601", "Siobhán", "Ó Briain", date(2017, 4, 2), 4, "Willow", 100.0)

    def test_the_legal_forename_wins_over_the_preferred_one(self):
        rows, _ = parse(SIMS_EXPORT)
        assert rows[1].first_name == "Ben"  # preferred "Benny"

    def test_the_legal_forename_wins_whichever_column_comes_first(self):
        text = "UPN,Preferred Forename,Surname,Legal Forename,DOB\nX319700119023,Benny,Hughes,Ben,29/07/2015\n"
        assert one_row(text).first_name == "Ben"

    def test_the_plan_against_the_school(self):
        result = plan_import(*parse(SIMS_EXPORT), EXISTING, CLASSES, AS_OF)
        assert result.ok
        assert [r.upn for r in result.added] == ["C319700152601"]
        # every pupil held has a figure stored as of 20 Nov: each gets the 23 Nov one
        assert [(u.line, u.attendance, u.changes) for u in result.updated] == [
            (2, 97.6, ()), (3, 91.5, ()), (4, 98.9, ()), (5, 94.1, ())]
        assert result.unchanged == ()

    def test_the_same_export_on_the_day_of_the_stored_figures(self):
        result = plan_import(*parse(SIMS_EXPORT), EXISTING, CLASSES, STORED_ON)
        assert [(u.line, u.attendance) for u in result.updated] == [(2, 97.6), (5, 94.1)]
        assert result.unchanged == (3, 4)


class TestArborExport:
    def test_every_row_is_read_with_its_diacritics(self):
        rows, problems = parse(ARBOR_EXPORT)
        assert problems == []
        assert [(r.first_name, r.last_name) for r in rows] == [
            ("Zoë", "Kowalski"), ("Łukasz", "Nowicki"), ("Oğuz", "Yılmaz")]
        assert [r.date_of_birth for r in rows] == [date(2018, 6, 1), date(2019, 12, 14), date(2021, 8, 30)]
        assert [r.year_group for r in rows] == [3, 2, 0]
        assert [r.attendance_percent for r in rows] == [96.3, None, 88.0]
        assert {r.class_name for r in rows} == {"Willow"}

    def test_all_three_are_new_pupils(self):
        result = plan_import(*parse(ARBOR_EXPORT), EXISTING, CLASSES, AS_OF)
        assert result.ok
        assert [r.line for r in result.added] == [2, 3, 4]
        assert result.updated == result.unchanged == ()


class TestHeadings:
    @pytest.mark.parametrize(
        "heading",
        ["UPN,Surname,Forename,DOB", " upn , SURNAME ,forename,  dob  ", "UPN,Last Name,First Name,Date of Birth",
         "UPN,Legal Surname,Legal Forename,Date Of Birth", "UPN,surname,Preferred Forename,DOB",
         "UPN,Last  Name,First Name,DOB"],
    )
    def test_spellings_case_and_spaces(self, heading):
        row = one_row(heading + "\nX319700119023,Hughes,Ben,29/07/2015\n")
        assert (row.upn, row.last_name, row.first_name) == ("X319700119023", "Hughes", "Ben")
        assert (row.year_group, row.class_name, row.attendance_percent) == (None, None, None)

    @pytest.mark.parametrize("year", HEADINGS["year_group"])
    def test_year_headings(self, year):
        assert one_row(f"UPN,Surname,Forename,DOB,{year}\nX319700119023,Hughes,Ben,29/07/2015,7\n").year_group == 7

    @pytest.mark.parametrize("klass", ["Reg Group", "Registration Group", "Class", "Form"])
    def test_class_headings(self, klass):
        row = one_row(f"UPN,Surname,Forename,DOB,{klass}\nX319700119023,Hughes,Ben,29/07/2015,Oak\n")
        assert row.class_name == "Oak"

    @pytest.mark.parametrize("attendance", ["Attendance %", "Attendance", "% Attendance", "Attendance (%)"])
    def test_attendance_headings(self, attendance):
        row = one_row(f"UPN,Surname,Forename,DOB,{attendance}\nX319700119023,Hughes,Ben,29/07/2015,91.5\n")
        assert row.attendance_percent == 91.5

    def test_other_columns_are_ignored(self):
        text = ("Admission No,UPN,Surname,Forename,Gender,DOB,SEN Status\n"
                "001234,X319700119023,Hughes,Ben,M,29/07/2015,E\n")
        assert one_row(text).upn == "X319700119023"

    def test_a_heading_given_twice_takes_the_first_column(self):
        text = "UPN,Surname,Forename,DOB,Class,Class\nX319700119023,Hughes,Ben,29/07/2015,Oak,Willow\n"
        assert one_row(text).class_name == "Oak"

    @pytest.mark.parametrize(
        ("heading", "missing", "spelling"),
        [("Surname,Forename,DOB", "UPN", "'UPN'"),
         ("UPN,Forename,DOB", "surname", "'Last Name'"),
         ("UPN,Surname,DOB", "forename", "'Preferred Forename'"),
         ("UPN,Surname,Forename,Birthday", "date of birth", "'Date of Birth'")],
    )
    def test_a_missing_required_heading_is_one_problem_on_line_1(self, heading, missing, spelling):
        problems = problems_of(heading + "\nX319700119023,Hughes,Ben,29/07/2015\n")
        assert len(problems) == 1
        assert problems[0].where == "line 1"
        assert problems[0].message.startswith(f"no {missing} column")
        assert spelling in problems[0].message
        assert str(problems[0]) == (
            f"line 1: no {missing} column: add the column with a heading spelt one of "
            + ", ".join(repr(s) for s in {"UPN": HEADINGS["upn"], "surname": HEADINGS["last_name"],
                                          "forename": HEADINGS["first_name"],
                                          "date of birth": HEADINGS["date_of_birth"]}[missing])
            + " (any case), or export it from the MIS")

    def test_each_missing_heading_is_said(self):
        problems = problems_of("Name,Born\nBen Hughes,29/07/2015\n")
        assert [p.message.split(" column")[0] for p in problems] == [
            "no UPN", "no surname", "no forename", "no date of birth"]
        assert {p.where for p in problems} == {"line 1"}

    @pytest.mark.parametrize("text", ["", "\ufeff", "\n\n", " , ,\n"])
    def test_an_empty_file(self, text):
        problems = problems_of(text)
        assert len(problems) == 1
        assert problems[0].where == "line 1"
        assert "empty" in problems[0].message

    def test_headings_alone_are_no_rows_and_no_problem(self):
        assert parse("UPN,Surname,Forename,DOB\n") == ([], [])


class TestLinesAndLayout:
    def test_a_bom_is_not_part_of_the_first_heading(self):
        assert one_row("\ufeffUPN,Surname,Forename,DOB\nX319700119023,Hughes,Ben,29/07/2015\n").upn == (
            "X319700119023")

    def test_blank_lines_are_skipped_and_counted(self):
        text = ("UPN,Surname,Forename,DOB\n\nX319700119023,Hughes,Ben,29/07/2015\n,,,\n\n"
                "X319700117077,Nowak,Chloe,05/01/2013")
        rows, problems = parse(text)
        assert problems == []
        assert [r.line for r in rows] == [3, 6]

    def test_a_quoted_name_with_a_comma_and_a_line_break(self):
        text = ('UPN,Surname,Forename,DOB\n"X319700119023","Hughes, Jr","Ben\nJames",29/07/2015\n'
                "X319700117077,Nowak,Chloe,05/01/2013\n")
        rows, problems = parse(text)
        assert problems == []
        assert [(r.line, r.last_name) for r in rows] == [(2, "Hughes, Jr"), (4, "Nowak")]

    def test_an_unquoted_comma_in_a_name_is_caught(self):
        problems = problems_of(csv_of("X319700119023,Hughes, Jr,Ben,29/07/2015,7,Oak,91.5"))
        assert problems == [Problem("line 2", "has 8 cells but there are 7 headings: a name with a comma must be "
                                              "in quotes; save the export from the MIS as CSV again")]

    def test_trailing_empty_cells_are_fine(self):
        assert one_row("UPN,Surname,Forename,DOB\nX319700119023,Hughes,Ben,29/07/2015,,,\n").upn == "X319700119023"

    def test_a_short_row_leaves_the_missing_cells_blank(self):
        problems = problems_of("UPN,Surname,Forename,DOB\nX319700119023,Hughes\n")
        assert [str(p) for p in problems] == [
            "line 2: Forename is blank: enter it in the MIS and export again",
            "line 2: DOB is blank: fill in the date of birth in the MIS and export again"]

    def test_cells_are_trimmed(self):
        row = one_row(csv_of(" X319700119023 ,  Hughes , Ben ,  29/07/2015 , 7 , Oak , 91.5 "))
        assert row == MisRow(2, "X319700119023", "Ben", "Hughes", date(2015, 7, 29), 7, "Oak", 91.5)

    def test_decomposed_accents_are_stored_composed(self):
        decomposed = unicodedata.normalize("NFD", "Zoë")
        assert decomposed != "Zoë"
        assert one_row(csv_of(f"X319700119023,Hughes,{decomposed},29/07/2015,7,Oak,")).first_name == "Zoë"

    def test_mac_line_endings(self):
        rows, problems = parse("UPN,Surname,Forename,DOB\rX319700119023,Hughes,Ben,29/07/2015\r")
        assert problems == []
        assert [r.line for r in rows] == [2]


class TestUpns:
    def test_a_temporary_upn_is_accepted(self):
        assert one_row(csv_of(f"{TEMPORARY_UPN},Hughes,Ben,29/07/2015,7,Oak,")).upn == TEMPORARY_UPN

    @pytest.mark.parametrize("upn", ["", "A319700119023", "X31970011902", "x319700119023", "X3197001190 3"])
    def test_a_bad_upn_is_refused_with_the_upn_check_words(self, upn):
        problems = problems_of(csv_of(f"{upn},Hughes,Ben,29/07/2015,7,Oak,"))
        assert problems == [Problem("line 2", upn_problem(upn.strip()))]

    def test_a_duplicate_upn_is_refused_on_the_later_line(self):
        rows, problems = parse(csv_of("X319700119023,Hughes,Ben,29/07/2015,7,Oak,",
                                      "X319700117077,Nowak,Chloe,05/01/2013,9,Oak,",
                                      "X319700119023,Hughes,Benjamin,29/07/2015,7,Oak,"))
        assert [r.line for r in rows] == [2, 3]
        assert problems == [Problem("line 4", "UPN X319700119023 is also on line 2: a pupil can be in the export "
                                              "once; remove the duplicate row")]

    def test_a_duplicate_of_a_refused_row_is_still_a_duplicate(self):
        rows, problems = parse(csv_of("X319700119023,Hughes,Ben,31/02/2015,7,Oak,",
                                      "X319700119023,Hughes,Ben,29/07/2015,7,Oak,"))
        assert rows == []
        assert [p.where for p in problems] == ["line 2", "line 3"]
        assert "also on line 2" in problems[1].message


class TestDates:
    @pytest.mark.parametrize(
        ("text", "day"),
        [("11/03/2014", date(2014, 3, 11)), ("1/3/2014", date(2014, 3, 1)), ("01/3/2014", date(2014, 3, 1)),
         ("2014-03-11", date(2014, 3, 11)), ("11-03-2014", date(2014, 3, 11)), ("11.03.2014", date(2014, 3, 11)),
         ("29/02/2016", date(2016, 2, 29)), ("11/03/2014 00:00", date(2014, 3, 11)),
         ("11/03/2014 00:00:00", date(2014, 3, 11))],
    )
    def test_uk_and_iso_dates(self, text, day):
        assert parse_mis_date(text) == day
        assert one_row(csv_of(f"X319700119023,Hughes,Ben,{text},7,Oak,")).date_of_birth == day

    @pytest.mark.parametrize("text", ["31/02/2026", "29/02/2015", "03/31/2014", "2014-02-30", "00/01/2014"])
    def test_a_date_that_does_not_exist(self, text):
        assert parse_mis_date(text) is None
        assert problems_of(csv_of(f"X319700119023,Hughes,Ben,{text},7,Oak,")) == [
            Problem("line 2", f"DOB {text!r} is not a real date: correct it in the MIS and export again")]

    def test_a_two_digit_year(self):
        assert problems_of(csv_of("X319700119023,Hughes,Ben,29/07/15,7,Oak,")) == [
            Problem("line 2", "DOB '29/07/15' has a two-digit year: export dates as DD/MM/YYYY")]

    @pytest.mark.parametrize("text", ["29 July 2015", "2015/07/29", "20150729", "2014-3-11", "29/07/2015 09:30",
                                      "٢٩/٠٧/٢٠١٥"])
    def test_not_a_date(self, text):
        assert parse_mis_date(text) is None
        problems = problems_of(csv_of(f"X319700119023,Hughes,Ben,{text},7,Oak,"))
        assert problems == [Problem("line 2", f"DOB {text!r} is not a date: export dates as DD/MM/YYYY "
                                              "(e.g. 11/03/2014)")]

    def test_the_heading_as_written_names_the_column(self):
        problems = problems_of("UPN,Surname,Forename,Date of Birth\nX319700119023,Hughes,Ben,31/02/2026\n")
        assert problems[0].message.startswith("Date of Birth '31/02/2026' is not a real date")


class TestYearGroups:
    @pytest.mark.parametrize(
        ("text", "year"),
        [("7", 7), ("07", 7), ("Year 7", 7), ("year 7", 7), ("Y7", 7), ("Yr 7", 7), ("NC Year 7", 7), ("Year 14", 14),
         ("1", 1), ("0", 0), ("-1", -1), ("R", 0), ("Rec", 0), ("Reception", 0), ("YR", 0), ("Year R", 0), ("F2", 0),
         ("N", -1), ("Nursery", -1), ("N1", -1), ("N2", -1), ("F1", -1), ("Year N", -1)],
    )
    def test_readable_year_groups(self, text, year):
        assert parse_year_group(text) == year
        assert one_row(csv_of(f"X319700119023,Hughes,Ben,29/07/2015,{text},Oak,")).year_group == year

    @pytest.mark.parametrize("text", ["15", "Year 15", "-2", "Sixth Form", "Y", "7a", "²"])
    def test_unreadable_year_groups(self, text):
        assert parse_year_group(text) is None
        assert problems_of(csv_of(f"X319700119023,Hughes,Ben,29/07/2015,{text},Oak,")) == [
            Problem("line 2", f"Year {text!r} is not a year group: use 1 to 14, Year 7, Y7, R (Reception) or "
                              "N (Nursery)")]

    def test_a_blank_year_is_none(self):
        assert one_row(csv_of("X319700119023,Hughes,Ben,29/07/2015,,Oak,")).year_group is None


class TestAttendance:
    @pytest.mark.parametrize(("text", "value"), [("95.2", 95.2), ("95.2%", 95.2), (" 95.2 % ", 95.2), ("100", 100.0),
                                                 ("0", 0.0), ("0.0%", 0.0), ("", None), (".5", 0.5)])
    def test_readable_figures(self, text, value):
        assert one_row(csv_of(f"X319700119023,Hughes,Ben,29/07/2015,7,Oak,{text}")).attendance_percent == value

    @pytest.mark.parametrize("text", ["101", "100.01", "-1", "-0.5%"])
    def test_outside_0_to_100(self, text):
        assert problems_of(csv_of(f"X319700119023,Hughes,Ben,29/07/2015,7,Oak,{text}")) == [
            Problem("line 2", f"Attendance {text} is outside 0 to 100: export the year-to-date attendance percentage")]

    @pytest.mark.parametrize("text", ["abc", "nan", "inf", "1e2", "95,2", "95.2.1", "%"])
    def test_not_a_percentage(self, text):
        problems = problems_of(csv_of(f'X319700119023,Hughes,Ben,29/07/2015,7,Oak,"{text}"'))
        assert problems == [Problem("line 2", f"Attendance {text!r} is not a percentage: give a number such as 95.2")]


class TestBadRows:
    def test_every_problem_of_a_row_is_said(self):
        problems = problems_of(csv_of("A319700119023,,Ben,31/02/2026,Year 20,Oak,101"))
        assert [p.where for p in problems] == ["line 2"] * 5
        assert [p.message.split(" ")[0] for p in problems] == ["UPN", "Surname", "DOB", "Year", "Attendance"]

    def test_good_rows_are_kept_around_bad_ones(self):
        rows, problems = parse(csv_of("X319700119023,Hughes,Ben,29/07/2015,7,Oak,91.5",
                                      "X319700117077,Nowak,Chloe,31/02/2013,9,Oak,98.9",
                                      "X319700121005,Sharma,Dev,18/09/2016,5,Willow,101"))
        assert [r.line for r in rows] == [2]
        assert [p.where for p in problems] == ["line 3", "line 4"]

    @given(st.text(max_size=300))
    @settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
    def test_any_text_gives_rows_or_problems_never_an_error(self, text):
        rows, problems = parse_mis_csv(text)
        for problem in problems:
            assert problem.where.startswith("line ")
            assert problem.message
        lines = [r.line for r in rows]
        assert lines == sorted(set(lines))
        assert all(line >= 2 for line in lines)

    @given(st.text(max_size=200))
    @settings(max_examples=200)
    def test_any_text_after_good_headings(self, text):
        rows, problems = parse_mis_csv("UPN,Surname,Forename,DOB,Year,Class,Attendance\n" + text)
        assert all(upn_problem(r.upn) is None for r in rows)
        assert all(r.attendance_percent is None or 0 <= r.attendance_percent <= 100 for r in rows)
        assert len({r.upn for r in rows}) == len(rows)
        assert all(p.where != "line 1" for p in problems)


# -- the plan ---------------------------------------------------------------------------------------------

class TestMatchingByUpn:
    def test_nothing_to_change(self):
        result = plan([row_for(p, line) for line, p in enumerate(EXISTING, start=2)], as_of=STORED_ON)
        assert result == ImportPlan(STORED_ON, (), (), (2, 3, 4, 5), ())
        assert result.ok

    def test_a_new_attendance_figure(self):
        result = plan([row_for(BEN, attendance_percent=92.0)], as_of=STORED_ON)
        assert result.updated == (PupilUpdate(2, 2, BEN.upn, "Ben Hughes", (), 92.0, "upn"),)

    def test_the_same_figure_on_a_new_date_is_an_update(self):
        result = plan([row_for(BEN)])
        assert result.updated == (PupilUpdate(2, 2, BEN.upn, "Ben Hughes", (), 91.5, "upn"),)

    def test_no_figure_in_the_row_is_no_attendance_update(self):
        assert plan([row_for(BEN, attendance_percent=None)]).unchanged == (2,)

    def test_a_first_figure_for_a_pupil_with_none(self):
        pupil = replace(BEN, attendance_percent=None, attendance_as_of=None)
        assert plan([row_for(BEN, attendance_percent=88.0)], existing=[pupil]).updated[0].attendance == 88.0

    def test_each_field_change_with_its_old_and_new_value(self):
        row = row_for(CHLOE, first_name="Chloé", last_name="Nowak-Smith", date_of_birth=date(2013, 1, 6),
                      year_group=10, class_name="Willow", attendance_percent=98.9)
        (update,) = plan([row], as_of=STORED_ON).updated
        assert update.changes == (
            FieldChange("first_name", "Chloe", "Chloé"), FieldChange("last_name", "Nowak", "Nowak-Smith"),
            FieldChange("date_of_birth", date(2013, 1, 5), date(2013, 1, 6)), FieldChange("year_group", 9, 10),
            FieldChange("class_name", "Oak", "Willow"))
        assert update.attendance is None
        assert update.name == "Chloé Nowak-Smith"
        assert update.matched_by == "upn"

    def test_a_missing_year_or_class_changes_nothing(self):
        assert plan([row_for(DEV, year_group=None, class_name=None)], as_of=STORED_ON).unchanged == (2,)

    def test_a_class_is_matched_without_regard_to_case_and_kept_in_the_schools_spelling(self):
        assert plan([row_for(DEV, class_name=" willow ")], as_of=STORED_ON).unchanged == (2,)
        (update,) = plan([row_for(DEV, class_name="OAK")], as_of=STORED_ON).updated
        assert update.changes == (FieldChange("class_name", "Willow", "Oak"),)

    def test_a_class_the_school_does_not_have_is_refused(self):
        result = plan([row_for(DEV, class_name="Elm")])
        assert result.refused == (Problem("line 2", "class 'Elm' is not a class of the school: add it in Settings "
                                                    "or correct the export"),)
        assert not result.ok
        assert result.updated == ()

    def test_the_change_fields(self):
        assert CHANGE_FIELDS == ("upn", "first_name", "last_name", "date_of_birth", "year_group", "class_name")


class TestUpnChanges:
    def test_a_temporary_upn_made_permanent_is_caught_by_name_and_date_of_birth(self):
        held = replace(DEV, upn=TEMPORARY_UPN)
        (update,) = plan([row_for(DEV)], existing=[AMARA, held], as_of=STORED_ON).updated
        assert update == PupilUpdate(2, 4, DEV.upn, "Dev Sharma", (FieldChange("upn", TEMPORARY_UPN, DEV.upn),),
                                     None, "name and date of birth")

    def test_names_match_without_regard_to_case_or_accents(self):
        held = replace(DEV, upn=TEMPORARY_UPN, first_name="Dév", last_name="SHARMA")
        (update,) = plan([row_for(DEV)], existing=[held], as_of=STORED_ON).updated
        assert update.matched_by == "name and date of birth"
        assert [c.field for c in update.changes] == ["upn", "first_name", "last_name"]

    def test_a_different_date_of_birth_is_a_new_pupil(self):
        held = replace(DEV, upn=TEMPORARY_UPN)
        result = plan([row_for(DEV, date_of_birth=date(2016, 9, 19))], existing=[held])
        assert [r.upn for r in result.added] == [DEV.upn]

    def test_two_pupils_with_the_name_and_date_of_birth_are_ambiguous(self):
        twin = replace(DEV, id=9, upn=NEW_UPNS[0])
        other = replace(DEV, id=10, upn=NEW_UPNS[1], first_name="dev")
        result = plan([row_for(DEV, upn=NEW_UPNS[2])], existing=[twin, other])
        assert result.added == result.updated == ()
        (problem,) = result.refused
        assert problem.where == "line 2"
        assert problem.message == (
            f"new UPN {NEW_UPNS[2]} for Dev Sharma, born 18 Sep 2016, matches 2 pupils with that name and date of "
            f"birth (UPNs {NEW_UPNS[0]}, {NEW_UPNS[1]}): correct the right pupil's UPN in the app, then import again")

    def test_the_old_and_the_new_upn_in_one_export(self):
        held = replace(DEV, upn=TEMPORARY_UPN)
        rows = [row_for(DEV, line=2), row_for(held, line=3)]
        result = plan(rows, existing=[held], as_of=STORED_ON)
        assert result.unchanged == (3,)
        assert result.refused == (Problem("line 2", f"Dev Sharma, born 18 Sep 2016, is also on line 3 with UPN "
                                                    f"{TEMPORARY_UPN}: a pupil can be in the export once; check which "
                                                    "UPN is right in the MIS"),)

    def test_two_new_upns_for_one_pupil(self):
        held = replace(DEV, upn=TEMPORARY_UPN)
        result = plan([row_for(DEV, line=2, upn=NEW_UPNS[0]), row_for(DEV, line=3, upn=NEW_UPNS[1])], existing=[held])
        assert [u.line for u in result.updated] == [2]
        assert [p.where for p in result.refused] == ["line 3"]
        assert "also on line 2" in result.refused[0].message

    def test_the_same_upn_twice_given_straight_to_the_plan(self):
        result = plan([row_for(BEN, line=2), row_for(BEN, line=3)], as_of=STORED_ON)
        assert result.unchanged == (2,)
        assert [p.where for p in result.refused] == ["line 3"]


class TestNewPupils:
    def test_a_new_pupil_is_added_in_the_schools_class_spelling(self):
        row = mis_row(2, NEW_UPNS[0], "Siobhán", "Ó Briain", date(2017, 4, 2), 4, "willow", 100.0)
        assert plan([row]).added == (replace(row, class_name="Willow"),)

    @pytest.mark.parametrize(
        ("year", "class_name", "reasons"),
        [(None, "Willow", ["Ela Yilmaz is a new pupil and has no year group: add the year to the export"]),
         (4, None, ["Ela Yilmaz is a new pupil and has no class: add the registration group to the export"]),
         (None, None, ["Ela Yilmaz is a new pupil and has no class: add the registration group to the export",
                       "Ela Yilmaz is a new pupil and has no year group: add the year to the export"])],
    )
    def test_a_new_pupil_needs_a_class_and_a_year_group(self, year, class_name, reasons):
        row = mis_row(7, NEW_UPNS[0], "Ela", "Yilmaz", date(2017, 4, 2), year, class_name)
        result = plan([row])
        assert result.added == ()
        assert result.refused == tuple(Problem("line 7", reason) for reason in reasons)

    def test_a_new_pupil_in_a_class_the_school_does_not_have(self):
        result = plan([mis_row(2, NEW_UPNS[0], "Ela", "Yilmaz", date(2017, 4, 2), 4, "Elm")])
        assert [p.message for p in result.refused] == [
            "class 'Elm' is not a class of the school: add it in Settings or correct the export"]

    def test_a_date_of_birth_after_the_import_date(self):
        result = plan([mis_row(2, NEW_UPNS[0], "Ela", "Yilmaz", date(2026, 11, 24))])
        assert result.refused == (Problem("line 2", "date of birth 24 Nov 2026 is after the import date 23 Nov 2026: "
                                                    "correct it in the MIS and export again"),)
        assert plan([mis_row(2, NEW_UPNS[0], "Ela", "Yilmaz", AS_OF)]).ok


class TestPupilsWhoLeft:
    def test_a_pupil_marked_as_left_is_refused(self):
        left = replace(AMARA, left_on=date(2026, 8, 31))
        result = plan([row_for(AMARA)], existing=[left])
        assert result.refused == (Problem("line 2", "Amara Osei (UPN Z319700118114) is marked as left on 31 Aug 2026: "
                                                    "re-admit them in the app first if they have come back, or remove "
                                                    "the row"),)
        assert result.updated == result.added == result.unchanged == ()

    def test_found_by_name_and_date_of_birth_after_leaving(self):
        left = replace(AMARA, upn=TEMPORARY_UPN, left_on=date(2026, 7, 22))
        result = plan([row_for(AMARA)], existing=[left])
        assert [p.message.split(":")[0] for p in result.refused] == [
            f"Amara Osei (UPN {TEMPORARY_UPN}) is marked as left on 22 Jul 2026"]

    def test_left_on_the_import_date(self):
        assert not plan([row_for(AMARA)], existing=[replace(AMARA, left_on=AS_OF)]).ok

    def test_leaving_after_the_import_date_is_still_on_roll(self):
        leaving = replace(AMARA, left_on=date(2026, 12, 18))
        assert plan([row_for(AMARA, attendance_percent=97.0)], existing=[leaving]).updated[0].attendance == 97.0


class TestRefusedOrder:
    def test_parse_and_plan_problems_together_by_line(self):
        text = csv_of("X319700119023,Hughes,Ben,29/07/2015,7,Elm,91.5",
                      "X319700117077,Nowak,Chloe,31/02/2013,9,Oak,98.9",
                      f"{NEW_UPNS[0]},Yilmaz,Ela,02/04/2017,,Willow,",
                      "X319700121005,Sharma,Dev,18/09/2016,5,Willow,101",
                      "Z319700118114,Osei,Amara,11/03/2014,8,Oak,97.6")
        result = plan_import(*parse_mis_csv(text), EXISTING, CLASSES, AS_OF)
        assert [p.where for p in result.refused] == ["line 2", "line 3", "line 4", "line 5"]
        assert result.refused_lines == (2, 3, 4, 5)
        assert [u.line for u in result.updated] == [6]
        assert not result.ok

    def test_a_missing_heading_refuses_everything(self):
        result = plan_import(*parse_mis_csv("Surname,Forename,DOB\nHughes,Ben,29/07/2015\n"), EXISTING, CLASSES, AS_OF)
        assert [p.where for p in result.refused] == ["line 1"]
        assert result.added == result.updated == result.unchanged == ()


class TestNameKey:
    @pytest.mark.parametrize(("a", "b"), [("Zoë", "ZOE"), ("O’Brien", "o'brien"), ("Siobhán ", " siobhan"),
                                          ("Anne  Marie", "anne marie"), ("Oğuz", "oguz")])
    def test_same(self, a, b):
        assert name_key(a) == name_key(b)

    @pytest.mark.parametrize(("a", "b"), [("Łukasz", "Lukasz"), ("Ann", "Anne"), ("Anne-Marie", "Anne Marie")])
    def test_different(self, a, b):
        assert name_key(a) != name_key(b)


# -- properties of the plan ----------------------------------------------------------------------------------

first_names = st.sampled_from(["Amara", "Ben", "Chloe", "Dev", "Zoë", "Siobhán", "Łukasz", "Oğuz", "ben"])
last_names = st.sampled_from(["Osei", "Hughes", "Nowak", "Sharma", "Ó Briain", "Yılmaz", "HUGHES"])
births = st.sampled_from([date(2014, 3, 11), date(2015, 7, 29), date(2013, 1, 5), date(2016, 9, 18)])
upns = st.sampled_from([p.upn for p in EXISTING] + list(NEW_UPNS) + [TEMPORARY_UPN])
class_names = st.sampled_from(["Oak", "Willow", "oak", "Elm"]) | st.none()
year_groups = st.none() | st.integers(-1, 14)
attendances = st.none() | st.sampled_from([91.5, 95.0, 97.2, 98.9, 100.0, 0.0])


@st.composite
def mis_rows(draw: st.DrawFn) -> list[MisRow]:
    chosen = draw(st.lists(upns, unique=True, max_size=8))
    return [MisRow(line, upn, draw(first_names), draw(last_names), draw(births), draw(year_groups),
                   draw(class_names), draw(attendances)) for line, upn in enumerate(chosen, start=2)]


@st.composite
def held_pupils(draw: st.DrawFn) -> list[ExistingPupil]:
    chosen = draw(st.lists(upns, unique=True, max_size=6))
    return [ExistingPupil(number, upn, draw(first_names), draw(last_names), draw(births),
                          draw(st.integers(-1, 14)), draw(st.sampled_from(["Oak", "Willow"])),
                          draw(attendances), draw(st.none() | st.sampled_from([STORED_ON, AS_OF])),
                          draw(st.none() | st.sampled_from([date(2026, 7, 22), date(2027, 7, 21)])))
            for number, upn in enumerate(chosen, start=1)]


def apply(result: ImportPlan, held: list[ExistingPupil]) -> list[ExistingPupil]:
    """What the service would store after applying the plan (a model for the tests only)."""
    by_id = {p.id: p for p in held}
    for update in result.updated:
        pupil = replace(by_id[update.pupil_id], **{c.field: c.new for c in update.changes})
        if update.attendance is not None:
            pupil = replace(pupil, attendance_percent=update.attendance, attendance_as_of=result.as_of)
        by_id[pupil.id] = pupil
    for number, row in enumerate(result.added, start=max(by_id, default=0) + 1):
        by_id[number] = ExistingPupil(number, row.upn, row.first_name, row.last_name, row.date_of_birth,
                                      row.year_group, row.class_name, row.attendance_percent,
                                      AS_OF if row.attendance_percent is not None else None)
    return list(by_id.values())


class TestPlanProperties:
    @given(mis_rows(), held_pupils())
    @settings(max_examples=300)
    def test_every_row_has_exactly_one_outcome(self, rows, held):
        result = plan_import(rows, [], held, CLASSES, AS_OF)
        outcomes = ([r.line for r in result.added] + [u.line for u in result.updated] + list(result.unchanged)
                    + list(result.refused_lines))
        assert sorted(outcomes) == [r.line for r in rows]
        assert result.ok == (not result.refused)

    @given(mis_rows(), held_pupils())
    @settings(max_examples=300)
    def test_each_pupil_is_updated_at_most_once_and_changes_are_real(self, rows, held):
        result = plan_import(rows, [], held, CLASSES, AS_OF)
        by_id = {p.id: p for p in held}
        assert len({u.pupil_id for u in result.updated}) == len(result.updated)
        for update in result.updated:
            assert update.changes or update.attendance is not None
            for change in update.changes:
                assert change.field in CHANGE_FIELDS
                assert change.old == getattr(by_id[update.pupil_id], change.field) != change.new
            assert by_id[update.pupil_id].left_on is None or by_id[update.pupil_id].left_on > AS_OF

    @given(mis_rows(), held_pupils())
    @settings(max_examples=300)
    def test_applying_the_plan_then_planning_again_changes_nothing(self, rows, held):
        first = plan_import(rows, [], held, CLASSES, AS_OF)
        taken = [r for r in rows if r.line not in first.refused_lines]
        again = plan_import(taken, [], apply(first, held), CLASSES, AS_OF)
        assert again.added == again.updated == ()
        assert again.refused == ()
        assert again.unchanged == tuple(r.line for r in taken)

    @given(st.lists(st.tuples(first_names, last_names, births, st.sampled_from([-1, 0, 3, 14]),
                              st.sampled_from(["Oak", "Willow"]), attendances), max_size=6),
           st.sampled_from(["%d/%m/%Y", "%Y-%m-%d"]))
    @settings(max_examples=200)
    def test_a_written_export_reads_back(self, pupils, date_format):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["UPN", "Legal Surname", "Legal Forename", "DOB", "NC Year", "Reg Group", "Attendance %"])
        for upn, (first, last, born, year, klass, attendance) in zip(NEW_UPNS, pupils, strict=False):
            writer.writerow([upn, last, first, born.strftime(date_format), year, klass,
                             "" if attendance is None else f"{attendance}%"])
        rows, problems = parse_mis_csv(out.getvalue())
        assert problems == []
        assert [(r.upn, r.first_name, r.last_name, r.date_of_birth, r.year_group, r.class_name, r.attendance_percent)
                for r in rows] == [(upn, *pupil) for upn, pupil in zip(NEW_UPNS, pupils, strict=False)]
        assert [r.line for r in rows] == list(range(2, 2 + len(pupils)))
