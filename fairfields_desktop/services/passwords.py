"""Password hashing: scrypt with a random salt (stdlib), parameters stored in the hash; temporary passwords.

`$FAIRFIELDS_HASH_COST=test` lowers the cost for the test suite only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

PRODUCTION_N = 2**15
TEST_N = 2**4
R, P = 8, 1
MAXMEM = 128 * 1024 * 1024


def _cost() -> int:
    return TEST_N if os.environ.get("FAIRFIELDS_HASH_COST") == "test" else PRODUCTION_N


def hash_password(password: str) -> str:
    n = _cost()
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=R, p=P, maxmem=MAXMEM, dklen=32)
    encode = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return f"scrypt${n}${R}${P}${encode(salt)}${encode(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), maxmem=MAXMEM, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)



# no 0/o, 1/l/i: a temporary password is read out or copied from the screen by hand
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_password(groups: int = 3, size: int = 4) -> str:
    """A random temporary password easy to read out, e.g. ``k7fq-m3xp-w9ha`` (14 characters, ~74 bits)."""
    return "-".join("".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(size)) for _ in range(groups))
