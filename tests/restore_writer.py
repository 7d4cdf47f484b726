"""A stand-in for another PC's app writing while the database is restored, for
tests/services/test_restore_under_load.py.

    python tests/restore_writer.py URL WORKER STOPFILE

Opens the school through `open_services`, as the app does, says "ready", then books one short session
after another (each worker its own space and days) until STOPFILE exists. Lines (each flushed):

    ready
    try N T                 just before book() is called; T = time.time()
    done N T REF            after book() returned (the booking is committed); T = time.time()
    refused N               the slot was refused: nothing made
    error REPR              anything else: the worker stops

The purpose of booking N is "restore test WORKER N". The key comes from FAIRFIELDS_DB_KEY.
"""

from __future__ import annotations

import sys
import time as clock
from datetime import date, datetime, time, timedelta
from pathlib import Path

TODAY = date(2026, 11, 23)
SPACES = ("Therapy Room 1", "Meeting Room", "Sensory Room", "Hydrotherapy Pool")
SLOT_MINUTES = 10
DAY_START, SLOTS_PER_DAY = time(9, 0), 36
DAYS_PER_WORKER = 40


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def work(url: str, worker: int, stop: Path) -> None:
    from fairfields_desktop.app import open_services
    from fairfields_desktop.domain.errors import Refused
    from fairfields_desktop.services.bookings import BookingDraft

    services = open_services(url, today=TODAY)
    booker = services.auth.sign_in("sbrown", "demo-office-2026")
    days = services.school.calendar().school_days(TODAY + timedelta(days=1), date(2027, 7, 21))
    space = SPACES[worker % len(SPACES)]
    say("ready")
    n = 0
    while not stop.exists():
        n += 1
        day = days[(worker * DAYS_PER_WORKER + n // SLOTS_PER_DAY) % len(days)]
        start = datetime.combine(day, DAY_START) + timedelta(minutes=SLOT_MINUTES * (n % SLOTS_PER_DAY))
        say(f"try {n} {clock.time():.6f}")
        try:
            blocks = services.bookings.book(booker, BookingDraft(
                space=space, start=start, end=start + timedelta(minutes=SLOT_MINUTES), staff=("sbrown",),
                title=f"restore test {worker} {n}"))
        except Refused:
            say(f"refused {n}")
        else:
            say(f"done {n} {clock.time():.6f} {blocks[0].booking_ref}")
    services.close()


if __name__ == "__main__":
    try:
        work(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
    except BaseException as exc:  # reported to the test through the output
        say(f"error {exc!r}")
        raise
