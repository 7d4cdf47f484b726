"""The room timetable of a school week (landscape): a row per space, a column per weekday.

Each cell lists the day's bookings in that space, "09:30–10:15 Rachel Green · SLT: AAC programme · pupils AO"
(pupils by initials for a reader who may see them, "a pupil" otherwise, as the service gives them; a title
that names a pupil is printed as "(title to be reviewed)"; notes never); a space with nothing booked says
"free"; a day that is not a school day says why. Spaces with nothing booked that week are left out (the
service names them, and the page says so) unless every space was asked for. A space is one row of the grid,
and a row moves whole to the next page (under the repeated heading): a space is never split across pages.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import IO

from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer, Table

from ..services.reports import RoomTimetable, TimetableEntry
from ._common import day, hex_colour
from .styles import MUTED, RULE, table_style
from .template import Printing, build, frame_width, rich, text

WIDE = True
WIDTH = frame_width(WIDE)
SPACE_FRACTION = 0.13
CLOSED = colors.HexColor("#e9ecef")


def render(data: RoomTimetable, out: str | Path | IO[bytes], printing: Printing) -> None:
    """Write the timetable of ``data``'s week as a landscape PDF to ``out`` (a path or a binary file)."""
    count = data.count
    story: list[Flowable] = [
        text(f"Room timetable, week of {day(data.monday)}", "Title"),
        text(f"{data.school}: {count} booking{'s' if count != 1 else ''} this week, Monday to Friday. Pupils are "
             "shown by their initials (\u201ca pupil\u201d where you may not see who), and never named in a "
             "title.", "Muted"),
        *([text(f"Not shown, nothing booked this week: {', '.join(data.left_out)}.", "Muted")]
          if data.left_out else []),
        Spacer(1, 4),
        _grid(data),
    ]
    build(out, story, title=f"Room timetable, week of {day(data.monday)}", subject="Room timetable",
          printing=printing, wide=WIDE)


def _grid(data: RoomTimetable) -> Table:
    muted = hex_colour(MUTED)
    head: list[Flowable] = [text("Space", "CellBold")]
    for when, why in data.days:
        label = f"<b>{when:%a}</b> {escape(day(when))}"
        if why:
            label += f"<br/><font color='{muted}'>not a school day: {escape(why)}</font>"
        head.append(rich(label, "Cell"))
    spaces = list(data.spaces)
    spaces += sorted({space for space, _day in data.entries if space not in spaces})  # every booking appears
    rows = []
    for space in spaces:
        row: list[object] = [text(space, "CellBold")]
        for when, why in data.days:
            row.append(_cell(data.entries.get((space, when), ()), why))
        rows.append(row)
    day_fraction = (1 - SPACE_FRACTION) / max(1, len(data.days))
    grid = Table([head, *rows], colWidths=[SPACE_FRACTION * WIDTH] + [day_fraction * WIDTH] * len(data.days),
                 repeatRows=1, hAlign="LEFT")
    style = table_style()
    style.add("LINEAFTER", (0, 0), (-2, -1), 0.25, RULE)
    for column, (_when, why) in enumerate(data.days, start=1):
        if why:  # not a school day: the whole column greyed (the words say why)
            style.add("BACKGROUND", (column, 1), (column, -1), CLOSED)
    grid.setStyle(style)
    return grid


def _cell(entries: tuple[TimetableEntry, ...], why: str | None) -> list[Flowable]:
    if not entries:
        return [text(why or "free", "Small")]
    cell: list[Flowable] = []
    for i, entry in enumerate(entries):
        if i:
            cell.append(Spacer(1, 3))
        cell.append(rich(f"<b>{entry.start:%H:%M}–{entry.end:%H:%M}</b> {escape(entry.text)}", "Cell"))
    return cell
