"""Bad input at volume: whatever is thrown at a validator, it lists problems or passes; it never raises.

Property-based (hypothesis): the dataset validator, the MIS export parser and planner, and every form's
pure check (pupils, professionals, bookings, settings, terms, passwords), thousands of inputs each:
random JSON shapes, wrong types, huge strings, odd Unicode, missing keys, dates such as 2026-02-30.
Each problem must say where (non-empty) and what (non-empty). Each test prints how many inputs it tried.

Bulky inputs (whole datasets, forms, CSV files) are built by `Junk` from a seed hypothesis draws, out of
lists of known-nasty values: one draw per input keeps thousands of them quick, and a failure names
its seed (and shows the input) so it can be replayed. Small typed inputs use hypothesis strategies.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from fairfields_desktop.domain.bookings import booking_problems
from fairfields_desktop.domain.dataset import SECTIONS, settings_problems, term_problems, validate_dataset
from fairfields_desktop.domain.errors import Problem
from fairfields_desktop.domain.mis import HEADINGS, ExistingPupil, describe_plan, parse_mis_csv, plan_import
from fairfields_desktop.domain.professionals import professional_problems
from fairfields_desktop.domain.pupils import pupil_problems

EXAMPLE = json.loads((Path(__file__).parent.parent / "data" / "example-school.json").read_text(encoding="utf-8"))
EXAMPLE_TEXT = json.dumps(EXAMPLE)
TODAY = date(2026, 11, 23)
VOLUME = 2000  # inputs per function

#: how many inputs each test tried, for the summary line it prints
TRIED: dict[str, int] = {}

SEEDS = st.integers(0, 2**64 - 1)


def volume(n: int = VOLUME):
    return settings(max_examples=n, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.large_base_example])


def run(name: str, capsys, *tests: Callable[[], None]) -> None:
    """Run the hypothesis tests and print how many inputs they tried (0 failures: none raised)."""
    TRIED[name] = 0
    for test in tests:
        test()
    with capsys.disabled():
        print(f"\nbad input: {name}: {TRIED[name]} generated inputs, 0 failures")


def count(name: str) -> None:
    TRIED[name] += 1


def assert_problems(problems: object) -> list[Problem]:
    assert isinstance(problems, list), problems
    for problem in problems:
        assert isinstance(problem, Problem), problem
        assert isinstance(problem.where, str) and problem.where.strip(), problem
        assert isinstance(problem.message, str) and problem.message.strip(), problem
        str(problem)
    return problems


# --- what bad input looks like ----------------------------------------------------------------------------
ODD_TEXTS = [
    "", " ", "   ", "\t", "\n", "\r\n", "\x00", "a\x00b", "\ud800", "x\udfffy", "\ufeff", "\u200b", "\u202eevil",
    "Zoë", "O’Brien", "Ó Briain", "ẞ", "ǅ", "𝔘𝔓𝔑", "🙂", "中文", "١٢٣", "²", "Ⅻ", "null", "None", "true", "0",
    "-1", "1e309", "NaN", "x" * 61, "x" * 81, "x" * 201, "é" * 5000, "a" * 100_000, "'; DROP TABLE pupils; --",
    "%s%n", "{0}", "\\", '"', "'", ",", "a,b", "line\nbreak", "Oak", "Willow", "dking", "nhs-slt-1", "sbrown",
    "Therapy Room 1", "X319700119023", "classroom", "admin",
]
DATE_TEXTS = [
    "2026-02-30", "2026-02-29", "2024-02-29", "2026-13-01", "2026-00-10", "2026-01-00", "0000-01-01",
    "0001-01-01", "9999-12-31", "9999-12-25", "2026-1-5", "26-01-05", "2026/01/05", "05/01/2026",
    "2026-01-05T00:00", "2026-W01-1", "2026-001", "+2026-01-05", " 2026-01-05", "2026-01-05 ", "２０２６-０１-０５",
    "2026-01-05\n", "20260105", "1899-12-31", "1900-01-01", "2199-12-31", "2200-01-01", "2026-11-23", "2026-11-24",
    "2026-11-28", "2014-03-11", "2027-07-21", "2036-11-24", "2026-12-18", "2026-09-03",
]
TIME_TEXTS = ["24:00", "23:60", "9:00", "09:00:00", "25:00", "00:00", "-1:00", "12:3", "１２:００", "08:50",
              "15:10", "noon", "23:59", "08:49", "15:11", "10:15"]
DATETIME_TEXTS = ["2026-11-24T09:30", "2026-11-24 09:30", "2026-11-24T09:30Z", "2026-11-24T09:30+01:00",
                  "9999-12-31T23:59", "2026-11-24T24:00", "2026-02-30T10:00", "2026-11-24T07:00",
                  "2026-11-28T10:00", "2026-11-24T10:15:30", "0001-01-01T00:00", "2026-11-24T10:15"]
HUGE = 10**5000  # more digits than Python will write out (4300): repr() and json.dumps() fail on it
NUMBERS = [0, -1, 1, 7, 13, 14, 15, 52, 53, 100, 101, 10_000, 10_001, 10**6, 10**7 + 1, 10**18, 2**31, 2**63,
           -(2**63) - 1, 10**400, HUGE, 0.5, -0.0, 7.0, 99.99, 1e308, float("inf"), float("-inf"), float("nan"),
           True, False]
SCALARS = [None] + ODD_TEXTS + DATE_TEXTS + TIME_TEXTS + DATETIME_TEXTS + NUMBERS
KEYS = ["", "id", "name", "upn", "date", "from", "to", "start", "end", "staff", "pupil", "class", "on", "why",
        "\x00", "é" * 300]


class Junk:
    """Bad input from one seed: values from the lists above, shapes of JSON, changes to a document."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def scalar(self) -> object:
        roll = self.rng.random()
        if roll < 0.75:
            return self.rng.choice(SCALARS)
        if roll < 0.85:
            return self.rng.randint(-(2**70), 2**70) if self.chance(0.3) else self.rng.randint(-3, 120)
        if roll < 0.9:
            return self.rng.uniform(-1e6, 1e6)
        if roll < 0.95:
            return (date(1, 1, 1) + timedelta(days=self.rng.randint(0, 3_652_058))).isoformat()
        return "".join(chr(self.rng.choice([self.rng.randint(32, 126), self.rng.randint(0, 0x10FFFF)]))
                       for _ in range(self.rng.randint(0, 12)))

    def _key(self) -> str:
        value = self.scalar()
        return value if isinstance(value, str) else shown(value)[:12]

    def value(self, depth: int = 2) -> object:
        """A scalar mostly; at times a list or an object of more junk."""
        roll = self.rng.random()
        if depth <= 0 or roll < 0.7:
            return self.scalar()
        if roll < 0.85:
            return [self.value(depth - 1) for _ in range(self.rng.randint(0, 3))]
        return {self.rng.choice(KEYS + [self._key()]): self.value(depth - 1)
                for _ in range(self.rng.randint(0, 3))}

    def text_of(self, pool: list[str]) -> object:
        return self.rng.choice(pool) if self.chance(0.7) else self.scalar()

    def record(self, base: dict, fields: dict[str, Callable[[], object]] | None = None, changes: int = 3) -> dict:
        """A copy of ``base`` with a few keys removed, or changed to junk (or to what ``fields`` makes)."""
        values = copy.deepcopy(base)
        keys = list(values) + list(fields or {})
        for _ in range(self.rng.randint(1, changes)):
            key = self.rng.choice(keys)
            if self.chance(0.2):
                values.pop(key, None)
            elif fields and key in fields and self.chance(0.7):
                values[key] = fields[key]()
            else:
                values[key] = self.value()
        return values

    def mutate(self, doc: object) -> object:
        """A copy of ``doc`` with a few random changes: values replaced by junk, keys removed or added,
        items repeated (so duplicates and clashes appear), whole sections swapped for junk."""
        doc = json.loads(json.dumps(doc))
        for _ in range(self.rng.randint(1, 4)):
            if self.chance(0.4):  # a value swapped for a wrong one of its own kind: a date for a date …
                self._retype(doc)
                continue
            path = self._pick(doc)
            action = self.rng.choice(("replace", "replace", "replace", "delete", "add", "repeat"))
            if not path:
                if action == "replace" and self.chance(0.1):
                    doc = self.value(3)
                continue
            parent = doc
            for step in path[:-1]:
                parent = parent[step]
            last = path[-1]
            if action == "replace":
                parent[last] = self.value()
            elif action == "delete":
                del parent[last]
            elif action == "add" and isinstance(parent[last], dict):
                parent[last][self.rng.choice(KEYS + [self._key()])] = self.value(1)
            elif action == "repeat" and isinstance(parent, list):
                parent.append(copy.deepcopy(parent[last]))
        return doc

    def _retype(self, doc: object) -> None:
        leaves = []

        def walk(node: object) -> None:
            for key, value in (node.items() if isinstance(node, dict) else enumerate(node)):
                if isinstance(value, (dict, list)):
                    walk(value)
                else:
                    leaves.append((node, key, value))

        if isinstance(doc, (dict, list)):
            walk(doc)
        if not leaves:
            return
        node, key, value = self.rng.choice(leaves)
        if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
            node[key] = self.rng.choice(DATE_TEXTS)
        elif isinstance(value, str) and len(value) == 5 and value[2:3] == ":":
            node[key] = self.rng.choice(TIME_TEXTS)
        elif isinstance(value, str) and "T" in value and value[4:5] == "-":
            node[key] = self.rng.choice(DATETIME_TEXTS)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            node[key] = self.rng.choice(NUMBERS)
        elif isinstance(value, str):
            node[key] = self.rng.choice(ODD_TEXTS)
        else:
            node[key] = self.scalar()

    def _pick(self, doc: object) -> tuple:
        """A random place in ``doc``: from the top, going down into a random part four times in five."""
        path: list = []
        node = doc
        while isinstance(node, (dict, list)) and node and self.chance(0.8):
            key = self.rng.choice(list(node) if isinstance(node, dict) else range(len(node)))
            path.append(key)
            node = node[key]
        return tuple(path)


def shown(value: object) -> str:
    """The input, for the report of a failure (huge integers and huge strings cut short)."""
    def cut(v: object) -> object:
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 10**100:
            return "<a huge integer>"
        if isinstance(v, str) and len(v) > 80:
            return v[:40] + f"…<{len(v)} characters>"
        if isinstance(v, dict):
            return {cut(k): cut(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return type(v)(cut(x) for x in v)
        return v
    return repr(cut(value))[:20_000]


# --- the dataset ------------------------------------------------------------------------------------------
def _json_text(value: object) -> str | None:
    try:
        return json.dumps(value, sort_keys=True, default=repr, allow_nan=True)
    except ValueError:  # an integer too long to write out
        return None


def test_the_dataset_validator_on_a_mutated_example(capsys):
    name = "validate_dataset on the example school, mutated"

    @volume()
    @given(SEEDS)
    def check(seed: int) -> None:
        doc = Junk(seed).mutate(EXAMPLE)
        note(shown(doc))
        before = _json_text(doc)
        count(name)
        assert_problems(validate_dataset(doc))
        assert _json_text(doc) == before, "the validator changed the document it was given"

    run(name, capsys, check)


def test_the_dataset_validator_on_random_json(capsys):
    name = "validate_dataset on random JSON shapes"

    @volume()
    @given(SEEDS)
    def check(seed: int) -> None:
        junk = Junk(seed)
        if junk.chance(0.2):
            doc = junk.value(4)
        else:
            doc = {junk.rng.choice(SECTIONS + ("format", "", "extra")): (
                [junk.value(2) if junk.chance(0.3) else {junk.rng.choice(KEYS): junk.value(1)
                                                         for _ in range(junk.rng.randint(0, 5))}
                 for _ in range(junk.rng.randint(0, 3))] if junk.chance(0.6) else junk.value(2))
                for _ in range(junk.rng.randint(0, 8))}
        note(shown(doc))
        count(name)
        assert assert_problems(validate_dataset(doc)), "a random document passed"

    run(name, capsys, check)


def test_settings_and_terms_checks(capsys):
    name = "settings_problems and term_problems"
    settings_base = {**EXAMPLE["settings"], "idle_lock_minutes": 10, "retention_years": 31}

    @volume()
    @given(SEEDS)
    def check(seed: int) -> None:
        junk = Junk(seed)
        values = junk.record(settings_base, {
            "school_day": lambda: {"start": junk.text_of(TIME_TEXTS), "end": junk.text_of(TIME_TEXTS)},
            "school_name": lambda: junk.text_of(ODD_TEXTS)})
        terms = [junk.record(t, {
            "first_day": lambda: junk.text_of(DATE_TEXTS), "last_day": lambda: junk.text_of(DATE_TEXTS),
            "closures": lambda: [{"from": junk.text_of(DATE_TEXTS), "to": junk.text_of(DATE_TEXTS),
                                  "why": junk.text_of(ODD_TEXTS)} for _ in range(junk.rng.randint(0, 3))]})
            if junk.chance(0.9) else junk.value() for t in EXAMPLE["terms"]]
        note(shown((values, terms)))
        count(name)
        assert_problems(settings_problems(values))
        assert_problems(settings_problems(junk.value(3)))  # type: ignore[arg-type]  (whatever the shape)
        assert_problems(term_problems([(f"terms[{i}]", t) for i, t in enumerate(terms)]))

    run(name, capsys, check)


# --- the forms --------------------------------------------------------------------------------------------
def _form_pupil(p: dict) -> dict:
    """A pupil of the dataset in the edit form's shape."""
    values = {k: v for k, v in p.items() if k not in ("attendance", "consent")}
    if p.get("attendance"):
        values["attendance_percent"] = p["attendance"]["percent"]
        values["attendance_as_of"] = p["attendance"]["as_of"]
    return values


PUPILS = [_form_pupil(p) for p in EXAMPLE["pupils"]]
UPNS = ["X319700119023", "Z319700118114", "x319700119023", "X31970011902", "Y31970012300A", "I319700119023",
        "X3197001190２3", "X319700119024"]


def test_the_pupil_form_check(capsys):
    name = "pupil_problems"

    @volume()
    @given(SEEDS)
    def check(seed: int) -> None:
        junk = Junk(seed)
        fields = {
            "upn": lambda: junk.text_of(UPNS), "date_of_birth": lambda: junk.text_of(DATE_TEXTS),
            "attendance_as_of": lambda: junk.text_of(DATE_TEXTS), "year_group": lambda: junk.rng.randint(-3, 16),
            "class": lambda: junk.text_of(["Oak", "Willow", "oak", "Ash"]),
            "ehcp": lambda: junk.record({"issued": "2022-05-16", "last_review": "2025-11-10",
                                         "personal_budget": {"reference": "PB-1", "annual_amount_gbp": 1200}}),
            "looked_after": lambda: junk.record({"local_authority": "Westshire", "social_worker": "Priya Nair"}),
            "contacts": lambda: [junk.record({"name": "Abena Osei", "relationship": "mother", "phone": "07700 900412",
                                              "parental_responsibility": True, "email": "a@example.org"})
                                 for _ in range(junk.rng.randint(0, 3))],
            "areas_of_need": lambda: [junk.text_of(["cognition_and_learning", "happiness"])
                                      for _ in range(junk.rng.randint(0, 3))],
            "key_worker": lambda: junk.rng.choice([None, {"staff": "dking"}, {"staff": None}, {}, "dking",
                                                   {"professional": "nhs-slt-1", "staff": "dking"}]),
        }
        values = junk.record(junk.rng.choice(PUPILS), fields, changes=5) if junk.chance(0.95) else junk.value(3)
        today = junk.rng.choice([TODAY, date(1, 1, 1), date(9999, 12, 31), date(2000, 2, 29)])
        note(shown((values, today)))
        count(name)
        assert_problems(pupil_problems(values, {"Oak", "Willow"}, today))

    run(name, capsys, check)


def test_the_professional_form_check(capsys):
    name = "professional_problems"

    @volume()
    @given(SEEDS)
    def check(seed: int) -> None:
        junk = Junk(seed)
        base = junk.rng.choice(EXAMPLE["professionals"])
        fields = {
            "id": lambda: junk.text_of(["nhs-slt-9", "NHS", "a" * 61, "-x", "x y"]),
            "kind": lambda: junk.text_of(["statutory", "commissioned", "independent", "private"]),
            "email": lambda: junk.text_of(["a@b", "a b@c", "x", "r.green@example.nhs.uk"]),
            "checks": lambda: junk.record(base.get("checks") or {}, {
                "dbs": lambda: junk.record({"type": "school_check", "date": "2025-09-01", "certificate": "001",
                                            "barred_list": True, "update_service": False}, {
                    "type": lambda: junk.text_of(["employer_assurance", "school_check", "police"]),
                    "date": lambda: junk.text_of(DATE_TEXTS)}),
                "registration": lambda: junk.record({"body": "HCPC", "number": "SL04567",
                                                     "checked_on": "2026-09-05"}),
                "insurance_expires": lambda: junk.text_of(DATE_TEXTS)}),
        }
        values = junk.record(base, fields, changes=4) if junk.chance(0.95) else junk.value(3)
        today = junk.rng.choice([TODAY, date(1, 1, 1), date(9999, 12, 31)])
        note(shown((values, today)))
        count(name)
        assert_problems(professional_problems(values, today))

    run(name, capsys, check)


def test_the_booking_form_check(capsys):
    name = "booking_problems"

    @volume()
    @given(st.datetimes(), st.datetimes() | st.builds(lambda m: datetime(2026, 11, 24, 9, 0) + timedelta(minutes=m),
                                                      st.integers(-2000, 2000)),
           st.times(), st.times())
    def check(start, end, day_start, day_end) -> None:
        count(name)
        problems = booking_problems(start, end, day_start, day_end)
        assert isinstance(problems, list)
        for where, message in problems:
            assert where.strip() and message.strip()
        if not problems:
            assert start < end and start.date() == end.date() and day_start <= start.time()
            assert end.time() <= day_end

    run(name, capsys, check)


def test_the_password_rules(capsys):
    passwords = pytest.importorskip("fairfields_desktop.domain.passwords")
    name = "password_problems"
    texts = st.none() | st.sampled_from(ODD_TEXTS) | st.text()

    @volume()
    @given(texts, texts)
    def check(username, password) -> None:
        count(name)
        problems = assert_problems(passwords.password_problems(username, password))
        if not problems:
            assert len(password) >= passwords.MIN_LENGTH

    run(name, capsys, check)


# --- the MIS export ---------------------------------------------------------------------------------------
def _existing() -> list[ExistingPupil]:
    found = []
    for index, p in enumerate(EXAMPLE["pupils"], start=1):
        attendance = p.get("attendance") or {}
        found.append(ExistingPupil(index, p["upn"], p["first_name"], p["last_name"],
                                   date.fromisoformat(p["date_of_birth"]), p["year_group"], p["class"],
                                   attendance.get("percent"), date.fromisoformat(attendance["as_of"])
                                   if attendance.get("as_of") else None,
                                   date(2026, 7, 1) if index == 3 else None))
    return found


EXISTING = _existing()
MIS_HEADINGS = [spelling for spellings in HEADINGS.values() for spelling in spellings] + [
    "Gender", "", " UPN ", "upn", "DOB", "Notes"]
MIS_CELLS = [p.upn for p in EXISTING] + [
    "C319700152601", "Y31970012300A", "X319700119024", "", "Osei", "Amara", "Zoë", "ZOE", "O’Brien", "Hughes",
    "Ben", "11/03/2014", "29/07/2015", "30/02/2014", "1/1/14", "2014-03-11", "31/12/9999", "00/00/0000",
    "01/01/0001", "Year 7", "Y7", "R", "N", "Rec", "F2", "15", "-2", "Year", "Oak", "oak ", "Willow", "Ash",
    "97.5", "100%", "101", "-1", "abc", ".5", "1e3", "95,5", "\ufeff", "\x00", "a\nb", '"', "a,b", " ",
    "9" * 400, "x" * 101,
] + ODD_TEXTS + DATE_TEXTS


def _mis_text(junk: Junk) -> str:
    heading = [junk.rng.choice(MIS_HEADINGS) for _ in range(junk.rng.randint(1, 10))]
    if junk.chance(0.5):
        heading[:4] = ["UPN", "Surname", "Forename", "DOB"]
    rows = [heading] + [[junk.rng.choice(MIS_CELLS) if junk.chance(0.9) else junk._key()
                         for _ in range(junk.rng.randint(0, 11))] for _ in range(junk.rng.randint(0, 8))]
    end = junk.rng.choice(["\r\n", "\n", "\r"])
    prefix = junk.rng.choice(["", "", "\ufeff", "\n\n", '"unterminated', "\x00"])
    if junk.chance(0.3):  # written by hand: quotes and commas left as they are
        return prefix + end.join(",".join(r) for r in rows)
    out = io.StringIO()
    csv.writer(out, lineterminator=end).writerows(rows)
    return prefix + out.getvalue()


def test_the_mis_parser_and_planner(capsys):
    name = "parse_mis_csv and plan_import"
    classes = {"Oak", "Willow"}

    @volume()
    @given(SEEDS)
    def check(seed: int) -> None:
        junk = Junk(seed)
        text = _mis_text(junk) if junk.chance(0.9) else shown(junk.value(2))
        as_of = junk.rng.choice([TODAY, date(2000, 1, 1), date(2040, 1, 1), date(9999, 12, 31)])
        note(shown((text, as_of)))
        count(name)
        _check_mis(text, classes, as_of)

    @volume(VOLUME // 4)
    @given(st.text())
    def check_any_text(text) -> None:
        count(name)
        _check_mis(text, classes, TODAY)

    run(name, capsys, check, check_any_text)


def _check_mis(text: str, classes: set[str], as_of: date) -> None:
    rows, problems = parse_mis_csv(text)
    assert_problems(problems)
    assert all(p.where.startswith("line ") for p in problems), problems
    assert len({row.upn for row in rows}) == len(rows)
    plan = plan_import(rows, problems, EXISTING, classes, as_of)
    assert_problems(list(plan.refused))
    lines = describe_plan(plan)
    assert all(isinstance(line, str) and line for line in lines)
    taken = {row.line for row in plan.added} | {u.line for u in plan.updated} | set(plan.unchanged)
    assert not taken & set(plan.refused_lines), "a line both taken and refused"
    for row in plan.added:
        assert row.class_name in classes and row.year_group is not None and row.date_of_birth <= as_of
        assert 0 < len(row.first_name) <= 100 and "\x00" not in row.first_name + row.last_name
    for update in plan.updated:
        if update.attendance is not None:
            assert 0 <= update.attendance <= 100 and not math.isnan(update.attendance)


def test_odd_inputs_named_in_the_brief():
    """A few inputs by hand, so that a failure is easy to read."""
    assert_problems(validate_dataset({"format": "fairfields-school/1", "terms": [
        {"name": "Autumn", "first_day": "2026-02-30", "last_day": "2026-12-18"}]}))
    assert_problems(validate_dataset({"format": [HUGE], "settings": {"max_authorised_weeks": HUGE}}))
    assert_problems(pupil_problems({"date_of_birth": "2026-02-30", "ehcp": "yes", "contacts": 5}, {"Oak"}, TODAY))
    assert_problems(settings_problems({"school_day": {"start": "08:50", "end": HUGE}}))
    assert booking_problems(datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 9), time(8, 50), time(15, 10))
