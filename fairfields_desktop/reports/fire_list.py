"""The fire list (landscape): everyone on site now, visitors of every kind and professionals, each with a box
to tick at the assembly point; the pupils off site, with where they are; and what the list says of staff.

The figures are `VisitorService.fire_list`'s, the same the Visitors tab shows: this module lays them out.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from reportlab.platypus import Flowable

from ..services.visitors import FireList
from ._common import clock, moment, notice, or_dash
from .template import Printing, build, frame_width, table, text

WIDE = True
WIDTH = frame_width(WIDE)
TICK = "\u2610"  # an empty box to tick


def title_of(data: FireList) -> str:
    return f"Fire list, {moment(data.at)}"


def render(data: FireList, out: str | Path | IO[bytes], printing: Printing) -> None:
    """Write the fire list of ``data`` as a landscape PDF to ``out``."""
    title = title_of(data)
    people = len(data.on_site)
    story: list[Flowable] = [
        text(title, "Title"),
        text(f"{data.school}: everyone signed in and not yet out at {clock(data.at)} ({people} "
             f"{'person' if people == 1 else 'people'}), and the pupils off site "
             f"({len(data.pupils_off_site)}). Tick each person at the assembly point.", "Muted"),
        text("On site now", "H1"),
    ]
    if data.on_site:
        rows = [[TICK, p.name, p.kind_words, or_dash(p.organisation), p.where, clock(p.since), or_dash(p.badge),
                 or_dash(p.dbs)] for p in data.on_site]
        story.append(table(["Here", "Name", "Kind", "Organisation", "Where / visiting", "In since", "Badge", "DBS"],
                           rows, [0.05, 0.17, 0.14, 0.14, 0.2, 0.07, 0.08, 0.15], frame_width=WIDTH))
    else:
        story.append(text("No visitors are signed in.", "Body"))
    story.append(text("Pupils off site", "H1"))
    if data.pupils_off_site:
        rows = [[p.name, p.upn, p.where, clock(p.since), or_dash(p.taken_by)] for p in data.pupils_off_site]
        story.append(table(["Pupil", "UPN", "Where", "Out since", "Taken by"], rows,
                           [0.2, 0.15, 0.35, 0.1, 0.2], frame_width=WIDTH, bold_first=True))
    else:
        story.append(text("No pupils are off site.", "Body"))
    story.append(text("Staff", "H1"))
    story.append(notice(data.staff_note))
    build(out, story, title=title, subject="Fire list", printing=printing, wide=WIDE)
