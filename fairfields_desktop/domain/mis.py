"""An MIS export (SIMS, Arbor: a CSV with its headings in line 1) and the plan to apply it to the roll.

`parse_mis_csv` reads the text of the export into rows, and a problem for each row that cannot be
taken (each at ``line N``, the heading being line 1). `plan_import` compares the rows with the pupils
the school holds and says, row by row, what would be added, updated, left as it is, or refused and why.
Nothing here reads a file or a database: the service does that and applies the plan.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from .dataset import text_problem
from .errors import Problem
from .upn import upn_problem

#: field → the headings accepted for it, the first found winning (so a legal name beats a preferred one)
HEADINGS: dict[str, tuple[str, ...]] = {
    "upn": ("UPN",),
    "last_name": ("Legal Surname", "Legal Last Name", "Surname", "Last Name"),
    "first_name": ("Legal Forename", "Legal First Name", "Forename", "First Name", "Preferred Forename"),
    "date_of_birth": ("DOB", "Date of Birth"),
    "year_group": ("Year", "Year Group", "NC Year", "Curriculum Year"),
    "class_name": ("Reg Group", "Registration Group", "Registration Form", "Class", "Form"),
    "attendance_percent": ("Attendance %", "Attendance", "% Attendance", "Attendance (%)"),
}
REQUIRED = ("upn", "last_name", "first_name", "date_of_birth")
_LABELS = {"upn": "UPN", "last_name": "surname", "first_name": "forename", "date_of_birth": "date of birth"}
CHANGE_FIELDS = ("upn", "first_name", "last_name", "date_of_birth", "year_group", "class_name")
MAX_NAME = 100  # as the pupil form: a longer name is a column shifted or a note typed into the name

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UK_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+0?0:00(?::00)?)?", re.ASCII)
_SHORT_YEAR = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}", re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_YEAR_NUMBER = re.compile(r"(?:year|yr|y|ncyear|nc)?(-?\d{1,2})", re.ASCII)
_PERCENT = re.compile(r"(-?(?:\d+(?:\.\d*)?|\.\d+))\s*%?", re.ASCII)
_RECEPTION = frozenset({"r", "rec", "reception", "yr", "yearr", "f2", "fs2"})
_NURSERY = frozenset({"n", "nur", "nursery", "yearn", "n1", "n2", "f1", "fs1"})
_LINE = re.compile(r"line (\d+)\b")


def _day_text(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _heading_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def name_key(name: str) -> str:
    """How names are compared when matching: case, accents, spacing and curly apostrophes ignored.

    "Zoë" matches "ZOE" and "O’Brien" matches "o'brien"; letters that are not accented forms (Ł, ø)
    are kept as they are.
    """
    decomposed = unicodedata.normalize("NFKD", name.replace("’", "'").replace("‘", "'"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def parse_mis_date(text: str) -> date | None:
    """A date as an MIS writes it: DD/MM/YYYY (also D/M/YYYY, with - or .) or ISO YYYY-MM-DD."""
    uk = _UK_DATE.fullmatch(text)
    iso = _ISO_DATE.fullmatch(text)
    try:
        if uk:
            return date(int(uk[3]), int(uk[2]), int(uk[1]))
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError:
        return None
    return None


def parse_year_group(text: str) -> int | None:
    """-1 Nursery, 0 Reception, 1..14 from "7", "Year 7", "Y7", "R", "Rec", "N1", "F2" …; None if unreadable."""
    key = "".join(text.casefold().replace(".", " ").split())
    if key in _RECEPTION:
        return 0
    if key in _NURSERY:
        return -1
    number = _YEAR_NUMBER.fullmatch(key)
    if number and -1 <= int(number[1]) <= 14:
        return int(number[1])
    return None


@dataclass(frozen=True)
class MisRow:
    """One pupil's row of the export, read and checked."""

    line: int  # the CSV line number (the heading is line 1)
    upn: str
    first_name: str
    last_name: str
    date_of_birth: date
    year_group: int | None  # -1 Nursery, 0 Reception, 1..14; None if the column is absent or blank
    class_name: str | None
    attendance_percent: float | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _columns(heading: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Field → column index and field → the heading as written, for the headings found."""
    found: dict[str, int] = {}
    for index, text in enumerate(heading):
        found.setdefault(_heading_key(text), index)
    columns: dict[str, int] = {}
    written: dict[str, str] = {}
    for field, spellings in HEADINGS.items():
        for spelling in spellings:
            column = found.get(_heading_key(spelling))
            if column is not None:
                columns[field] = column
                written[field] = heading[column].strip()
                break
    return columns, written


def _records(text: str) -> tuple[list[tuple[int, list[str]]], Problem | None]:
    """Each non-blank CSV record with the line it starts on; a problem if the CSV cannot be read."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    last_line = 0
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                records.append((start, cells))
    except csv.Error as exc:
        return records, Problem(f"line {last_line + 1}", f"cannot be read as CSV ({exc}): save the export "
                                "from the MIS as CSV again")
    return records, None


def parse_mis_csv(text: str) -> tuple[list[MisRow], list[Problem]]:
    """The rows of an MIS export that can be taken, and a problem for each that cannot.

    Headings are matched without regard to case or surrounding spaces; columns not listed in HEADINGS
    are ignored. UPN, surname, forename and date of birth are required; year, class and attendance are
    read when present. A UTF-8 byte order mark and blank lines are tolerated.
    """
    records, unreadable = _records(text)
    if not records:
        return [], [unreadable or Problem("line 1", "the file is empty: export the pupil list from the MIS "
                                                    "as CSV with its headings in line 1")]
    heading_line, heading = records[0]
    columns, written = _columns(heading)
    missing = [field for field in REQUIRED if field not in columns]
    if missing:
        return [], [
            Problem(f"line {heading_line}",
                    f"no {_LABELS[field]} column: add the column with a heading spelt one of "
                    + ", ".join(repr(s) for s in HEADINGS[field]) + " (any case), or export it from the MIS")
            for field in missing
        ]

    rows: list[MisRow] = []
    problems: list[Problem] = []
    first_line_of: dict[str, int] = {}
    for line, cells in records[1:]:
        row, row_problems = _read_row(line, cells, len(heading), columns, written)
        overflowing = any(cell.strip() for cell in cells[len(heading):])  # its columns cannot be trusted
        upn = cells[columns["upn"]].strip() if columns["upn"] < len(cells) and not overflowing else ""
        if upn:
            if upn in first_line_of:
                row_problems.append(Problem(f"line {line}", f"UPN {upn} is also on line {first_line_of[upn]}: "
                                            "a pupil can be in the export once; remove the duplicate row"))
                row = None
            else:
                first_line_of[upn] = line
        if row is not None:
            rows.append(row)
        problems.extend(row_problems)
    if unreadable:
        problems.append(unreadable)
    return rows, problems


def _read_row(line: int, cells: list[str], width: int, columns: dict[str, int],
              written: dict[str, str]) -> tuple[MisRow | None, list[Problem]]:
    where = f"line {line}"
    if any(cell.strip() for cell in cells[width:]):
        return None, [Problem(where, f"has {len(cells)} cells but there are {width} headings: a name with a "
                                     "comma must be in quotes; save the export from the MIS as CSV again")]

    def cell(field: str) -> str | None:
        index = columns.get(field)
        if index is None:
            return None
        return cells[index].strip() if index < len(cells) else ""

    problems: list[str] = []
    upn = cell("upn") or ""
    upn_wrong = upn_problem(upn)
    if upn_wrong:
        problems.append(upn_wrong)

    names: dict[str, str] = {}
    for field in ("first_name", "last_name"):
        value = unicodedata.normalize("NFC", cell(field) or "")
        wrong = text_problem(value, MAX_NAME)
        if not value:
            problems.append(f"{written[field]} is blank: enter it in the MIS and export again")
        elif wrong:
            problems.append(f"{written[field]} {wrong}: correct it in the MIS and export again")
        names[field] = value

    born_text = cell("date_of_birth") or ""
    born = parse_mis_date(born_text)
    if born is None:
        heading = written["date_of_birth"]
        if not born_text:
            problems.append(f"{heading} is blank: fill in the date of birth in the MIS and export again")
        elif _UK_DATE.fullmatch(born_text) or _ISO_DATE.fullmatch(born_text):
            problems.append(f"{heading} {born_text!r} is not a real date: correct it in the MIS and export again")
        elif _SHORT_YEAR.fullmatch(born_text):
            problems.append(f"{heading} {born_text!r} has a two-digit year: export dates as DD/MM/YYYY")
        else:
            problems.append(f"{heading} {born_text!r} is not a date: export dates as DD/MM/YYYY (e.g. 11/03/2014)")

    year_text = cell("year_group")
    year = parse_year_group(year_text) if year_text else None
    if year_text and year is None:
        problems.append(f"{written['year_group']} {year_text!r} is not a year group: use 1 to 14, Year 7, Y7, "
                        "R (Reception) or N (Nursery)")

    class_name = cell("class_name") or None

    attendance_text = cell("attendance_percent")
    attendance: float | None = None
    if attendance_text:
        heading = written["attendance_percent"]
        number = _PERCENT.fullmatch(attendance_text)
        if not number:
            problems.append(f"{heading} {attendance_text!r} is not a percentage: give a number such as 95.2")
        elif not 0 <= float(number[1]) <= 100:
            problems.append(f"{heading} {attendance_text} is outside 0 to 100: export the year-to-date "
                            "attendance percentage")
        else:
            attendance = float(number[1])

    if problems:
        return None, [Problem(where, message) for message in problems]
    assert born is not None
    return MisRow(line, upn, names["first_name"], names["last_name"], born, year, class_name, attendance), []


@dataclass(frozen=True)
class ExistingPupil:
    """A pupil the school holds, as plain data."""

    id: int
    upn: str
    first_name: str
    last_name: str
    date_of_birth: date
    year_group: int
    class_name: str
    attendance_percent: float | None
    attendance_as_of: date | None
    left_on: date | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class FieldChange:
    """One field of a pupil that the export changes."""

    field: str  # one of CHANGE_FIELDS
    old: object
    new: object


@dataclass(frozen=True)
class PupilUpdate:
    """An existing pupil whose record or attendance the export changes."""

    line: int
    pupil_id: int
    upn: str  # the UPN after the update
    name: str  # the name after the update
    changes: tuple[FieldChange, ...]
    attendance: float | None  # the new attendance figure as of the plan's date; None: no new figure
    matched_by: str  # "upn" | "name and date of birth"


@dataclass(frozen=True)
class ImportPlan:
    """What applying an export would do, row by row."""

    as_of: date
    added: tuple[MisRow, ...]
    updated: tuple[PupilUpdate, ...]  # includes rows whose only change is attendance
    unchanged: tuple[int, ...]  # line numbers of rows with nothing to change
    refused: tuple[Problem, ...]  # parse problems and matching problems, ordered by line

    @property
    def ok(self) -> bool:
        return not self.refused

    @property
    def refused_lines(self) -> tuple[int, ...]:
        """The line numbers refused, each once, in order."""
        return tuple(dict.fromkeys(_line_of(p) for p in self.refused))


def _line_of(problem: Problem) -> int:
    found = _LINE.match(problem.where)
    return int(found[1]) if found else 0


def _match_key(first_name: str, last_name: str, born: date) -> tuple[str, str, date]:
    return name_key(first_name), name_key(last_name), born


def plan_import(rows: list[MisRow], problems: list[Problem], existing: list[ExistingPupil],
                class_names: set[str], as_of: date) -> ImportPlan:
    """The plan to apply ``rows`` (read by parse_mis_csv, whose ``problems`` are carried into it).

    A row matches a pupil by UPN; failing that, by first name, last name and date of birth (compared
    with :func:`name_key`), which catches a UPN that has changed (a temporary UPN made permanent) and
    makes the UPN a change. A row is refused when that second match finds two pupils, when the pupil
    it matches had left by ``as_of``, when its class is not one of ``class_names`` (compared without
    regard to case; the school's spelling is kept), when a new pupil lacks a class or year group, or
    when its date of birth is after ``as_of``. Attendance is updated whenever the row gives a figure
    that differs from the stored one or was stored as of another date.
    """
    by_upn = {pupil.upn: pupil for pupil in existing}
    by_key: dict[tuple[str, str, date], list[ExistingPupil]] = {}
    for pupil in existing:
        by_key.setdefault(_match_key(pupil.first_name, pupil.last_name, pupil.date_of_birth), []).append(pupil)
    classes = {" ".join(name.split()).casefold(): name for name in class_names}

    refused = list(problems)
    claimed: dict[int, MisRow] = {}  # pupil id → the row that matched it
    matches: dict[int, tuple[ExistingPupil, str]] = {}  # row line → (pupil, matched_by)
    unmatched: list[MisRow] = []
    for row in rows:  # UPN matches first, so a name match never takes a pupil whose UPN is in the file
        by_its_upn = by_upn.get(row.upn)
        if by_its_upn is None:
            unmatched.append(row)
        elif by_its_upn.id in claimed:
            refused.append(Problem(f"line {row.line}", f"UPN {row.upn} is also on line {claimed[by_its_upn.id].line}: "
                                   "a pupil can be in the export once; remove the duplicate row"))
        else:
            claimed[by_its_upn.id] = row
            matches[row.line] = (by_its_upn, "upn")
    new_rows: set[int] = set()
    for row in unmatched:
        candidates = by_key.get(_match_key(row.first_name, row.last_name, row.date_of_birth), [])
        if len(candidates) > 1:
            upns = ", ".join(sorted(p.upn for p in candidates))
            refused.append(Problem(f"line {row.line}", f"new UPN {row.upn} for {row.name}, born "
                                   f"{_day_text(row.date_of_birth)}, matches {len(candidates)} pupils with that "
                                   f"name and date of birth (UPNs {upns}): correct the right pupil's UPN in the "
                                   "app, then import again"))
        elif candidates and candidates[0].id in claimed:
            other = claimed[candidates[0].id]
            refused.append(Problem(f"line {row.line}", f"{row.name}, born {_day_text(row.date_of_birth)}, is also "
                                   f"on line {other.line} with UPN {other.upn}: a pupil can be in the export once; "
                                   "check which UPN is right in the MIS"))
        elif candidates:
            claimed[candidates[0].id] = row
            matches[row.line] = (candidates[0], "name and date of birth")
        else:
            new_rows.add(row.line)

    added: list[MisRow] = []
    updated: list[PupilUpdate] = []
    unchanged: list[int] = []
    for row in rows:
        if row.line not in matches and row.line not in new_rows:
            continue  # refused above
        reasons: list[str] = []
        class_name = row.class_name
        if class_name is not None:
            class_name = classes.get(" ".join(class_name.split()).casefold())
            if class_name is None:
                reasons.append(f"class {row.class_name!r} is not a class of the school: add it in Settings or "
                               "correct the export")
        if row.date_of_birth > as_of:
            reasons.append(f"date of birth {_day_text(row.date_of_birth)} is after the import date "
                           f"{_day_text(as_of)}: correct it in the MIS and export again")
        elif row.date_of_birth.year < as_of.year - 30:  # as the pupil form: a slip in the year
            reasons.append(f"date of birth {_day_text(row.date_of_birth)} is more than 30 years before the import "
                           "date: correct it in the MIS and export again")
        if row.line in new_rows:
            if row.class_name is None:
                reasons.append(f"{row.name} is a new pupil and has no class: add the registration group to the "
                               "export")
            if row.year_group is None:
                reasons.append(f"{row.name} is a new pupil and has no year group: add the year to the export")
            if not reasons:
                added.append(replace(row, class_name=class_name))
        else:
            pupil, matched_by = matches[row.line]
            if pupil.left_on is not None and pupil.left_on <= as_of:
                reasons.insert(0, f"{pupil.name} (UPN {pupil.upn}) is marked as left on {_day_text(pupil.left_on)}: "
                               "re-admit them in the app first if they have come back, or remove the row")
            if not reasons:
                update = _update(row, pupil, matched_by, class_name, as_of)
                if update is None:
                    unchanged.append(row.line)
                else:
                    updated.append(update)
        refused.extend(Problem(f"line {row.line}", reason) for reason in reasons)

    refused.sort(key=_line_of)
    return ImportPlan(as_of, tuple(added), tuple(updated), tuple(unchanged), tuple(refused))


def _update(row: MisRow, pupil: ExistingPupil, matched_by: str, class_name: str | None,
            as_of: date) -> PupilUpdate | None:
    new_values: dict[str, object] = {
        "upn": row.upn, "first_name": row.first_name, "last_name": row.last_name,
        "date_of_birth": row.date_of_birth, "year_group": row.year_group, "class_name": class_name,
    }
    changes = tuple(
        FieldChange(field, getattr(pupil, field), new_values[field])
        for field in CHANGE_FIELDS
        if new_values[field] is not None and new_values[field] != getattr(pupil, field)
    )
    attendance = row.attendance_percent
    if attendance is not None and attendance == pupil.attendance_percent and pupil.attendance_as_of == as_of:
        attendance = None
    if not changes and attendance is None:
        return None
    return PupilUpdate(row.line, pupil.id, row.upn, row.name, changes, attendance, matched_by)


def describe_plan(plan: ImportPlan) -> list[str]:
    """The plan in lines a person reads: what is added, what changes (old → new), what is refused."""
    lines = [f"line {row.line}: add {row.name} ({row.upn}), {row.class_name}" for row in plan.added]
    for update in plan.updated:
        parts = [f"{c.field.replace('_', ' ')} {c.old} → {c.new}" for c in update.changes]
        if update.attendance is not None:
            parts.append(f"attendance {update.attendance:.1f}% on {plan.as_of.isoformat()}")
        how = "" if update.matched_by == "upn" else f" (matched by {update.matched_by})"
        lines.append(f"line {update.line}: update {update.name}{how}: " + "; ".join(parts))
    lines.extend(str(problem) for problem in plan.refused)
    return sorted(lines, key=lambda text: int(text.split(":")[0].split()[-1]) if text.startswith("line ") else 0)
