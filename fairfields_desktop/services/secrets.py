"""Secrets through one door: the operating system's keyring, refused when it is not a real one.

keyring's `fail` and `null` backends (and the plaintext ones) count as no keyring; the message then
says what to do instead. Tests swap in an in-memory backend with `keyring.set_keyring`.
"""

from __future__ import annotations

import logging

from ..domain.errors import NotAllowed
from ..store.database import KEY_VARIABLE as KEY_VARIABLE  # where a database key is given: for the window

log = logging.getLogger(__name__)

SERVICE = "Fairfields Desktop"
UNUSABLE_BACKENDS = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt.file")


class NoKeyring(NotAllowed):
    """There is no usable keyring on this computer."""


class SecretStore:
    def __init__(self, service: str = SERVICE) -> None:
        self.service = service

    def _backend(self):
        import keyring

        backend = keyring.get_keyring()
        parts = getattr(backend, "backends", None) or [backend]  # a chainer holds several
        if all(type(b).__module__.startswith(UNUSABLE_BACKENDS) for b in parts):
            raise NoKeyring(
                "this computer has no usable keyring (system password store) to keep secrets in: "
                "on a desktop, sign in to its keyring (Windows Credential Manager, macOS Keychain, "
                "GNOME Keyring or KWallet); on a server use PGPASSWORD or ~/.pgpass for PostgreSQL"
            )
        return backend

    @property
    def available(self) -> bool:
        try:
            self._backend()
        except NoKeyring:
            return False
        return True

    def get(self, key: str) -> str | None:
        from keyring.errors import KeyringError

        backend = self._backend()
        try:
            return backend.get_password(self.service, key)
        except KeyringError as exc:
            raise NoKeyring(f"the keyring could not be read ({exc}): unlock it and try again") from exc

    def set(self, key: str, secret: str) -> None:
        from keyring.errors import KeyringError

        backend = self._backend()
        try:
            backend.set_password(self.service, key, secret)
        except KeyringError as exc:
            raise NoKeyring(f"the keyring could not store the secret ({exc}): unlock it and try again") from exc


def database_key(url_without_password: str) -> str:
    """The keyring entry name for a database URL's password."""
    return f"db:{url_without_password}"
