"""Nothing lost: the app's process killed (SIGKILL) in the middle of a burst of writes, many times over.

A worker process (tests/crash_worker.py) opens the school through `open_services`, as the app does,
and books short sessions and edits pupils' contacts, saying "done ..." only after each use case has
returned. The test kills it at a random moment, then opens the database afresh and checks that it
opens, that SQLite's `PRAGMA integrity_check` says ok, and that every change reported done is there,
whole (and every change in flight is there whole or not at all). On PostgreSQL the server survives:
the committed rows are checked the same way.

`make test` runs a few dozen kills; `make soak` (FAIRFIELDS_SOAK=1) runs hundreds.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import selectinload

from fairfields_desktop.store.models import AuditRow, BookingOccurrenceRow, BookingRow, SpaceRow

SOAK = bool(os.environ.get("FAIRFIELDS_SOAK"))
KILLS = {"sqlite": 300 if SOAK else 25, "postgres": 100 if SOAK else 10}
#: kills aimed inside the write window: after a transaction has written, before it commits
WINDOW_KILLS = {"sqlite": 120 if SOAK else 10, "postgres": 120 if SOAK else 6}
WINDOW_PAUSE_MS = 30  # how long the worker may linger in the window (CRASH_WINDOW_PAUSE_MS)
DELAY_MS = (50, 400)  # how long after "ready" the worker is killed
WORKER = Path(__file__).parent.parent / "crash_worker.py"
ROOT = Path(__file__).parent.parent.parent
TODAY = date(2026, 11, 23)
PURPOSE = "crash test slot {}"


def database_key(services) -> str | None:
    """The key of an encrypted SQLite database (64 hex digits), for a child process, which reads
    FAIRFIELDS_DB_KEY when it has no keyring. None for PostgreSQL or an unencrypted file."""
    return getattr(services.db, "key", None) or os.environ.get("FAIRFIELDS_DB_KEY")


def child_env(key: str | None = None, window_pause_ms: float = 0) -> dict[str, str]:
    """The environment of a worker: this test's home folder, no keyring (so the key comes from
    FAIRFIELDS_DB_KEY, when there is one), and the fast test password hashing."""
    env = dict(os.environ)
    env["FAIRFIELDS_HASH_COST"] = "test"
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    if key:
        env["FAIRFIELDS_DB_KEY"] = key
    if window_pause_ms:
        env["CRASH_WINDOW_PAUSE_MS"] = str(window_pause_ms)
    return env


class ForkServer:
    """tests/crash_worker.py serve: forks a worker per request, each killed by the test."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, str(WORKER), "serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)

    def spawn(self, url: str, first_slot: int, outfile: Path) -> int:
        assert " " not in str(outfile)
        self.proc.stdin.write(f"{url} {first_slot} {outfile}\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        assert answer.strip().isdigit(), f"the fork server answered {answer!r}"
        return int(answer)

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.proc.stdout.close()


def _lines(path: Path) -> list[str]:
    """The worker's complete lines: a line cut short by the kill (no newline yet) is not counted."""
    data = path.read_text(encoding="utf-8") if path.exists() else ""
    return data.split("\n")[:-1]


def _wait_ready(path: Path, pid: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = _lines(path)
        if lines and lines[0] == "ready":
            return
        errors = [line for line in lines if line.startswith("error")]
        assert not errors, f"worker {pid} failed: {errors}"
        time.sleep(0.005)
    raise AssertionError(f"worker {pid} did not get ready in {timeout} s: {_lines(path)}")


def _kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the fork server ignores SIGCHLD: the dead worker is reaped at once
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.002)
    raise AssertionError(f"worker {pid} still runs after SIGKILL")


@dataclass
class Ledger:
    """What the workers said they did, and what is allowed to be found."""

    booked: dict[int, tuple[str, str, str, str]] = field(default_factory=dict)  # slot → ref, space, start, end
    in_flight: set[int] = field(default_factory=set)  # slots tried, never reported done or refused
    phones: dict[int, tuple[str, set[str]]] = field(default_factory=dict)  # pupil → last done, tries since
    done: int = 0
    next_slot: int = 0

    def read(self, lines: list[str]) -> None:
        for line in lines[1:]:
            if line == "writing":
                continue
            kind, what, *rest = line.split(" ")
            if kind == "error":
                raise AssertionError(f"the worker failed: {line}")
            if what == "booking":
                slot = int(rest[0])
                self.next_slot = max(self.next_slot, slot + 1)
                if kind == "try":
                    self.in_flight.add(slot)
                elif kind == "done":
                    self.in_flight.discard(slot)
                    ref, space, start, end = rest[1:]
                    self.booked[slot] = (ref, space.replace("_", " "), start, end)
                    self.done += 1
                else:
                    self.in_flight.discard(slot)
            elif what == "pupil":
                pupil_id, phone = int(rest[0]), " ".join(rest[1:])
                last, tries = self.phones[pupil_id]
                if kind == "try":
                    tries.add(phone)
                else:
                    self.phones[pupil_id] = (phone, set())
                    self.done += 1


def _check(url: str, open_school, ledger: Ledger, sqlite: bool) -> list[str]:
    """Open the database afresh and list every change reported done that is missing or not whole."""
    losses: list[str] = []
    services = open_school(url)
    try:
        if sqlite:
            with services.db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        with services.db.read_session() as session:
            refs = {slot: ref for slot, (ref, *_rest) in ledger.booked.items()}
            rows = {r.ext_id: r for r in session.scalars(
                select(BookingRow).where(BookingRow.ext_id.in_(list(refs.values())))
                .options(selectinload(BookingRow.occurrences)))}
            spaces = dict(session.execute(select(SpaceRow.id, SpaceRow.name)).all())
            for slot, (ref, space, start, end) in ledger.booked.items():
                row = rows.get(ref)
                want = (PURPOSE.format(slot), [(space, start, end)])
                got = None if row is None else (row.purpose, [
                    (spaces[o.space_id], f"{o.starts_at:%Y-%m-%dT%H:%M}", f"{o.ends_at:%Y-%m-%dT%H:%M}")
                    for o in row.occurrences])
                if got != want:
                    losses.append(f"booking {ref} (slot {slot}): expected {want}, found {got}")
            # every crash-test booking, done or in flight, is whole: one occurrence and its audit entry
            made = session.execute(
                select(BookingRow.ext_id, BookingRow.purpose, func.count(BookingOccurrenceRow.id))
                .join(BookingOccurrenceRow, BookingOccurrenceRow.booking_id == BookingRow.id, isouter=True)
                .where(BookingRow.purpose.like("crash test slot %")).group_by(BookingRow.id)).all()
            audited = set(session.scalars(select(AuditRow.entity_id).where(
                AuditRow.entity == "booking", AuditRow.action == "create")))
            for ref, purpose, occurrences in made:
                slot = int(purpose.rsplit(" ", 1)[1])
                if occurrences != 1 or ref not in audited:
                    losses.append(f"booking {ref} is not whole: {occurrences} occurrence(s), "
                                  f"audited: {ref in audited}")
                if slot not in ledger.booked and slot not in ledger.in_flight:
                    losses.append(f"booking {ref} for slot {slot} was never tried")
        head = services.auth.sign_in("hcarter", "demo-head-2026")  # signing in only reads
        for pupil_id, (last, tries) in ledger.phones.items():
            phone = services.pupils.pupil_values(head, pupil_id)["contacts"][0]["phone"]
            if phone != last and phone not in tries:
                losses.append(f"pupil {pupil_id}: phone {phone!r}, expected {last!r} (or one of {sorted(tries)})")
    finally:
        services.close()
    return losses


def _wait_writing(path: Path, pid: int, count: int, timeout: float = 60) -> None:
    """Until the worker has said "writing" ``count`` times: it is then inside a transaction's write window."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = _lines(path)
        errors = [line for line in lines if line.startswith("error")]
        assert not errors, f"worker {pid} failed: {errors}"
        if lines.count("writing") >= count:
            return
        time.sleep(0.001)
    raise AssertionError(f"worker {pid} did not write {count} times in {timeout} s: {_lines(path)[-5:]}")


def _crash_many(url: str, kind: str, school, open_school, tmp_path: Path, capsys,
                window: bool = False) -> None:
    head = school.auth.sign_in("hcarter", "demo-head-2026")
    ledger = Ledger(phones={p.id: (school.pupils.pupil_values(head, p.id)["contacts"][0]["phone"], set())
                            for p in school.pupils.list_pupils(head)})
    key = database_key(school)
    school.close()
    rng = random.Random(f"{kind}-{os.getpid()}-{time.time_ns()}")
    kills, losses, mid_change, started = (WINDOW_KILLS if window else KILLS)[kind], [], 0, time.monotonic()
    in_window = 0
    server = ForkServer(child_env(key, WINDOW_PAUSE_MS if window else 0))
    try:
        for round_no in range(kills):
            out = tmp_path / f"worker-{round_no}.out"
            pid = server.spawn(url, ledger.next_slot, out)
            _wait_ready(out, pid)
            if window:
                _wait_writing(out, pid, rng.randint(1, 12))
            else:
                time.sleep(rng.uniform(*DELAY_MS) / 1000)
            _kill(pid)
            lines = _lines(out)
            mid_change += lines[-1].startswith("try ") or lines[-1] == "writing"
            in_window += lines[-1] == "writing"
            ledger.read(lines)
            losses += _check(url, open_school, ledger, kind == "sqlite")
            out.unlink()
    finally:
        server.close()
    summary = (f"crash safety ({kind}{', aimed at the write window' if window else ''}): {kills} kills (SIGKILL), "
               f"{mid_change} of them in the middle of a change ({in_window} after the change was written, before "
               f"its commit), {ledger.done} changes reported done, "
               f"{len(losses)} lost, integrity {'ok' if kind == 'sqlite' else 'n/a'} after each kill, "
               f"{time.monotonic() - started:.1f} s")
    with capsys.disabled():
        print(f"\n{summary}")
    assert ledger.done and mid_change, "the workers were never killed in the middle of a change: " + summary
    if window:
        assert in_window >= kills // 2, "too few kills landed in the write window: " + summary
    assert not losses, "\n".join(losses[:20])


class TestKilledMidWrite:
    @pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
    def test_every_change_reported_done_survives_sigkill(self, kind, request, open_school, example_doc,
                                                         tmp_path, capsys):
        url = request.getfixturevalue("sqlite_url" if kind == "sqlite" else "pg_url")
        school = open_school(url)
        school.dataset.load(example_doc)
        _crash_many(url, kind, school, open_school, tmp_path, capsys)

    @pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
    def test_killed_inside_the_write_window_nothing_acknowledged_is_lost(self, kind, request, open_school,
                                                                         example_doc, tmp_path, capsys):
        """Each kill waits for the worker to have written a transaction's changes (after its flush, before
        its commit): the uncommitted change is found whole or not at all, every acknowledged one whole."""
        url = request.getfixturevalue("sqlite_url" if kind == "sqlite" else "pg_url")
        school = open_school(url)
        school.dataset.load(example_doc)
        _crash_many(url, kind, school, open_school, tmp_path, capsys, window=True)


def test_the_worker_runs_on_its_own(sqlite_url, open_school, example_doc, tmp_path):
    """`crash_worker.py run` (no fork server) works too: killed after its first change, nothing lost."""
    school = open_school(sqlite_url)
    school.dataset.load(example_doc)
    key = database_key(school)
    school.close()
    out = (tmp_path / "run.out").open("w")
    proc = subprocess.Popen([sys.executable, str(WORKER), "run", sqlite_url, "0"], stdout=out,
                            env=child_env(key), cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(
                line.startswith("done") for line in _lines(tmp_path / "run.out")):
            assert proc.poll() is None, _lines(tmp_path / "run.out")
            time.sleep(0.01)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        out.close()
    lines = _lines(tmp_path / "run.out")
    assert lines[0] == "ready" and any(line.startswith("done booking") for line in lines)
    services = open_school(sqlite_url)
    with services.db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    ref = next(line.split()[3] for line in lines if line.startswith("done booking"))
    with services.db.read_session() as session:
        assert session.scalar(select(BookingRow.purpose).where(BookingRow.ext_id == ref)) == PURPOSE.format(0)
