"""The letter to the family about the headteacher's decision on a request for independent therapy.

Plain words, no identifiers: the letter never carries a UPN (the DTO has none) nor anything about another
pupil.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import IO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, ListFlowable, ListItem, Spacer

from ..services.reports import DecisionLetter
from ._common import day
from .styles import FONT, stylesheet
from .template import Printing, build, rich, text


def render(data: DecisionLetter, out: str | Path | IO[bytes], printing: Printing) -> None:
    """Write the letter of ``data`` as a PDF to ``out`` (a path or a binary file)."""
    pupil, pro = data.pupil, data.professional
    story: list[Flowable] = [
        text(data.school, "Title"),
        text(day(printing.printed_at), "Letter"),
        Spacer(1, 4 * mm),
        text(f"Dear {' and '.join(data.to) or 'Parent or carer'},", "Letter"),
        rich(f"<b>About {escape(pupil)}'s sessions with {escape(pro)} ({escape(data.discipline)})</b>", "Letter"),
    ]
    story += _body(data)
    story += [
        text("If you have any questions, please contact the school office.", "Letter"),
        KeepTogether([text("Yours sincerely,", "Letter"), Spacer(1, 14 * mm), text(data.signatory, "Letter"),
                      text(f"{data.signatory_role}, {data.school}" if data.signatory_role
                           else f"on behalf of {data.school}", "Letter")]),
    ]
    build(out, story, title=f"Letter about {pupil}'s therapy sessions", subject="Independent therapy: the decision",
          printing=printing)


def _body(data: DecisionLetter) -> list[Flowable]:
    pupil, pro = escape(data.pupil), escape(data.professional)
    decided = escape(day(data.decided_on))
    if data.decision == "approved":
        return [
            rich(f"I am pleased to tell you that on {decided} the school agreed to {pupil}'s sessions with {pro}.",
                 "Letter"),
            rich(f"The sessions will run from {escape(data.period)}: {escape(data.sessions)}.", "Letter"),
            text("We will let you know if a session has to move, for example because of a school event.", "Letter"),
        ]
    if data.decision == "declined":
        story: list[Flowable] = [
            rich(f"Thank you for asking for {pupil} to have sessions with {pro} ({escape(data.sessions)}, "
                 f"{escape(data.period)}). On {decided} the school looked at the request carefully.", "Letter"),
            text("The headteacher was not able to agree to the sessions because:", "Letter"),
        ]
        reasons = data.reasons or ("the request did not meet the school's policy",)
        story.append(_bullets(reasons))
        story.append(text("If things change, you are welcome to ask again, and we will be glad to talk it through "
                          "with you.", "Letter"))
        return story
    if data.decision == "suspended":
        story = [rich(f"I am writing to let you know that on {decided} the school suspended {pupil}'s sessions "
                      f"with {pro}.", "Letter")]
        if data.reasons:
            story.append(text("The reason is:", "Letter"))
            story.append(_bullets(data.reasons))
        story.append(text("Before the sessions can restart, we would like to hold a review meeting with you and the "
                          "professionals involved, to agree together how the sessions can go on. Please contact the "
                          "school office to arrange it.", "Letter"))
        return story
    return [text(f"The school's decision of {day(data.decided_on)}: {data.decision}.", "Letter")]


def _bullets(items: tuple[str, ...]) -> ListFlowable:
    style = stylesheet()["Letter"]
    entries = [ListItem(text(_sentence(item), "Letter"), value="•") for item in items]
    return ListFlowable(entries, bulletType="bullet", start="•", bulletFontName=FONT, bulletFontSize=style.fontSize,
                        leftIndent=18, bulletDedent=12)


def _sentence(words: str) -> str:
    words = words.strip()
    return words[:1].upper() + words[1:] if words else words
