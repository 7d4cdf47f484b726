"""A restore never pulls the floor from under anyone (issue #14).

Other processes keep the school open and keep writing while an administrator restores a backup. Before,
`restore` replaced the SQLite file: the other processes went on writing into the deleted file and were
told "saved" (291 of 291 writes made after the restore were lost). Now the backup is written into the
open database under its locks, so every write started after the restore has returned is in the restored
database, and no process holds the replaced file open.

Each writer (tests/restore_writer.py) books one short session after another and says "try N T" just
before and "done N T REF" just after each booking is committed (T: the time). The parent notes when the
restore began and when it returned. Writes done before the restore began were made after the backup, so
the restore rightly replaces them; writes in flight while it ran may be either; every write that started
after the restore returned must be there.

Also here: backups taken while others write are checked against the snapshot they copy (and pass), and a
restore killed at any moment leaves the old database or the backup, whole.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from fairfields_desktop.store.models import BookingRow

WRITER = Path(__file__).parent.parent / "restore_writer.py"
ROOT = Path(__file__).parent.parent.parent
WRITERS = 3
AFTER = 8  # bookings each writer must make after the restore before it is stopped


def _stop(stop: Path, children: list, handles: list) -> None:
    """Tell the writers to stop (the file appears), wait for them (killing one that hangs), close their output."""
    stop.touch()
    for child in children:
        try:
            child.wait(30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(10)
    for handle in handles:
        handle.close()

def child_env(key: str) -> dict[str, str]:
    env = dict(os.environ)
    env["FAIRFIELDS_HASH_COST"] = "test"
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["FAIRFIELDS_DB_KEY"] = key
    return env


def lines(out: Path) -> list[list[str]]:
    return [line.split() for line in out.read_text().splitlines() if line.strip()]


def wait_for(condition, what: str, seconds: float = 90) -> None:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def deleted_files_held(pid: int, name: str) -> list[str]:
    """The files named like ``name`` that process ``pid`` holds open although they were deleted (Linux)."""
    held = []
    fds = Path(f"/proc/{pid}/fd")
    for fd in fds.iterdir() if fds.is_dir() else ():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if name in target and target.endswith("(deleted)"):
            held.append(target)
    return held


def test_writes_from_other_processes_made_after_a_restore_are_kept(sqlite_school, actor, sqlite_url, tmp_path):
    admin = actor(sqlite_school, "admin")
    backup = tmp_path / "monday.fdb"
    sqlite_school.backups.backup(admin, backup)
    stop = tmp_path / "stop"
    outs = [tmp_path / f"writer-{n}.out" for n in range(WRITERS)]
    env = child_env(sqlite_school.db.key)
    handles = [out.open("w") for out in outs]
    children = [subprocess.Popen([sys.executable, str(WRITER), sqlite_url, str(n), str(stop)], cwd=ROOT, env=env,
                                 stdout=handle, stderr=subprocess.STDOUT) for n, handle in enumerate(handles)]
    try:
        def done_count(out: Path, since: float = 0.0) -> int:
            return sum(1 for w in lines(out) if w[0] == "done" and float(w[2]) > since)

        def no_errors() -> bool:
            for out in outs:
                errors = [" ".join(w) for w in lines(out) if w[0] == "error"]
                assert not errors, errors
            return True

        wait_for(lambda: no_errors() and all(done_count(out) >= 5 for out in outs), "the writers to start writing")
        began = time.time()
        sqlite_school.backups.restore(admin, backup)
        restored = time.time()
        wait_for(lambda: no_errors() and all(done_count(out, restored) >= AFTER for out in outs),
                 "the writers to write after the restore")
        name = sqlite_school.db.sqlite_path.name
        held = {child.pid: deleted_files_held(child.pid, name) for child in children}
    finally:
        _stop(stop, children, handles)
    no_errors()

    with sqlite_school.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    with sqlite_school.db.read_session() as session:
        stored = set(session.scalars(select(BookingRow.purpose).where(BookingRow.purpose.like("restore test %"))))
    before, in_flight, after = [], [], []
    for n, out in enumerate(outs):
        tried = {}
        for words in lines(out):
            if words[0] == "try":
                tried[words[1]] = float(words[2])
            elif words[0] == "done":
                purpose = f"restore test {n} {words[1]}"
                if float(words[2]) < began:
                    before.append(purpose)
                elif tried[words[1]] > restored:
                    after.append(purpose)
                else:
                    in_flight.append(purpose)
    lost = [p for p in after if p not in stored]
    replaced = len([p for p in before if p not in stored])
    print(f"writes acknowledged before the restore: {len(before)} (replaced: {replaced}); "
          f"in flight: {len(in_flight)}; started after it: {len(after)}, lost: {len(lost)}")
    assert len(after) >= WRITERS * AFTER
    assert lost == [], f"{len(lost)} of {len(after)} writes made after the restore were lost"
    assert not any(held.values()), f"writers still hold the replaced database open: {held}"
    assert not any(p in stored for p in before)  # the restore did happen: the backup predates those


def test_backups_taken_while_other_processes_write_read_back_as_one_snapshot(sqlite_school, actor, sqlite_url,
                                                                             tmp_path):
    """Each backup is checked against the very snapshot it copied, so writes made while it runs neither
    spoil it nor fail its check; and what it holds is a moment's database (its bookings a prefix of
    each writer's, none half there)."""
    from fairfields_desktop.store.database import open_database

    admin = actor(sqlite_school, "admin")
    stop = tmp_path / "stop"
    outs = [tmp_path / f"writer-{n}.out" for n in range(2)]
    handles = [out.open("w") for out in outs]
    env = child_env(sqlite_school.db.key)
    children = [subprocess.Popen([sys.executable, str(WRITER), sqlite_url, str(n), str(stop)], cwd=ROOT, env=env,
                                 stdout=handle, stderr=subprocess.STDOUT) for n, handle in enumerate(handles)]
    made = []
    try:
        wait_for(lambda: all(sum(w[0] == "done" for w in lines(out)) >= 3 for out in outs), "the writers to write")
        for n in range(4):
            target = tmp_path / f"backup-{n}.fdb"
            sqlite_school.backups.backup(admin, target)  # raises if it does not read back
            made.append(target)
            time.sleep(0.2)
    finally:
        _stop(stop, children, handles)
    errors = [" ".join(w) for out in outs for w in lines(out) if w[0] == "error"]
    assert not errors, errors
    counts = []
    for target in made:
        db = open_database(f"sqlite:///{target}", key_source=lambda _p, _n: sqlite_school.db.key)
        try:
            with db.read_session() as session:
                booked = set(session.scalars(select(BookingRow.purpose)
                                             .where(BookingRow.purpose.like("restore test %"))))
        finally:
            db.dispose()
        for n, out in enumerate(outs):  # each writer's bookings in the backup are its first few, with no gap
            done = [int(w[1]) for w in lines(out) if w[0] == "done"]
            numbers = sorted(int(p.rsplit(" ", 1)[1]) for p in booked if p.startswith(f"restore test {n} "))
            assert numbers == done[:len(numbers)], numbers
        counts.append(len(booked))
    assert counts == sorted(counts) and counts[-1] > counts[0], counts  # the writers went on meanwhile


RESTORER = """
import sys
from pathlib import Path
from fairfields_desktop.app import open_services
services = open_services(sys.argv[1])
admin = services.auth.sign_in("admin", "demo-admin-2026")
print("ready", flush=True)
services.backups.restore(admin, Path(sys.argv[2]))
print("restored", flush=True)
"""


def state_of(url: str, key: str) -> tuple[str, dict, int]:
    """(integrity_check's answer, every table's fingerprint but the audit trail's, the audit trail's rows)."""
    from fairfields_desktop.store.copy import fingerprints, snapshot
    from fairfields_desktop.store.database import open_database

    db = open_database(url, key_source=lambda _p, _n: key)
    try:
        with db.engine.connect() as conn:
            integrity = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
        with snapshot(db) as session:
            found = fingerprints(session)
    finally:
        db.dispose()
    audit_rows = found.pop("audit_events")[0]
    return integrity, found, audit_rows


def test_a_restore_killed_at_any_moment_leaves_the_old_or_the_new_database_whole(sqlite_school, actor, sqlite_url,
                                                                                  tmp_path):
    """SIGKILL at moments spread over a whole restore: the database is intact, and it is wholly the one
    before (the backup never applied) or wholly the backup (with or without the restore's audit entry)."""
    import random
    import shutil
    from datetime import datetime, timedelta

    from fairfields_desktop.services.bookings import BookingDraft

    admin, office = actor(sqlite_school, "admin"), actor(sqlite_school, "sbrown")
    backup = tmp_path / "monday.fdb"
    sqlite_school.backups.backup(admin, backup)
    start = datetime(2026, 11, 30, 9, 0)
    for n in range(30):  # the school changes after the backup
        sqlite_school.bookings.book(office, BookingDraft(space="Meeting Room", start=start + timedelta(minutes=10 * n),
                                                         end=start + timedelta(minutes=10 * n + 10), staff=("sbrown",),
                                                         title=f"after the backup {n}"))
    key = sqlite_school.db.key
    path = sqlite_school.db.sqlite_path
    sqlite_school.db.dispose()  # the last connection closed: the WAL is checkpointed into the file
    pristine = tmp_path / "pristine.sqlite3"
    shutil.copy(path, pristine)
    old = state_of(sqlite_url, key)
    copy = tmp_path / "backup-copy.sqlite3"
    shutil.copy(backup, copy)
    new = state_of(f"sqlite:///{copy}", key)
    assert old[0] == new[0] == "ok" and old[1] != new[1]

    def put_back() -> None:
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        shutil.copy(pristine, path)

    env = child_env(key)

    def run(kill_after: float | None) -> tuple[float, bool]:
        child = subprocess.Popen([sys.executable, "-c", RESTORER, sqlite_url, str(backup)], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert child.stdout.readline().strip() == "ready"
            began = time.monotonic()
            if kill_after is None:
                assert child.stdout.readline().strip() == "restored"
                return time.monotonic() - began, True
            time.sleep(kill_after)
            child.kill()
            return kill_after, False
        finally:
            child.wait(30)
            child.stdout.close()

    took, _ = run(None)  # how long a whole restore takes, from "ready"
    assert state_of(sqlite_url, key)[1] == new[1]
    outcomes = []
    rng = random.Random(14)
    for n in range(8):
        put_back()
        run(took * (n + rng.random()) / 7)
        integrity, tables, audit_rows = state_of(sqlite_url, key)
        assert integrity == "ok"
        if tables == old[1]:
            assert audit_rows == old[2]
            outcomes.append("old")
        else:
            assert tables == new[1], "the database is neither the old one nor the backup"
            assert audit_rows in (new[2], new[2] + 1)
            outcomes.append("new")
    print(f"a whole restore took {took:.2f}s; killed at 8 moments: {outcomes}")
    put_back()
