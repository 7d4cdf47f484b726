"""Many writers racing for one slot of one space: exactly one wins, the others get the conflict.

Threads (each with its own engine, as separate PCs would have) and separate processes, on SQLite and
PostgreSQL. `make test` runs a few rounds; `make soak` (FAIRFIELDS_SOAK=1) runs hundreds.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from fairfields_desktop.domain.errors import Refused
from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.store.models import AuditRow, BookingOccurrenceRow, BookingRow

SOAK = bool(os.environ.get("FAIRFIELDS_SOAK"))
THREAD_ROUNDS = 200 if SOAK else 3
PROCESS_ROUNDS = 60 if SOAK else 1
WRITERS = 8
PROCESSES = 4
TODAY = date(2026, 11, 23)


def _draft(round_no: int, writer: int) -> BookingDraft:
    day = date(2026, 11, 24) + timedelta(weeks=round_no // 12)  # Tuesdays, school days
    minute = 11 * 60 + (round_no % 12) * 20  # a fresh 20-minute slot each round
    start = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minute)
    return BookingDraft(space="Meeting Room", start=start, end=start + timedelta(minutes=20),
                        staff=("sbrown",), title=f"race round {round_no} writer {writer}")


def _counts(services) -> tuple[int, int, int]:
    with services.db.read_session() as session:
        return (session.scalar(select(func.count()).select_from(BookingRow)),
                session.scalar(select(func.count()).select_from(BookingOccurrenceRow)),
                session.scalar(select(func.count()).select_from(AuditRow)))


def _race_threads(url: str, round_no: int, open_school, actor) -> list[str]:
    writers = [open_school(url) for _ in range(WRITERS)]
    actors = [actor(w, "sbrown") for w in writers]
    barrier = threading.Barrier(WRITERS)
    results: list[str] = [""] * WRITERS

    def run(i: int) -> None:
        barrier.wait()
        try:
            writers[i].bookings.book(actors[i], _draft(round_no, i))
            results[i] = "won"
        except Refused:
            results[i] = "conflict"
        except Exception as exc:  # reported by the assertion
            results[i] = f"error: {exc!r}"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for w in writers:
        w.close()
    return results


def _process_writer(url: str, home: str, round_no: int, writer: int, barrier, results) -> None:
    os.environ["FAIRFIELDS_HOME"] = home
    os.environ["FAIRFIELDS_HASH_COST"] = "test"
    from fairfields_desktop.app import open_services

    services = open_services(url, today=TODAY)
    try:
        actor = services.auth.sign_in("sbrown", "demo-office-2026")
        barrier.wait(30)
        try:
            services.bookings.book(actor, _draft(round_no, writer))
            results[writer] = 1
        except Refused:
            results[writer] = 2
    finally:
        services.close()


class TestRace:
    def test_threads_racing_for_one_slot(self, school, open_school, db_url, actor):
        before = _counts(school)
        for round_no in range(THREAD_ROUNDS):
            results = _race_threads(db_url, round_no, open_school, actor)
            assert sorted(results) == ["conflict"] * (WRITERS - 1) + ["won"], results
        after = _counts(school)
        assert after[0] - before[0] == THREAD_ROUNDS  # one booking per round, nothing else
        assert after[1] - before[1] == THREAD_ROUNDS
        assert after[2] - before[2] == THREAD_ROUNDS  # one audit entry per booking made
        with school.db.read_session() as session:
            slots = session.execute(select(BookingOccurrenceRow.starts_at, func.count()).where(
                BookingOccurrenceRow.space_id == select(BookingOccurrenceRow.space_id).join(BookingRow)
                .where(BookingRow.purpose.like("race round%")).limit(1).scalar_subquery())
                .group_by(BookingOccurrenceRow.starts_at)).all()
        assert all(count == 1 for _start, count in slots)

    def test_processes_racing_for_one_slot(self, school, db_url, private_home):
        context = multiprocessing.get_context("spawn")
        before = _counts(school)
        for round_no in range(PROCESS_ROUNDS):
            barrier = context.Barrier(PROCESSES)
            results = context.Array("i", PROCESSES)
            procs = [context.Process(target=_process_writer,
                                     args=(db_url, str(private_home), 100 + round_no, i, barrier, results))
                     for i in range(PROCESSES)]
            for p in procs:
                p.start()
            for p in procs:
                p.join(120)
            assert [p.exitcode for p in procs] == [0] * PROCESSES
            assert sorted(results[:]) == [1] + [2] * (PROCESSES - 1)
        after = _counts(school)
        assert after[0] - before[0] == PROCESS_ROUNDS and after[1] - before[1] == PROCESS_ROUNDS



SIMULTANEOUS = 60


def _other_room_draft(writer: int, spaces: list[str]) -> BookingDraft:
    """Writer ``writer``'s booking: its own room and slot, clashing with nobody's."""
    slot, day = (writer // len(spaces)) % 10, writer // (len(spaces) * 10)
    start = datetime(2027, 6, 8 + day, 9, 0) + timedelta(minutes=30 * slot)  # Tuesday 8 June 2027 on, in term
    return BookingDraft(space=spaces[writer % len(spaces)], start=start, end=start + timedelta(minutes=25),
                        staff=("sbrown",), title=f"simultaneous {writer}")


class TestSimultaneousBookingsOfDifferentRooms:
    def test_sixty_at_once_all_succeed_with_distinct_references(self, school, open_school, db_url, actor):
        """References come from the database's ids: writers who clash with nobody never fail on one."""
        spaces = [s.name for s in school.bookings.spaces(actor(school, "sbrown"))]
        writers = [open_school(db_url) for _ in range(SIMULTANEOUS)]
        actors = [actor(w, "sbrown") for w in writers]
        barrier = threading.Barrier(SIMULTANEOUS)
        results: list[object] = [None] * SIMULTANEOUS

        def run(i: int) -> None:
            barrier.wait(60)
            try:
                results[i] = writers[i].bookings.book(actors[i], _other_room_draft(i, spaces))[0].booking_ref
            except Exception as exc:  # reported by the assertion
                results[i] = exc

        threads = [threading.Thread(target=run, args=(i,)) for i in range(SIMULTANEOUS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        failures = [r for r in results if not isinstance(r, str)]
        assert failures == [], failures
        assert len(set(results)) == SIMULTANEOUS
        with school.db.read_session() as session:
            made = session.scalar(select(func.count()).select_from(BookingRow)
                                  .where(BookingRow.purpose.like("simultaneous %")))
        assert made == SIMULTANEOUS
