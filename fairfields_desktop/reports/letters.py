"""The letter to the family about an event of a request for independent therapy: a decision, a review
meeting, a session moved or cancelled for a statutory service.

Each letter is written from the event itself (its date, its reason, what it did), on the school's
letterhead, signed by who decided. Plain words, no identifiers: the letter never carries a UPN (the DTO has
none) nor anything about another pupil. `body` gives the letter's words as plain text, kept with the event
when the letter is printed or saved.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import IO

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, ListFlowable, ListItem, Paragraph, Spacer, Table, TableStyle

from ..services.reports import DecisionLetter
from ._common import day
from .styles import FONT, MUTED, RULE, stylesheet
from .template import Printing, build, frame_width, rich, text

#: a paragraph of plain text, or a list of points (bullets)
Block = str | tuple[str, ...]

#: what the letter is about, for the PDF's subject
SUBJECTS = {
    "approved": "the sessions are agreed", "declined": "the request is declined",
    "suspended": "the sessions are suspended", "review meeting": "the review meeting",
    "reinstated": "the sessions restart", "extended": "the sessions are extended", "ended": "the sessions have ended",
    "session moved": "a session has moved", "session cancelled": "a session is cancelled",
}


def render(data: DecisionLetter, out: str | Path | IO[bytes], printing: Printing) -> None:
    """Write the letter of ``data`` as a PDF to ``out`` (a path or a binary file)."""
    story: list[Flowable] = [_letterhead(data), Spacer(1, 6 * mm), text(day(printing.printed_at), "Letter"),
                             Spacer(1, 2 * mm), text(_greeting(data), "Letter"),
                             rich(f"<b>{escape(_heading(data))}</b>", "Letter")]
    for block in body_blocks(data):
        story.append(_bullets(block) if isinstance(block, tuple) else text(block, "Letter"))
    question, farewell = _closing(data)
    story += [text(question, "Letter"),
              KeepTogether([text(farewell, "Letter"), Spacer(1, 12 * mm),
                            *[text(line, "LetterSign") for line in _signature(data)]])]
    build(out, story, title=f"Letter about {data.pupil}'s therapy sessions",
          subject=f"Independent therapy: {SUBJECTS.get(data.decision, data.decision)}", printing=printing)


def body(data: DecisionLetter) -> str:
    """The letter's words as plain text (what is kept with the event when the letter is sent)."""
    lines = [_greeting(data), "", _heading(data), ""]
    for block in body_blocks(data):
        if isinstance(block, tuple):
            lines += [f"• {_sentence(item)}" for item in block]
        else:
            lines.append(block)
        lines.append("")
    lines += [*_closing(data), "", *_signature(data)]
    return "\n".join(lines)


def body_blocks(data: DecisionLetter) -> list[Block]:
    """What the letter says about its event, paragraph by paragraph."""
    pupil, pro = data.pupil, data.professional
    on = day(data.decided_on)
    kind = data.decision
    if kind == "approved":
        return [f"I am pleased to tell you that on {on} the school agreed to {pupil}'s sessions with {pro}.",
                f"The sessions will run from {data.period}: {data.sessions}.",
                "We will let you know if a session has to move, for example because of a school event."]
    if kind == "declined":
        return [f"Thank you for asking for {pupil} to have sessions with {pro} ({data.sessions}, {data.period}). "
                f"On {on} the school looked at the request carefully.",
                "The headteacher was not able to agree to the sessions because:",
                data.reasons or ("the request did not meet the school's policy",),
                "If things change, you are welcome to ask again, and we will be glad to talk it through with you."]
    if kind == "suspended":
        blocks: list[Block] = [f"I am writing to let you know that on {on} the school suspended {pupil}'s sessions "
                               f"with {pro}."]
        if data.reasons:
            blocks += ["The reason is:", data.reasons]
        if data.cancelled:
            blocks.append(f"The {_count(data.cancelled)} booked from that day will not take place for now.")
        blocks.append("Before the sessions can restart, we would like to hold a review meeting with you and the "
                      "professionals involved, to agree together how the sessions can go on. Please contact the "
                      "school office to arrange it.")
        return blocks
    if kind == "review meeting":
        blocks = [f"On {day(data.held_on or data.decided_on)} a review meeting was held about {pupil}'s sessions "
                  f"with {pro}, which were suspended."]
        if data.outcome:
            blocks += ["The meeting agreed:", (data.outcome,)]
        blocks.append("The sessions stay suspended until the headteacher has decided, in the light of the "
                      "meeting, whether they can restart. We will write to you again as soon as that is decided.")
        return blocks
    if kind == "reinstated":
        blocks = [f"I am pleased to tell you that on {on}, after the review meeting, the school agreed that "
                  f"{pupil}'s sessions with {pro} can restart."]
        if data.restart_on is not None:
            blocks.append(f"The sessions restart from {day(data.restart_on)} ({data.times}) and run until "
                          f"{day(data.last_on)}.")
        else:
            blocks.append(f"There are no sessions left to restart before the agreement ends on {day(data.last_on)}.")
        if data.not_rebooked:
            blocks += ["These sessions could not be booked again:", data.not_rebooked,
                       "We are sorry about this; the school office will talk to you about them."]
        if data.reasons:
            blocks += ["In the headteacher's words:", data.reasons]
        return blocks
    if kind == "extended":
        blocks = [f"I am pleased to tell you that on {on} the school agreed to extend {pupil}'s sessions with {pro}."]
        blocks.append(f"The sessions will now continue until {day(data.until)}: {data.times}." if data.until else
                      f"The sessions will continue: {data.times}.")
        if data.reasons:
            blocks += ["The extension was agreed because:", data.reasons]
        blocks.append("We will let you know if a session has to move, for example because of a school event.")
        return blocks
    if kind == "ended":
        blocks = [f"I am writing to let you know that {pupil}'s sessions with {pro} in the school day ended on "
                  f"{on}."]
        if data.reasons:
            blocks += ["The reason is:", data.reasons]
        blocks.append(f"There will be no more sessions with {pro} in the school day"
                      + (f": the {_count(data.cancelled)} still booked after that day have been cancelled."
                         if data.cancelled else "."))
        blocks.append("If you would like to ask for sessions again in future, please talk to the school first.")
        return blocks
    if kind in ("session moved", "session cancelled"):
        blocks = [f"I am writing to let you know about a change to {pupil}'s sessions with {pro}."]
        if data.change:
            blocks.append(data.change)
        blocks.append("The other sessions are not affected." if kind == "session moved" else
                      "The other sessions go ahead as planned. We are sorry for the change.")
        return blocks
    return [f"On {on}: {kind}."]


def _letterhead(data: DecisionLetter) -> Flowable:
    """The school's name on the left; its address and telephone on the right; a rule below."""
    sheet = stylesheet()
    small = ParagraphStyle("Letterhead", parent=sheet["Body"], fontSize=9, leading=11.5, alignment=TA_RIGHT,
                           textColor=MUTED, spaceAfter=0)
    lines = [escape(line) for line in data.address]
    if data.telephone:
        lines.append(f"Telephone {escape(data.telephone)}")
    width = frame_width()
    cells = [[Paragraph(escape(data.school), sheet["Title"]), Paragraph("<br/>".join(lines), small)]]
    head = Table(cells, colWidths=[width * 0.55, width * 0.45])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                              ("LINEBELOW", (0, 0), (-1, 0), 0.75, RULE)]))
    return head


def _greeting(data: DecisionLetter) -> str:
    return f"Dear {' and '.join(data.to) or 'Parent or carer'},"


def _heading(data: DecisionLetter) -> str:
    return f"About {data.pupil}'s sessions with {data.professional} ({data.discipline})"


def _closing(data: DecisionLetter) -> list[str]:
    call = f", telephone {data.telephone}" if data.telephone else ""
    return [f"If you have any questions, please contact the school office{call}.", "Yours sincerely,"]


def _signature(data: DecisionLetter) -> list[str]:
    return [data.signatory, data.signatory_role or f"on behalf of {data.school}",
            *([data.school] if data.signatory_role else [])]


def _count(n: int) -> str:
    return f"{n} session{'s' if n != 1 else ''}"


def _bullets(items: tuple[str, ...]) -> ListFlowable:
    style = stylesheet()["Letter"]
    entries = [ListItem(text(_sentence(item), "Letter"), value="•") for item in items]
    return ListFlowable(entries, bulletType="bullet", start="•", bulletFontName=FONT, bulletFontSize=style.fontSize,
                        leftIndent=18, bulletDedent=12)


def _sentence(words: str) -> str:
    words = words.strip()
    return words[:1].upper() + words[1:] if words else words
