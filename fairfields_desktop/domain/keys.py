"""The database key of an encrypted SQLite file, and its recovery key: the same 32 bytes written so a
person can print them, keep them in the school safe, and type them back (base32, in groups of four).

Pure functions: no keyring, no files.
"""

from __future__ import annotations

import base64
import binascii
import secrets

KEY_BYTES = 32


def new_key() -> str:
    """A fresh random database key, as 64 hex digits."""
    return secrets.token_hex(KEY_BYTES)


def recovery_key(hex_key: str) -> str:
    """The key as people write it down: 13 groups of 4 letters and digits ("ABCD-EFGH-…")."""
    text = base64.b32encode(bytes.fromhex(hex_key)).decode("ascii").rstrip("=")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def key_from_text(text: str | None) -> str | None:
    """The hex key from a recovery key or 64 hex digits as typed (spaces, dashes and case ignored);
    None when the text is neither."""
    if not text:
        return None
    compact = "".join(ch for ch in text if ch not in " -\t\r\n").upper()
    if len(compact) == 2 * KEY_BYTES:
        try:
            return bytes.fromhex(compact).hex()
        except ValueError:
            return None
    padded = compact + "=" * (-len(compact) % 8)
    try:
        raw = base64.b32decode(padded.replace("0", "O").replace("1", "I"))
    except (binascii.Error, ValueError):
        return None
    return raw.hex() if len(raw) == KEY_BYTES else None
