"""Stored codes in the school's words: disciplines and the kinds of space, for every list a person sees.

The database and the dataset keep the codes (``speech_and_language_therapy``, ``therapy_room``); forms
offer the words and send back the code; a code the lists do not know (loaded from a dataset) is shown as
words made from it, and words typed that match no list become a code the same way.
"""

from __future__ import annotations

import re

DISCIPLINES = {
    "speech_and_language_therapy": "Speech and language therapy",
    "occupational_therapy": "Occupational therapy",
    "physiotherapy": "Physiotherapy",
    "music_therapy": "Music therapy",
    "art_therapy": "Art therapy",
    "play_therapy": "Play therapy",
    "educational_psychology": "Educational psychology",
    "clinical_psychology": "Clinical psychology",
    "school_nursing": "School nursing",
    "hearing_impairment_teaching": "Hearing impairment teaching",
    "visual_impairment_teaching": "Visual impairment teaching",
    "multi_sensory_impairment_teaching": "Multi-sensory impairment teaching",
    "dietetics": "Dietetics",
    "orthotics": "Orthotics",
    "social_work": "Social work",
}

SPACE_KINDS = {
    "therapy_room": "Therapy room",
    "sensory_room": "Sensory room",
    "soft_play": "Soft play",
    "pool": "Hydrotherapy pool",
    "hall": "Hall",
    "meeting_room": "Meeting room",
    "group_room": "Group room",
    "library": "Library",
    "classroom": "Classroom",
}

#: the order the office looks for shared spaces in (the day view's default): therapy rooms first, classrooms last
SHARED_FIRST = ("therapy_room", "sensory_room", "soft_play", "pool", "hall", "meeting_room", "group_room",
                "library")


def _from_code(code: str) -> str:
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def discipline_words(code: str) -> str:
    return DISCIPLINES.get(code) or _from_code(code)


def space_kind_words(code: str | None) -> str:
    if not code:
        return "Space"
    return SPACE_KINDS.get(code) or _from_code(code)


def code_from_words(text: str, known: dict[str, str]) -> str:
    """The code for words chosen or typed: a known label (any case) gives its code; other words become
    lower-case words joined by underscores ("Drama therapy" -> ``drama_therapy``)."""
    text = (text or "").strip()
    for code, label in known.items():
        if text.casefold() in (label.casefold(), code.casefold()):
            return code
    return re.sub(r"[^a-z]+", "_", text.casefold()).strip("_")


def space_kind_rank(code: str | None) -> int:
    """Shared spaces the office books most first (their order in SHARED_FIRST), then any other, classrooms last."""
    if code in SHARED_FIRST:
        return SHARED_FIRST.index(code)
    return len(SHARED_FIRST) + (1 if code == "classroom" else 0)
