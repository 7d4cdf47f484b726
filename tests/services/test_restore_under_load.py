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


def child_env(key: str) -> dict[str, str]:
    env = dict(os.environ)
    env["FAIRFIELDS_HASH_COST"] = "test"
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["FAIRFIELDS_DB_KEY"] = key
    return env


def lines(out: Path) -> list[list[str]]:
    return [line.split() for line in out.read_text().splitlines() if line.strip()]


def wait_for(condition, what: str, seconds: float = 90) -> None:  # noqa: ANN001
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
        stop.touch()
        for child in children:
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(10)
        for handle in handles:
            handle.close()
    no_errors()

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
    print(f"writes acknowledged before the restore: {len(before)} (replaced: {len([p for p in before if p not in stored])}); "
          f"in flight: {len(in_flight)}; started after it: {len(after)}, lost: {len(lost)}")
    assert len(after) >= WRITERS * AFTER
    assert lost == [], f"{len(lost)} of {len(after)} writes made after the restore were lost"
    assert not any(held.values()), f"writers still hold the replaced database open: {held}"
    assert not any(p in stored for p in before)  # the restore did happen: the backup predates those
