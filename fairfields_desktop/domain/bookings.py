"""Bookings of shared spaces: half-open time ranges, priority between services, and free slots.

Pure functions over plain values: the service gathers the bookings and the calendar, these decide.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .checks import day_text

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


# --- where a session that gives way could go ---------------------------------------------------------
@dataclass(frozen=True)
class Slot:
    """A space at a time: where a session is, or could move to."""

    space: str
    start: datetime
    end: datetime


#: the school day in bands: two suggestions in one room, on one day, in one band are the same suggestion
TIME_BANDS = ((time(0, 0), "early morning"), (time(10, 30), "late morning"), (time(12, 0), "lunchtime"),
              (time(13, 30), "afternoon"))
#: the kinds of change a suggestion makes, least disturbing first
SAME_TIME_OTHER_ROOM, SAME_DAY_OTHER_TIME, OTHER_DAY = 0, 1, 2


def time_band(moment: time) -> str:
    return [name for starts, name in TIME_BANDS if starts <= moment][-1]


def _minutes(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def change_of(original: Slot, candidate: Slot) -> int:
    """Which kind of change moving ``original`` to ``candidate`` is for the pupil."""
    if candidate.start.date() != original.start.date():
        return OTHER_DAY
    return SAME_TIME_OTHER_ROOM if candidate.start == original.start else SAME_DAY_OTHER_TIME


def disturbance(original: Slot, candidate: Slot, similar: Collection[str] = ()) -> tuple[object, ...]:
    """How much a move disturbs the pupil's timetable, as a sort key (smaller is less): the same day and time in
    another room first (a room of the same kind before others), then the same day at a time near the original,
    then another day of the week (the same time first, then the nearest day)."""
    room = 0 if candidate.space == original.space else (1 if candidate.space in similar else 2)
    minutes = abs(_minutes(candidate.start) - _minutes(original.start))
    change = change_of(original, candidate)
    if change == SAME_TIME_OTHER_ROOM:
        return (change, room, 0, 0, candidate.space)
    if change == SAME_DAY_OTHER_TIME:
        return (change, minutes, room, 0, candidate.space, candidate.start)
    days = abs((candidate.start.date() - original.start.date()).days)
    return (change, minutes, days, room, candidate.space, candidate.start)


def _variety_key(original: Slot, candidate: Slot) -> tuple[object, ...]:
    """Suggestions sharing this key are near-identical: rooms differ for the same time; times differ by band for
    the same day; days differ for another day."""
    change = change_of(original, candidate)
    if change == SAME_TIME_OTHER_ROOM:
        return (change, candidate.space)
    if change == SAME_DAY_OTHER_TIME:
        return (change, time_band(candidate.start.time()))
    return (change, candidate.start.date())


def varied_suggestions(original: Slot, candidates: Iterable[Slot], *, similar: Collection[str] = (),
                       limit: int = 5) -> list[Slot]:
    """At most ``limit`` genuinely different places for a session that gives way, least disturbing first.

    Each kind of change (another room at the same time, another time that day, another day of the week) is
    offered in turn, the least disturbing of each kind first, so one kind never crowds out the others; and
    never two in one room, on one day, in one band of the day (nor two other times in one band, nor two on one
    other day)."""
    def rank(c: Slot) -> tuple[object, ...]:
        return disturbance(original, c, similar)

    by_change: dict[int, list[Slot]] = {}
    for c in sorted({c for c in candidates if c.start != original.start or c.space != original.space}, key=rank):
        by_change.setdefault(change_of(original, c), []).append(c)
    queues = [by_change[k] for k in sorted(by_change)]
    chosen: list[Slot] = []
    seen: set[tuple[object, ...]] = set()
    while len(chosen) < limit and any(queues):
        for queue in queues:
            while queue:
                c = queue.pop(0)
                keys = {_variety_key(original, c), (c.space, c.start.date(), time_band(c.start.time()))}
                if keys & seen:
                    continue
                seen |= keys
                chosen.append(c)
                break
            if len(chosen) >= limit:
                break
    return sorted(chosen, key=rank)


def suggestion_words(original: Slot, candidate: Slot) -> str:
    """What a suggested move changes, in words: "same time, another room", "same day, 30 minutes later",
    "Thursday, same time"."""
    change = change_of(original, candidate)
    room = "same room" if candidate.space == original.space else "another room"
    if change == SAME_TIME_OTHER_ROOM:
        return "same time, another room"
    minutes = _minutes(candidate.start) - _minutes(original.start)
    if minutes == 0:
        shift = "same time"
    else:
        amount = abs(minutes)
        length = f"{amount // 60} h {amount % 60:02d} min" if amount >= 60 else f"{amount} minutes"
        shift = f"{length} {'later' if minutes > 0 else 'earlier'}"
    day = "same day" if change == SAME_DAY_OTHER_TIME else f"{candidate.start:%A}"
    return f"{day}, {shift}, {room}"


def gave_way_words(who: str, move_to: tuple[str, datetime] | None, on: date) -> str:
    """"Karen Walsh's session moved to Therapy Room 2 at 13:30" (the day named when it moved to another day), or
    "Karen Walsh's session cancelled for priority"."""
    if move_to is None:
        return f"{who}'s session cancelled for priority"
    space, start = move_to[0], move_to[1]
    when = f"at {start:%H:%M}" if start.date() == on else f"on {start:%A} {day_text(start.date())} at {start:%H:%M}"
    return f"{who}'s session moved to {space} {when}"


def date_outcome(on: date, booked: bool, gave_way: Iterable[str] = (), kept: Iterable[tuple[str, str]] = (),
                 why_not: str | None = None) -> str:
    """One plain sentence for one date of a booking that met other sessions: "20 Jan 2027: booked; Karen Walsh's
    session moved to Therapy Room 2 at 13:30." or "27 Jan 2027: not booked (skipped); Karen Walsh keeps
    Therapy Room 1." (who gave way or kept their place, each in words)."""
    parts = [f"{day_text(on)}: " + ("booked" if booked else f"not booked ({why_not or 'skipped'})")]
    parts += list(gave_way)
    parts += [f"{who} keeps {space}" for who, space in kept]
    return "; ".join(parts) + "."
