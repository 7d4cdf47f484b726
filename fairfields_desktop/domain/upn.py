"""Unique pupil numbers (UPNs): the DfE's 13-character identifier with its check letter.

A permanent UPN is a check letter followed by 12 digits. A temporary UPN has the same shape but ends
in a letter; it is to be replaced by the permanent one when the DfE issues it.
"""

from __future__ import annotations

CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S
DIGITS = "0123456789"  # str.isdigit() also accepts '²' and other scripts' digits


def _is_digits(text: str) -> bool:
    return bool(text) and all(char in DIGITS for char in text)


def expected_check_letter(upn: str) -> str | None:
    """The check letter that characters 2–13 of ``upn`` call for, or None if they cannot be read."""
    if len(upn) != 13:
        return None
    body = upn[1:]
    total = 0
    for position, char in enumerate(body, start=2):
        if char in DIGITS:
            value = int(char)
        elif position == 13 and char in CHECK_ALPHABET:
            value = CHECK_ALPHABET.index(char)
        else:
            return None
        total += value * position
    return CHECK_ALPHABET[total % 23]


def is_temporary(upn: str) -> bool:
    """A temporary UPN ends in a letter instead of a digit."""
    return len(upn) == 13 and upn[-1] in CHECK_ALPHABET


def upn_problem(upn: object) -> str | None:
    """None when ``upn`` is a valid permanent or temporary UPN, else what is wrong and the fix."""
    if not isinstance(upn, str) or not upn:
        return "a UPN is required: 13 characters, a check letter then 12 digits (e.g. X319700119023)"
    if upn != upn.strip() or upn != upn.upper():
        return f"UPN {upn!r} must be 13 capital letters and digits with no spaces"
    if len(upn) != 13:
        return f"UPN {upn!r} has {len(upn)} characters; a UPN has exactly 13"
    if upn[0] not in CHECK_ALPHABET:
        return f"UPN {upn!r} must start with a check letter (A–Z without I, O or S)"
    middle = upn[1:12]
    if not _is_digits(middle):
        return f"UPN {upn!r}: characters 2 to 12 must be digits"
    last = upn[12]
    if not (last in DIGITS or last in CHECK_ALPHABET):
        return f"UPN {upn!r} must end in a digit (permanent) or a letter (temporary)"
    expected = expected_check_letter(upn)
    if expected != upn[0]:
        return (
            f"UPN {upn!r} has the check letter {upn[0]} but its digits call for {expected}: "
            "check the UPN against the MIS"
        )
    return None
