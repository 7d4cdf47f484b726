"""The EHCP annual review pack: a pupil's finished figures, section by section, for the review's invitees
or (with a notice of what was left out) for someone whose consent covers only part of it.

A section appears only when its field in the :class:`ReviewPack` is not None: None means consent does not
allow it, or (preparing for adulthood) the pupil is not yet in Year 9, when the pack does not mention it
at all. Other pupils in a group session are counted, never named.
"""

from __future__ import annotations

from datetime import date
from html import escape
from math import ceil, floor
from pathlib import Path
from typing import IO

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, ListFlowable, ListItem, Spacer, Table

from ..domain.professionals import KIND_LABELS
from ..domain.sharing import others_text
from ..services.outcomes import Outcome, Target
from ..services.reports import Authorisation, ReviewPack
from ._common import day, facts, hyphenated, lines, met, moment, notice, or_dash, pounds, rule_label, state_words
from .styles import ACCENT, FONT, INK, MUTED, RULE, WARN, stylesheet, table_style
from .template import Printing, build, frame_width, rich, table, text

WIDTH = frame_width(False)
CHART_SIZE = (160 * mm, 60 * mm)
LATEST_NOTES = 2  # progress notes quoted per target (the count says how many there are)


def render(data: ReviewPack, out: str | Path | IO[bytes], printing: Printing) -> None:
    """Write the review pack of ``data`` as a PDF to ``out`` (a path or a binary file)."""
    story: list[Flowable] = []
    story += _cover(data)
    story += _audience(data)
    story += _invitees(data)
    if data.views_included:
        story += _views(data)
    if data.team is not None:
        story += _team(data)
    if data.provision is not None:
        story += _provision(data)
    if data.authorisations is not None:
        story += _authorisations(data.authorisations)
    if data.advice is not None:
        story += _advice(data)
    if data.attendance is not None:
        story += _attendance(data)
    if data.outcomes is not None:
        story += _outcomes(data.outcomes)
    if data.budget is not None:
        story += _budget(data)
    if data.adulthood is not None:
        story += _adulthood(data.adulthood)
    if data.amendments_included:
        story += _amendments(data)
    story += _agenda(data)
    build(out, story, title=f"Review pack: {data.pupil}", subject="EHCP annual review", printing=printing)


# --- sections ----------------------------------------------------------------------------------------
def _cover(data: ReviewPack) -> list[Flowable]:
    pairs: list[tuple[str, object]] = [
        ("Pupil", data.pupil), ("Class", data.class_name), ("Year group", data.year_label),
        ("Date of birth", day(data.date_of_birth)), ("EHCP issued", day(data.ehcp_issued, "not recorded")),
        ("Last review", day(data.last_review, "none recorded")), ("Review meeting", data.review_when),
        ("Next review due", day(data.next_due, "not recorded")),
    ]
    if data.areas is not None:
        pairs.append(("Areas of need", lines(data.areas) if data.areas else "none recorded"))
    pairs.append(("Key worker", data.key_worker or "none named"))
    if data.looked_after is not None:
        authority, social_worker = data.looked_after
        pairs.append(("Looked after", f"yes: {authority or 'local authority not recorded'}"))
        pairs.append(("Social worker", social_worker or "not recorded"))
    return [text(data.school, "Subtitle"), text("EHCP annual review pack", "Title"), text(data.pupil, "H1"),
            facts(pairs, WIDTH, 0.25), Spacer(1, 4 * mm)]


def _audience(data: ReviewPack) -> list[Flowable]:
    story: list[Flowable] = [rich(f"<b>Prepared for:</b> {escape(data.audience)}")]
    if not data.whole and data.left_out:
        when = f" on {day(data.shared_on)}" if data.shared_on else ""
        story.append(notice(f"Some information has been left out: only what a consent in force{when} allows is "
                            f"shared with {data.audience}. What was left out, and why:"))
        story.append(ListFlowable([ListItem(text(f"Left out: {what} — {why}."), value="-")
                                   for what, why in data.left_out],
                                  bulletType="bullet", start="–", leftIndent=12, bulletFontName=FONT))
        story.append(Spacer(1, 2 * mm))
    return story


def _invitees(data: ReviewPack) -> list[Flowable]:
    story: list[Flowable] = [text("Invited to the review", "H1")]
    if data.invitees_left_out:
        story.append(text("The list of those invited is left out of this copy: consent in force does not allow "
                          "it to be shared (see above).", "Muted"))
    elif data.invitees:
        story.append(table(["Invited as", "Name"], [list(i) for i in data.invitees], [0.4, 0.6], frame_width=WIDTH))
    else:
        story.append(text("No one has been invited yet.", "Muted"))
    return story


def _views(data: ReviewPack) -> list[Flowable]:
    story: list[Flowable] = [text("Views of the child and of the parents", "H1")]
    for heading, words in (("The child's views", data.child_views), ("The parents' views", data.parent_views)):
        story.append(text(heading, "H2"))
        story.append(text(words) if words and words.strip() else text("not yet recorded", "Muted"))
    return story


def _team(data: ReviewPack) -> list[Flowable]:
    story: list[Flowable] = [text("Team around the child", "H1")]
    if not data.team:
        return story + [text("No professionals are recorded as working with the pupil.", "Muted")]
    rows = [[t.name, hyphenated(KIND_LABELS.get(t.kind, t.kind)), t.discipline, or_dash(t.organisation),
             or_dash(t.contact),
             or_dash(t.involvement)] for t in data.team]
    story.append(table(["Name", "Kind", "Discipline", "Organisation", "Contact", "Involvement"], rows,
                       [0.17, 0.13, 0.15, 0.15, 0.24, 0.16], frame_width=WIDTH, bold_first=True))
    return story


def _provision(data: ReviewPack) -> list[Flowable]:
    head: list[Flowable] = [text("Provision delivered", "H1")]
    if data.provision_since is None:
        head.append(text("There is no EHCP or last review date to count the sessions from.", "Muted"))
    else:
        head.append(text(f"Sessions since the last review (or the EHCP, when there has been none): "
                         f"{day(data.provision_since)} to {day(data.provision_until)}."))
    if not data.provision:
        return head + [text("No sessions with a service are recorded in this period.", "Muted")]
    rows = []
    for line in data.provision:
        reasons = ", ".join(f"{count} {reason}" for reason, count in line.not_delivered.items() if count)
        rows.append([rich(f"<b>{escape(line.professional)}</b><br/>{escape(line.discipline)}", "Cell"),
                     hyphenated(KIND_LABELS.get(line.kind, line.kind)), str(line.planned), str(line.delivered),
                     reasons or "none", str(line.not_marked)])
    grid = table(["Service", "Kind", "Planned", "Delivered", "Not delivered", "Not yet marked"], rows,
                 [0.26, 0.13, 0.1, 0.12, 0.26, 0.13], frame_width=WIDTH)
    story: list[Flowable] = [KeepTogether([*head, grid])]
    notes = [f"{line.professional}: in group sessions {data.pupil} was {others_text(line.largest_group)} at most."
             for line in data.provision if line.largest_group > 0]
    for note in notes:
        story.append(text(note, "Small"))
    return story


def _authorisations(authorisations: tuple[Authorisation, ...]) -> list[Flowable]:
    story: list[Flowable] = [text("Independent-therapy authorisations", "H1")]
    if not authorisations:
        return story + [text("No independent therapy has been requested.", "Muted")]
    for auth in authorisations:
        story.append(text(f"{auth.ref}: {auth.professional}", "H2"))
        story.append(rich(f"<b>Period:</b> {escape(auth.period)} &nbsp;&nbsp; "
                          f"<b>Status:</b> {escape(state_words(auth.status))}"))
        story.append(table(["Rule", "Met", "Detail"],
                           [[rule_label(rule), met(ok), detail] for rule, ok, detail in auth.rules],
                           [0.22, 0.12, 0.66], frame_width=WIDTH))
        story.append(Spacer(1, 2 * mm))
        if auth.decisions:
            story.append(table(["Date", "Who", "Action", "Reason"],
                               [[moment(at), by, action, or_dash(reason)] for at, by, action, reason in auth.decisions],
                               [0.2, 0.16, 0.16, 0.48], frame_width=WIDTH))
        else:
            story.append(text("No decision yet.", "Muted"))
        if auth.overrides:
            story.append(Spacer(1, 2 * mm))
            story.append(table(["Rule overridden", "Reason", "By", "When"],
                               [[rule_label(rule), reason, by, moment(at)] for rule, reason, by, at in auth.overrides],
                               [0.2, 0.44, 0.16, 0.2], frame_width=WIDTH))
    return story


def _advice(data: ReviewPack) -> list[Flowable]:
    story: list[Flowable] = [text("Advice and reports", "H1")]
    if not data.advice:
        return story + [text("No advice or reports have been requested.", "Muted")]
    rows = [[a.professional, a.what, day(a.requested_on), day(a.due), day(a.received_on, "not yet"), a.state]
            for a in data.advice]
    story.append(table(["Professional", "For", "Requested", "Due", "Received", "State"], rows,
                       [0.2, 0.17, 0.14, 0.14, 0.14, 0.21], frame_width=WIDTH, bold_first=True))
    return story


def _attendance(data: ReviewPack) -> list[Flowable]:
    story: list[Flowable] = [text("Attendance", "H1")]
    history = data.attendance or ()
    threshold = data.attendance_threshold
    if not history:
        return story + [text("No attendance figures are recorded.", "Muted")]
    on, current = history[-1]
    side = "at or above" if current >= threshold else "below"
    story.append(rich(f"Attendance is <b>{current:.1f}%</b> ({escape(day(on))}), {side} the school's threshold of "
                      f"{threshold:.1f}%."))
    if len(history) == 1:
        story.append(text("One figure recorded.", "Muted"))
    chart = _attendance_chart(history, threshold)
    grid = table(["Date", "Attendance"], [[day(d), f"{p:.1f}%"] for d, p in reversed(history)], [0.16, 0.14],
                 frame_width=WIDTH)
    story.append(KeepTogether([chart, text(f"Solid line: attendance; dashed line: the school's threshold of "
                                           f"{threshold:.1f}%.", "Small")]))
    story.append(grid)
    return story


def _attendance_chart(history: tuple[tuple[date, float], ...], threshold: float) -> Drawing:
    """Attendance over time (oldest first) against the threshold, ~160×60 mm."""
    width, height = CHART_SIZE
    drawing = Drawing(width, height)
    xs = [d.toordinal() for d, _p in history]
    low, high = min(xs), max(xs)
    if low == high:  # one figure: a point in the middle of a fortnight
        low, high = low - 7, high + 7
    values = [p for _d, p in history] + [threshold]
    bottom = max(0, floor((min(values) - 2) / 5) * 5)
    top = min(100, max(bottom + 5, ceil((max(values) + 1) / 5) * 5))

    plot = LinePlot()
    plot.x, plot.y = 16 * mm, 9 * mm
    plot.width, plot.height = width - 30 * mm, height - 17 * mm
    plot.data = [[(d.toordinal(), p) for d, p in history], [(low, threshold), (high, threshold)]]
    plot.joinedLines = 1
    plot.lines[0].strokeColor = ACCENT
    plot.lines[0].strokeWidth = 1.5
    plot.lines[0].symbol = makeMarker("FilledCircle", size=5, fillColor=ACCENT, strokeColor=ACCENT)
    plot.lines[1].strokeColor = WARN
    plot.lines[1].strokeWidth = 1
    plot.lines[1].strokeDashArray = (4, 3)
    plot.lines[1].symbol = None

    step = max(1, ceil(len(xs) / 6))
    ticks = sorted(set(xs[::step]) | {xs[-1]})
    axis = plot.xValueAxis
    axis.valueMin, axis.valueMax, axis.valueSteps = low, high, ticks
    axis.labelTextFormat = lambda v: day(date.fromordinal(round(v)))
    axis.labels.fontName, axis.labels.fontSize, axis.labels.fillColor = FONT, 6.5, MUTED
    axis.labels.dy = -4
    axis.strokeColor = RULE
    yaxis = plot.yValueAxis
    yaxis.valueMin, yaxis.valueMax, yaxis.valueStep = bottom, top, 5 if top - bottom <= 30 else 10
    yaxis.labelTextFormat = "%d%%"
    yaxis.labels.dx = -3
    yaxis.labels.fontName, yaxis.labels.fontSize, yaxis.labels.fillColor = FONT, 6.5, MUTED
    yaxis.strokeColor = RULE
    yaxis.visibleGrid = 1
    yaxis.gridStrokeColor = RULE
    yaxis.gridStrokeWidth = 0.25
    drawing.add(plot)

    # a small key in the top right corner
    right = width - 2 * mm
    key_y = height - 4 * mm
    drawing.add(Line(right - 62 * mm, key_y + 1, right - 56 * mm, key_y + 1, strokeColor=ACCENT, strokeWidth=1.5))
    drawing.add(String(right - 55 * mm, key_y - 1, "attendance", fontName=FONT, fontSize=6.5, fillColor=INK))
    drawing.add(Line(right - 33 * mm, key_y + 1, right - 27 * mm, key_y + 1, strokeColor=WARN, strokeWidth=1,
                     strokeDashArray=(4, 3)))
    drawing.add(String(right - 26 * mm, key_y - 1, f"threshold {threshold:.1f}%", fontName=FONT, fontSize=6.5,
                       fillColor=INK))
    return drawing


def _outcomes(outcomes: tuple[Outcome, ...]) -> list[Flowable]:
    story: list[Flowable] = [text("Outcomes and progress", "H1")]
    if not outcomes:
        return story + [text("No outcomes are recorded.", "Muted")]
    area = None
    for outcome in outcomes:
        if outcome.area_text != area:
            area = outcome.area_text
            story.append(text(area, "H2"))
        story.append(rich(f"<b>Outcome:</b> {escape(outcome.text)} <font color='#4a4a4a'>({escape(outcome.status)}, "
                          f"set {escape(day(outcome.set_on))})</font>"))
        if outcome.targets:
            story.append(table(["Target", "Set by", "Programme", "Strategy", "Progress notes"],
                               [_target_row(t) for t in outcome.targets], [0.24, 0.13, 0.15, 0.18, 0.3],
                               frame_width=WIDTH))
        else:
            story.append(text("No targets set yet.", "Muted"))
        story.append(Spacer(1, 2 * mm))
    return story


def _target_row(target: Target) -> list[object]:
    head = rich(f"{escape(target.text)}<br/><font color='#4a4a4a'>{escape(target.status)}, set "
                f"{escape(day(target.set_on))}</font>", "Cell")
    notes = target.progress
    if notes:
        latest = notes[-LATEST_NOTES:]
        words = [f"{len(notes)} note{'s' if len(notes) != 1 else ''}" + ("; the latest:" if len(notes) > 1 else ":")]
        words += [f"{day(p.on)}, {p.by}: {p.note or ''}{'' if p.delivered else ' (session not delivered)'}".strip()
                  for p in reversed(latest)]
        progress: object = lines(words)
    else:
        progress = "no notes yet"
    return [head, or_dash(target.professional), or_dash(target.programme), or_dash(target.strategy), progress]


def _budget(data: ReviewPack) -> list[Flowable]:
    reference, amount, words = data.budget or (None, None, None)
    return [text("Personal budget and direct payments", "H1"),
            facts([("Reference", reference or "none recorded"), ("Annual amount", pounds(amount)),
                   ("The review's words", words or "not yet recorded")], WIDTH, 0.25)]


def _adulthood(areas: tuple[str, ...]) -> list[Flowable]:
    story: list[Flowable] = [text("Preparing for adulthood", "H1"),
                             text("The four areas to discuss at the review, with space to note the discussion.")]
    rows = [[text(a, "CellBold"), ""] for a in areas]
    grid = Table([[text("Area", "CellBold"), text("Notes from the discussion", "CellBold")], *rows],
                 colWidths=[0.32 * WIDTH, 0.68 * WIDTH], rowHeights=[None] + [22 * mm] * len(rows), hAlign="LEFT")
    style = table_style(stripes=False)
    style.add("LINEAFTER", (0, 0), (0, -1), 0.25, RULE)
    grid.setStyle(style)
    return story + [grid]


def _amendments(data: ReviewPack) -> list[Flowable]:
    words = data.amendments
    return [text("Proposed amendments", "H1"),
            text(words) if words and words.strip() else text("None proposed yet.", "Muted")]


def _agenda(data: ReviewPack) -> list[Flowable]:
    body = stylesheet()["Body"]
    items = [ListItem(text(item), value=i) for i, item in enumerate(data.agenda, start=1)]
    return [KeepTogether([text("Meeting agenda", "H1"),
                          ListFlowable(items, bulletType="1", bulletFormat="%s.", bulletFontName=FONT,
                                       bulletFontSize=body.fontSize, leftIndent=14, bulletDedent=14)])]
