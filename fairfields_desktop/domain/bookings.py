"""Bookings of shared spaces: half-open time ranges, priority between services, and free slots.

Pure functions over plain values: the service gathers the bookings and the calendar, these decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

#: who a booking is for → its priority: statutory and school-commissioned services (and the school's
#: own use) come before independent professionals (the policy's "Working Together")
PRIORITY = {"statutory": 2, "commissioned": 2, "school": 2, "independent": 1}
PRIORITY_REASON = "priority to a statutory/commissioned service"


def needs_authorisation(kind: str, has_pupils: bool, start: datetime, end: datetime, day_start: time,
                        day_end: time) -> bool:
    """An independent professional working with pupils at a time that touches the school day: only an
    approved request (or the headteacher, with a recorded reason) may book it. Meetings and observations
    without pupils, and anything wholly outside the school day, are not such sessions."""
    return kind == "independent" and has_pupils and start.time() < day_end and end.time() > day_start


def independent_refusal(professional: str) -> str:
    """Why a booking of an independent therapist with pupils in the school day is refused, and the way on."""
    return (f"{professional} is an independent therapist: an independent therapist works with a pupil in the "
            "school day only under the headteacher's authorisation. Start a request for the headteacher (in the "
            "window: Requests, New request), or ask the headteacher, who alone may book it directly with a "
            "recorded reason. A meeting or an observation without pupils can be booked as it is")


def overlaps(start_a: datetime, end_a: datetime, start_b: datetime, end_b: datetime) -> bool:
    """Half-open ranges [start, end): one ending at 10:30 and one starting at 10:30 do not overlap."""
    return start_a < end_b and start_b < end_a


def priority_of(kind: str) -> int:
    return PRIORITY.get(kind, 1)


def may_displace(incoming_kind: str, held_kind: str) -> bool:
    """An incoming booking may ask to move a held one only when it has strictly higher priority."""
    return priority_of(incoming_kind) > priority_of(held_kind)


@dataclass(frozen=True)
class Busy:
    start: datetime
    end: datetime


def free_slots(day: date, day_start: time, day_end: time, busy: Iterable[Busy], length: timedelta,
               near: time | None = None, step: timedelta = timedelta(minutes=5), limit: int = 5) -> list[datetime]:
    """Start times on ``day`` where a slot of ``length`` fits between the busy ranges, nearest to ``near``
    first (or earliest first), at most ``limit``, on a ``step`` grid from the start of the school day."""
    opens, closes = datetime.combine(day, day_start), datetime.combine(day, day_end)
    ranges = sorted((b.start, b.end) for b in busy)
    found: list[datetime] = []
    start = opens
    while start + length <= closes:
        end = start + length
        clash = next((r for r in ranges if r[0] < end and start < r[1]), None)
        if clash is None:
            found.append(start)
            start += step
        else:
            start = max(start + step, _ceil(clash[1], opens, step))
    if near is not None:
        anchor = datetime.combine(day, near)
        found.sort(key=lambda s: (abs((s - anchor).total_seconds()), s))
    return found[:limit]


def _ceil(moment: datetime, origin: datetime, step: timedelta) -> datetime:
    steps = -(-(moment - origin) // step)
    return origin + steps * step


def booking_problems(start: datetime, end: datetime, day_start: time, day_end: time) -> list[tuple[str, str]]:
    """(field, message) for a booking's times: same day, end after start, inside the school day."""
    problems = []
    if end <= start:
        problems.append(("end", f"the booking must end after it starts ({start:%H:%M})"))
    elif end.date() != start.date():
        problems.append(("end", "a booking starts and ends on the same day"))
    elif start.time() < day_start or end.time() > day_end:
        problems.append(("start", f"{start:%H:%M}–{end:%H:%M} is outside the school day "
                         f"({day_start:%H:%M}–{day_end:%H:%M})"))
    return problems


#: how a pupil on a booking is shown to someone who may not see that pupil (a teacher, for another class)
OTHER_CLASS_PUPIL = "a pupil of another class"
#: how prints and exports show such a pupil where initials would stand
A_PUPIL = "a pupil"
#: what stands for a title that names a pupil (not yet mended) for a reader who may not see that pupil
TITLE_TO_REVIEW = "(title to be reviewed)"


def initials(name: str) -> str:
    """"Amara Osei" → "AO"; a pupil not shown to the reader stays "a pupil"."""
    if name == OTHER_CLASS_PUPIL:
        return A_PUPIL
    return "".join(part[0] for part in name.split() if part).upper()
