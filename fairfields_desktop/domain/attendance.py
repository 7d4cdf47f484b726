"""Attendance marks for a pupil who leaves school for an authorised appointment and comes back.

The codes are the Department for Education's, in force since August 2024 ("Working together to improve
school attendance", the 2024 attendance codes). A register is taken at the start of each session (morning
and afternoon); its mark says where the pupil was at registration:

- registered present, then out and back within the session: the register mark stands ("/" in the morning,
  "\\" in the afternoon);
- a session whose registration the pupil misses for the appointment: M (medical or dental appointment);
- B is "educated off site (supervised educational activity)": never suggested for therapy;
- C is a leave of absence the headteacher grants for exceptional circumstances.

The person recording (the attendance lead) decides; `suggest_mark` only suggests, with why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

#: the codes offered when a pupil comes back, in the order offered, with their meaning in words
MARKS: dict[str, str] = {
    "/": "present (morning): the register mark stands",
    "\\": "present (afternoon): the register mark stands",
    "M": "medical or dental appointment",
    "C": "leave of absence authorised for exceptional circumstances",
    "B": "educated off site (supervised educational activity)",
}
PRESENT = ("/", "\\")

#: The school's settings hold only the day's start and end; the midday split is ours: the morning session
#: ends at 12:00 and the afternoon session starts, with its registration, at 13:00 (lunch between).
MORNING_ENDS = time(12, 0)
AFTERNOON_STARTS = time(13, 0)


@dataclass(frozen=True)
class SchoolSessions:
    """The morning and afternoon sessions (start, end); each register is taken at its session's start."""

    morning: tuple[time, time]
    afternoon: tuple[time, time]

    @classmethod
    def of_day(cls, day_start: time, day_end: time) -> SchoolSessions:
        """The sessions of a school day from its start and end, split at midday (MORNING_ENDS, AFTERNOON_STARTS)."""
        return cls((day_start, max(day_start, MORNING_ENDS)), (min(AFTERNOON_STARTS, day_end), day_end))


def mark_words(code: str) -> str:
    """A code as offered: ``M (medical or dental appointment)``."""
    return f"{code} ({MARKS[code]})"


def allowed_marks_text() -> str:
    return ", ".join(["/ or \\ (present)"] + [mark_words(c) for c in MARKS if c not in PRESENT])


def suggest_mark(sessions: SchoolSessions, registered: bool, out: datetime, back: datetime) -> tuple[str, str]:
    """The mark to suggest for an appointment from ``out`` to ``back``, and why.

    ``registered``: the pupil was registered present at the registration of the session they left in
    (False when they went to the appointment without being registered). M when any session's registration
    is missed for the appointment; otherwise the register mark stands (present)."""
    day = out.date()
    parts: list[tuple[str, str, str]] = []  # (session, code, why)
    for name, (start, end), present in (("morning", sessions.morning, "/"), ("afternoon", sessions.afternoon, "\\")):
        starts, ends = datetime.combine(day, start), datetime.combine(day, end)
        if back <= starts or out >= ends:
            continue  # the appointment does not touch this session
        if out < starts:
            parts.append((name, "M", f"the {name} registration was missed for the appointment"))
        elif registered:
            parts.append((name, present, f"registered at the {name} registration"
                                         + (" and back within the session" if back <= ends else "")))
        else:
            parts.append((name, "M", f"not registered at the {name} registration: away for the appointment"))
    if not parts:
        present = "/" if out.time() < MORNING_ENDS else "\\"
        return present, "the register mark stands (present): the pupil was out between sessions"
    missed = [p for p in parts if p[1] == "M"]
    if not missed:
        code = parts[-1][1]
        return code, f"the register mark stands (present, {code}): " + "; ".join(why for _n, _c, why in parts)
    if len(missed) == len(parts):
        if len(parts) == 2:
            return "M", "M for both sessions: the morning and afternoon were missed for the appointment"
        return "M", f"M ({MARKS['M']}): {missed[0][2]}"
    return "M", "; ".join(
        f"{name}: the register mark stands (present, {code})" if code != "M" else f"{name}: M ({why})"
        for name, code, why in parts)
