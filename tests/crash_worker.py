"""A stand-in for the app under a burst of writes, for tests/services/test_crash_safety.py.

    python tests/crash_worker.py run URL FIRST_SLOT    one worker: opens the school, says "ready", then
                                                       does real use cases until it is killed
    python tests/crash_worker.py serve                 a fork server: imports the app once, then for each
                                                       line "URL FIRST_SLOT OUTFILE" read on stdin forks a
                                                       worker whose stdout is OUTFILE, and answers its pid

The fork server only saves the second or so of importing the app per kill: each worker is still a
process of its own, opening the database through `open_services` as the app does, and is killed
with SIGKILL by the test. Lines a worker prints (each flushed before the next use case starts):

    ready
    try booking SLOT                              before book() is called
    done booking SLOT REF SPACE START END         after book() returned (the change is committed)
    refused booking SLOT                          the slot clashed or was not a school day: nothing made
    try pupil ID PHONE                            before save_pupil() is called
    done pupil ID PHONE                           after save_pupil() returned
    writing                                       a transaction has sent its changes to the database
                                                  (after its flush, before its commit)

With CRASH_WINDOW_PAUSE_MS set, the worker lingers up to that many milliseconds after each "writing",
inside the open transaction, so that the test's kill lands in the write window: changes written, not
yet committed.

The database key of an encrypted SQLite file comes from FAIRFIELDS_DB_KEY (the worker has no keyring).
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import date, datetime, time, timedelta

TODAY = date(2026, 11, 23)
PASSWORDS = {"sbrown": "demo-office-2026", "hcarter": "demo-head-2026"}
SPACES = ("Therapy Room 1", "Meeting Room", "Sensory Room", "Hydrotherapy Pool")
SLOT_MINUTES = 10
DAY_START, DAY_END = time(9, 0), time(15, 0)
SLOTS_PER_DAY = (DAY_END.hour - DAY_START.hour) * 60 // SLOT_MINUTES
PURPOSE = "crash test slot {}"


def school_days(services) -> list[date]:
    calendar = services.school.calendar()
    return calendar.school_days(TODAY + timedelta(days=1), date(2027, 7, 21))


def slot_of(days: list[date], slot: int) -> tuple[str, datetime, datetime]:
    """Slot number → (space, start, end): every space at one time, then the next time, then the next day."""
    space = SPACES[slot % len(SPACES)]
    index = slot // len(SPACES)
    day = days[(index // SLOTS_PER_DAY) % len(days)]
    start = datetime.combine(day, DAY_START) + timedelta(minutes=SLOT_MINUTES * (index % SLOTS_PER_DAY))
    return space, start, start + timedelta(minutes=SLOT_MINUTES)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _announce_writes(pause_ms: float) -> None:
    """Say "writing" after every flush (the transaction's changes are in the database, uncommitted)."""
    import random
    import time as clock

    from sqlalchemy import event
    from sqlalchemy.orm import Session

    def after_flush(_session, _context) -> None:
        say("writing")
        if pause_ms:
            clock.sleep(random.uniform(0, pause_ms) / 1000)

    event.listen(Session, "after_flush", after_flush)


def work(url: str, first_slot: int) -> None:
    from fairfields_desktop.app import open_services
    from fairfields_desktop.domain.errors import Refused
    from fairfields_desktop.services.bookings import BookingDraft

    _announce_writes(float(os.environ.get("CRASH_WINDOW_PAUSE_MS") or 0))
    services = open_services(url, today=TODAY)
    booker = services.auth.sign_in("sbrown", PASSWORDS["sbrown"])
    editor = services.auth.sign_in("hcarter", PASSWORDS["hcarter"])
    days = school_days(services)
    pupils = [p.id for p in services.pupils.list_pupils(editor)]
    say("ready")
    slot, n = first_slot, 0
    while True:
        n += 1
        if n % 3 == 0:  # every third use case edits a pupil's first contact's phone number
            pupil_id = pupils[n % len(pupils)]
            phone = f"01632 {os.getpid()}-{n}"
            values = services.pupils.pupil_values(editor, pupil_id)
            values["contacts"][0]["phone"] = phone
            say(f"try pupil {pupil_id} {phone}")
            services.pupils.save_pupil(editor, {k: v for k, v in values.items() if k != "version"}, pupil_id,
                                       values["version"])
            say(f"done pupil {pupil_id} {phone}")
            continue
        space, start, end = slot_of(days, slot)
        say(f"try booking {slot}")
        try:
            blocks = services.bookings.book(booker, BookingDraft(space=space, start=start, end=end,
                                                                 staff=("sbrown",), title=PURPOSE.format(slot)))
        except Refused:
            say(f"refused booking {slot}")
        else:
            say(f"done booking {slot} {blocks[0].booking_ref} {space.replace(' ', '_')} "
                f"{start:%Y-%m-%dT%H:%M} {end:%Y-%m-%dT%H:%M}")
        slot += 1


def serve() -> None:
    """Fork a worker for each request line; the app is imported once, here, before any fork."""
    import tempfile

    import fairfields_desktop.services.bookings  # noqa: F401 - imported before forking
    from fairfields_desktop.app import open_services

    with tempfile.TemporaryDirectory() as folder:  # open a database once, so each worker starts at once
        open_services(f"sqlite:///{folder}/warm-up.sqlite3", today=TODAY).close()
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pass
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped as they die
    for line in sys.stdin:
        if not line.strip():
            continue
        url, first_slot, outfile = line.rstrip("\n").split(" ", 2)
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                fd = os.open(outfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(fd, 1)
                os.close(fd)
                devnull = os.open(os.devnull, os.O_RDONLY)
                os.dup2(devnull, 0)
                sys.stdout = os.fdopen(1, "w", buffering=1)
                work(url, int(first_slot))
            except BaseException as exc:  # reported to the test through the output
                say(f"error {exc!r}")
            finally:
                os._exit(3)
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve()
    elif sys.argv[1:2] == ["run"] and len(sys.argv) == 4:
        work(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
