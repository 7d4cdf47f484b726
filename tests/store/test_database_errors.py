"""Database errors translated once, where sessions open: contention is tried again, the rest explained.

A person never sees "unexpected failure" for everyday contention between PCs: a deadlock, a value two
PCs saved at the same moment, an update that found its row changed. The unit of work is run again
(nothing of it was committed), and then the service's own checks say what happened.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm.exc import StaleDataError

from fairfields_desktop.domain.errors import InvalidInput
from fairfields_desktop.domain.upn import expected_check_letter
from fairfields_desktop.store.database import (
    ConcurrentChange,
    DatabaseBusy,
    DatabaseUnavailable,
    retrying,
    translate,
)

NEW = {
    "upn": "T319700122013", "first_name": "Zoë", "last_name": "Ødegaard", "date_of_birth": "2016-10-04",
    "year_group": 5, "class": "Willow", "attendance_percent": 96.0, "attendance_as_of": "2026-11-20",
    "ehcp": None, "areas_of_need": [], "looked_after": None,
    "contacts": [{"name": "Ingrid Ødegaard", "relationship": "mother", "parental_responsibility": True,
                  "phone": "07700 900999", "email": None}],
}


def _together(run, timeout: float) -> None:
    """``run(0)`` and ``run(1)`` on two threads at once (two PCs), waited for."""
    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)


class _Orig(Exception):
    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def _dbapi(message: str, sqlstate: str | None = None):
    from sqlalchemy.exc import OperationalError

    return OperationalError("statement", {}, _Orig(message, sqlstate))


class TestTranslate:
    @pytest.mark.parametrize(("error", "expected", "retryable"), [
        (StaleDataError("UPDATE statement on table 'pupils' expected to update 1 row(s); 0 were matched."),
         ConcurrentChange, True),
        (_dbapi("database is locked"), DatabaseBusy, False),  # SQLite's busy handler already waited 15 s
        (_dbapi("deadlock detected", "40P01"), ConcurrentChange, True),
        (_dbapi("could not serialize access", "40001"), ConcurrentChange, True),
        (_dbapi('duplicate key value violates unique constraint "uq_pupils_upn"', "23505"), ConcurrentChange, True),
        (_dbapi("UNIQUE constraint failed: pupils.upn"), ConcurrentChange, True),
        (_dbapi("database or disk is full"), DatabaseUnavailable, False),
        (_dbapi("could not extend file: No space left on device", "53100"), DatabaseUnavailable, False),
        (_dbapi("attempt to write a readonly database"), DatabaseUnavailable, False),
        (_dbapi("server closed the connection unexpectedly"), DatabaseUnavailable, True),
    ])
    def test_known_errors_say_what_to_do(self, error, expected, retryable):
        known = translate(error)
        assert isinstance(known, expected)
        assert known.retryable is retryable
        assert known.exit_code == 3  # never 1, "a bug"
        assert "try again" in str(known) or "reload" in str(known) or "free some space" in str(known) \
            or "may be written" in str(known)

    def test_a_connection_lost_while_committing_is_not_tried_again(self):
        known = translate(_dbapi("server closed the connection unexpectedly"), during_commit=True)
        assert isinstance(known, DatabaseUnavailable) and not known.retryable
        assert "check whether your change is there" in str(known)

    def test_anything_else_stays_a_bug(self):
        error = _dbapi("syntax error at or near SELEC", "42601")
        assert translate(error) is error


class TestRetrying:
    def test_contention_is_tried_again_until_it_passes(self, sqlite_school):
        calls = []

        def flaky() -> str:
            calls.append(1)
            if len(calls) < 3:
                raise ConcurrentChange("deadlock")
            return "saved"

        assert retrying(flaky, sqlite_school.db, sleep=lambda _s: None)() == "saved"
        assert len(calls) == 3

    def test_gives_up_with_the_known_error(self, sqlite_school):
        def always() -> None:
            raise ConcurrentChange("another PC changed the same records at the same moment: try again")

        with pytest.raises(ConcurrentChange, match="try again"):
            retrying(always, sqlite_school.db, attempts=3, sleep=lambda _s: None)()

    def test_never_repeats_a_unit_that_committed_something(self, sqlite_school):
        db = sqlite_school.db
        calls = []

        def commits_then_fails() -> None:
            calls.append(1)
            with db.session() as session:
                session.execute(text("SELECT 1"))
            raise ConcurrentChange("deadlock")

        with pytest.raises(ConcurrentChange):
            retrying(commits_then_fails, db, sleep=lambda _s: None)()
        assert len(calls) == 1

    def test_a_bug_is_not_tried_again(self, sqlite_school):
        calls = []

        def bug() -> None:
            calls.append(1)
            raise KeyError("bug")

        with pytest.raises(KeyError):
            retrying(bug, sqlite_school.db, sleep=lambda _s: None)()
        assert len(calls) == 1


@pytest.mark.postgres
class TestPostgresContention:
    def test_a_deadlock_comes_out_as_a_concurrent_change(self, open_school, pg_url, example_doc):
        services = open_school(pg_url)
        services.dataset.load(example_doc)
        pcs = [open_school(pg_url) for _ in range(2)]
        first_locked = threading.Barrier(2)
        outcomes: list[object] = [None, None]

        def run(i: int) -> None:
            order = ("Therapy Room 1", "Sensory Room") if i == 0 else ("Sensory Room", "Therapy Room 1")
            try:
                with pcs[i].db.session() as session:
                    for n, name in enumerate(order):
                        session.execute(text("UPDATE spaces SET name = name WHERE name = :n"), {"n": name})
                        if n == 0:
                            first_locked.wait(10)
                outcomes[i] = "committed"
            except Exception as exc:  # asserted below
                outcomes[i] = exc

        _together(run, 30)
        assert sorted(type(o).__name__ for o in outcomes) == ["ConcurrentChange", "str"], outcomes
        assert "at the same moment" in str(next(o for o in outcomes if not isinstance(o, str)))


class TestTwoPcsAddingTheSamePupil:
    def test_one_is_saved_the_other_told_why(self, school, open_school, db_url, actor):
        """Two PCs add a pupil with one UPN at once: one saved; the other, run again, is told the UPN is
        taken (on PostgreSQL both passed the check and one hit the unique index: once a bug)."""
        pcs = [school, open_school(db_url)]
        actors = [actor(pc, "mokafor") for pc in pcs]
        start = threading.Barrier(2)
        outcomes: list[object] = [None, None]
        for round_no in range(5):
            body = f"319700122{round_no:03d}"
            upn = f"{expected_check_letter('A' + body)}{body}"
            outcomes[:] = [None, None]

            def run(i: int, upn: str = upn) -> None:
                start.wait(10)
                try:
                    outcomes[i] = pcs[i].pupils.save_pupil(actors[i], {**NEW, "upn": upn,
                                                                       "first_name": f"Zoë {i}"}).upn
                except Exception as exc:  # asserted below
                    outcomes[i] = exc

            _together(run, 60)
            saved = [o for o in outcomes if o == upn]
            refused = [o for o in outcomes if isinstance(o, InvalidInput)]
            assert len(saved) == 1 and len(refused) == 1, outcomes
            assert "already the UPN of Zoë" in str(refused[0])
