"""Finding pupils' names in free text (a booking's title), whatever the case, accents or apostrophes.

Folding follows the pupil search (ui/models/pupils.py `fold`): case and accents are ignored ("zoe" is
Zoë, "lukasz" is Łukasz); apostrophes too ("OBrien", "O'Brien" and "O’Brien" are one name, and "Amara
Osei's review" names Amara Osei). A name is found as whole words, first name then last name or last
name then first ("Osei, Amara"), so "Amara" alone or "Ward" in "Ward round" names nobody.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

#: letters that are not an accented form of another (so NFKD keeps them) but that people type plainly
_PLAIN = str.maketrans({"ł": "l", "ı": "i", "ø": "o", "đ": "d", "ħ": "h", "æ": "ae", "œ": "oe"})
_APOSTROPHES = "'’‘`´ʼ"
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case without accents, so "zoe" finds Zoë and "lukasz" finds Łukasz."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _word_forms(text: str) -> set[str]:
    """The text as folded words between spaces, with its apostrophes dropped and with them as a gap."""
    folded = fold(text)
    forms = set()
    for apostrophe in ("", " "):
        plain = folded
        for a in _APOSTROPHES:
            plain = plain.replace(a, apostrophe)
        forms.add(" " + " ".join(_NOT_WORD.sub(" ", plain).split()) + " ")
    return forms


def names_found(text: str | None, names: Iterable[tuple[str, str]]) -> list[str]:
    """The pupils' names (first, last) that ``text`` holds, as "First Last", in the order given."""
    if not text or not text.strip():
        return []
    haystacks = _word_forms(text)
    found: list[str] = []
    for first, last in names:
        wanted = {form for order in (f"{first} {last}", f"{last} {first}") for form in _word_forms(order)}
        wanted.discard("  ")
        if any(needle in hay for needle in wanted for hay in haystacks):
            name = f"{first} {last}"
            if name not in found:
                found.append(name)
    return found


def title_problem(title: str | None, names: Iterable[tuple[str, str]]) -> str | None:
    """Why a booking's title may not be saved (it names a pupil), in words; None when it may."""
    found = names_found(title, names)
    if not found:
        return None
    named = " and ".join(found) if len(found) < 3 else ", ".join(found[:-1]) + f" and {found[-1]}"
    return (f"the title names {named}: a title is seen by everyone who sees the timetable, so take the name out "
            "and choose the pupil from the register under Pupils instead")
