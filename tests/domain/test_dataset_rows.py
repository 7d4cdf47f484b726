"""The database's own rows in a dataset: each record's optional `row`, and the tables the sections do not
hold (visits, dates of bookings, session notes, the audit trail...). Each problem is named at its path,
with what to write; nothing crashes on junk."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairfields_desktop.domain.dataset import (
    CARRIED_BY,
    ROW_EXTRAS,
    ROW_LATER_DEFAULTS,
    ROW_TABLES,
    record_ids,
    validate_dataset,
)
from fairfields_desktop.domain.errors import Problem

EXAMPLE = json.loads((Path(__file__).parent.parent / "data" / "example-school.json").read_text(encoding="utf-8"))
HASH = "a" * 64


def with_rows() -> dict:
    """The example school as a dump of a busy database gives it: ids given where they jump, one or two rows
    of every table the sections do not hold."""
    doc = copy.deepcopy(EXAMPLE)
    doc["users"][4]["row"] = {"id": 9, "failed_attempts": 5, "locked_until": "2026-11-23T10:42:00", "version": 3}
    doc["pupils"][0]["row"] = {"version": 2}
    doc["bookings"][2]["row"] = {"request_id": 1, "created_by": "sbrown", "version": 2}
    doc["requests"][0]["history"] = [{"at": "2026-11-23T10:00:12", "by": "hcarter", "action": "approved",
                                      "reason": None, "row": {"id": 4, "details": {"on_behalf_of": "hcarter"}}}]
    rows = {
        "attendance_records": [{"id": 1, "pupil_id": 1, "percent": 96.8, "as_of": "2026-11-20",
                                "recorded_at": "2026-11-23T09:00:00"}],
        "booking_occurrences": [
            {"id": 1, "booking_id": 1, "space_id": 1, "starts_at": "2026-11-24T09:30:00",
             "ends_at": "2026-11-24T10:15:00", "status": "booked", "cancelled_by": None, "cancelled_at": None,
             "cancel_reason": None, "individually": False},
            {"id": 2, "booking_id": 1, "space_id": 1, "starts_at": "2026-12-01T09:30:00",
             "ends_at": "2026-12-01T10:15:00", "status": "cancelled", "cancelled_by": "sbrown",
             "cancelled_at": "2026-11-23T11:02:33", "cancel_reason": "therapist on a course", "individually": True},
        ],
        "booking_notices": [{"id": 1, "occurrence_id": 2, "audience": "professional", "who": "Rachel Green",
                             "contact": None, "what": "cancelled", "created_at": "2026-11-23T11:02:33",
                             "created_by": "sbrown", "told_at": None, "told_by": None}],
        "session_records": [{"id": 1, "occurrence_id": 1, "delivered": True, "reason": None, "note": "good",
                             "target_id": None, "recorded_by": "mokafor", "recorded_at": "2026-11-24T12:00:00"}],
        "space_closures": [{"id": 1, "space_id": 4, "starts_on": "2026-12-01", "ends_on": "2026-12-02",
                            "reason": "painting", "created_by": "admin", "created_at": "2026-11-23T09:00:00",
                            "lifted_at": None, "lifted_by": None}],
        "visits": [{"id": 1, "professional_id": 1, "signed_in_at": "2026-11-23T09:20:00",
                    "signed_out_at": "2026-11-23T10:05:00", "identity_checked": True, "identity_note": None,
                    "purpose": "therapy", "space_id": 1, "location": None, "note": None, "signed_in_by": "sbrown",
                    "signed_out_by": "sbrown", "version": 2}],
        "visit_pupils": [{"visit_id": 1, "pupil_id": 1}],
        "pupil_team": [{"id": 1, "pupil_id": 1, "professional_id": 1, "role": "SLT", "since": "2026-11-23",
                        "ended_on": None}],
        "budget_discussions": [{"id": 1, "pupil_id": 1, "held_on": "2026-11-20", "ehcp_officer": "J Officer",
                                "capacity_agreed": True, "already_provided": False, "notes": None,
                                "recorded_by": "hcarter", "recorded_at": "2026-11-23T09:00:00"}],
        "request_overrides": [{"id": 1, "request_id": 2, "rule": "ATTENDANCE", "reason": "rising", "by": "hcarter",
                               "on_behalf_of": None, "at": "2026-11-23T09:00:00"}],
        "review_meetings": [{"id": 1, "request_id": 1, "held_on": "2026-12-02", "attendees": None, "outcome": None,
                             "recorded_by": "mokafor", "recorded_at": "2026-12-02T09:00:00"}],
        "delegations": [{"id": 1, "delegate": "mokafor", "starts_on": "2026-11-23", "ends_on": "2026-11-27",
                         "created_by": "hcarter", "created_at": "2026-11-23T09:00:00", "ended_at": None}],
        "off_site_sessions": [{"id": 1, "request_id": 3, "session_on": "2027-01-08", "time_out": "2027-01-08T13:20:00",
                               "time_back": None, "taken_by": "Dad", "attendance_mark": None,
                               "recorded_by": "sbrown"}],
        "advice_chases": [{"id": 1, "advice_id": 1, "chased_on": "2026-11-23", "how": "phone", "chased_by": "mokafor"}],
        "request_letters": [{"id": 1, "request_id": 1, "event_id": 4, "kind": "approved",
                             "printed_at": "2026-11-23T10:05:00", "printed_by": "hcarter", "to": "Abena Osei",
                             "body": "I am pleased to tell you…", "pdf_sha256": HASH}],
        "audit_events": [{"id": 1, "at": "2026-11-23T09:00:00", "username": "system", "action": "load",
                          "entity": "school", "entity_id": None, "before": None, "after": {"pupils": 4},
                          "note": None, "prev_hash": None, "hash": HASH}],
    }
    return {**doc, **rows}


def where(doc: dict) -> list[str]:
    return [p.where for p in validate_dataset(doc)]


def message(doc: dict, path: str) -> str:
    return next(p.message for p in validate_dataset(doc) if p.where == path)


class TestWhatIsCarried:
    def test_every_table_of_the_models_has_a_key(self):
        from fairfields_desktop.store.models import Base

        assert set(CARRIED_BY) == {t.name for t in Base.metadata.sorted_tables}

    def test_the_row_tables_have_every_column_of_their_table(self):
        from fairfields_desktop.store.models import Base

        for name, spec in ROW_TABLES.items():
            table = Base.metadata.tables[name]
            assert list(spec) == [c.name for c in table.columns], name
            for column in table.columns:
                kind = spec[column.name]
                # a column added later with a default a load gives when it is left out (visits.kind) is optional
                later = column.name in ROW_LATER_DEFAULTS.get(name, {})
                assert kind.split(">")[0].endswith("?") == (column.nullable and not column.primary_key or later), column
                targets = {fk.column.table.name for fk in column.foreign_keys}
                assert targets == ({kind.split(">")[1]} if ">" in kind else set()), column

    def test_the_row_extras_are_columns_of_their_table(self):
        from fairfields_desktop.store.models import Base

        for name, spec in ROW_EXTRAS.items():
            assert set(spec) <= {c.name for c in Base.metadata.tables[name].columns}, name


class TestValid:
    def test_a_dump_with_every_kind_of_row_is_valid(self):
        assert validate_dataset(with_rows()) == []

    def test_ids_follow_on_unless_given(self):
        doc = with_rows()
        ids = {table: [i for _, _, i in entries] for table, entries in record_ids(doc).items()}
        assert ids["users"] == [1, 2, 3, 4, 9]
        assert ids["pupils"] == [1, 2, 3, 4]
        assert ids["request_events"][0] == 4

    def test_rows_may_leave_out_their_id_defaults_and_nulls(self):
        doc = with_rows()
        doc["visits"] = [{"professional_id": 1, "signed_in_at": "2026-11-23T09:20", "purpose": "meeting",
                          "signed_in_by": "sbrown"}]
        assert validate_dataset(doc) == []

    def test_advice_asked_after_its_due_date_loads(self):
        doc = with_rows()
        doc["advice_requests"][0]["due"] = "2020-01-01"  # the services record late advice like this
        assert "advice_requests[0].due" not in where(doc)


class TestProblemsAreNamed:
    @pytest.mark.parametrize(("table", "column", "value", "words"), [
        ("visits", "signed_in_at", "23/11/2026 09:20", "is not a date-time: write it as YYYY-MM-DDTHH:MM"),
        ("visits", "purpose", "tea", "'tea' is not one of therapy, observation, assessment, meeting"),
        ("visits", "identity_checked", "yes", "must be true or false (found 'yes')"),
        ("visit_pupils", "pupil_id", 99, "99 is not the id of a row of pupils"),
        ("session_records", "target_id", 7, "7 is not the id of a row of targets"),
        ("booking_notices", "occurrence_id", 3, "3 is not the id of a row of booking_occurrences"),
        ("advice_chases", "chased_on", "2026-02-30", "is not a date"),
        ("attendance_records", "percent", "97%", "must be a number"),
        ("audit_events", "hash", "x" * 65, "is 65 characters long: at most 64 fit"),
        ("audit_events", "username", None, "is required: give a text value"),
        ("delegations", "ends_on", "2026-11-01", "is before starts_on"),
        ("booking_occurrences", "ends_at", "2026-11-24T09:00:00", "is not after starts_at"),
    ])
    def test_a_bad_value(self, table, column, value, words):
        doc = with_rows()
        doc[table][0][column] = value
        assert where(doc) == [f"{table}[0].{column}"]
        assert words in message(doc, f"{table}[0].{column}")

    def test_an_unknown_column_and_a_repeated_id(self):
        doc = with_rows()
        doc["visits"][0]["colour"] = "red"
        doc["visits"].append({**doc["visits"][0]})
        del doc["visits"][1]["colour"]
        assert sorted(where(doc)) == ["visits[0].colour", "visits[1].id"]
        assert "is not a column of visits" in message(doc, "visits[0].colour")
        assert "the id 1 is also that of visits[0]" in message(doc, "visits[1].id")

    def test_a_record_whose_row_id_is_taken(self):
        doc = with_rows()
        doc["pupils"][2]["row"] = {"id": 1}
        assert where(doc) == ["pupils[2].row.id", "pupils[3]"]
        assert "also that of pupils[0]" in message(doc, "pupils[2].row.id")

    def test_a_row_with_an_unknown_or_bad_column(self):
        doc = with_rows()
        doc["users"][4]["row"] = {"failed_attempts": "five", "colour": 1}
        doc["bookings"][0]["row"] = {"request_id": 12}
        doc["settings"]["row"] = {"version": 0}
        assert sorted(where(doc)) == ["bookings[0].row.request_id", "settings.row.version",
                                      "users[4].row.colour", "users[4].row.failed_attempts"]
        assert "12 is not the id of a row of requests" in message(doc, "bookings[0].row.request_id")

    def test_two_booked_dates_of_one_space_may_not_overlap(self):
        doc = with_rows()
        doc["booking_occurrences"][1]["status"] = "booked"
        doc["booking_occurrences"][1]["starts_at"] = "2026-11-24T10:00:00"
        doc["booking_occurrences"][1]["ends_at"] = "2026-11-24T10:30:00"
        assert where(doc) == ["booking_occurrences[1]"]

    def test_a_session_marked_twice(self):
        doc = with_rows()
        doc["session_records"].append({**doc["session_records"][0], "id": 2})
        assert where(doc) == ["session_records[1].occurrence_id"]

    def test_a_table_that_is_not_a_list(self):
        doc = with_rows()
        doc["visits"] = {"id": 1}
        assert "visits" in where(doc)


JUNK = [None, True, 0, -1, 2**40, 1.5, float("nan"), "", "x", "\x00", "2026-13-01", "9999-01-01T00:00",
        "2026-11-23T09:00:00.1234567", [], {}, [1], {"a": {"b": [None]}}, "é" * 300]


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_junk_in_the_rows_gives_problems_never_a_crash(data):
    doc = with_rows()
    for _ in range(data.draw(st.integers(1, 4))):
        table = data.draw(st.sampled_from(sorted(ROW_TABLES) + ["users", "pupils", "bookings"]))
        rows = doc[table]
        index = data.draw(st.integers(0, len(rows) - 1))
        if not isinstance(rows[index], dict):
            continue
        target = rows[index] if table in ROW_TABLES else rows[index].setdefault("row", {})
        if not isinstance(target, dict):
            continue
        columns = list(ROW_TABLES.get(table) or ROW_EXTRAS[table]) + ["junk"]
        target[data.draw(st.sampled_from(columns))] = data.draw(st.sampled_from(JUNK))
        if data.draw(st.booleans()):
            rows.append(data.draw(st.sampled_from(JUNK)))
    problems = validate_dataset(doc)
    assert isinstance(problems, list) and all(isinstance(p, Problem) for p in problems)
