"""The keyring door: PostgreSQL passwords are kept there, and a missing keyring is said plainly."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from fairfields_desktop.app import keyring_password_source, remember_database_password
from fairfields_desktop.services.secrets import NoKeyring, SecretStore
from fairfields_desktop.store.database import normalise_url


class TestKeyring:
    def test_a_remembered_password_is_found_for_the_same_url(self, memory_keyring):
        remember_database_password("postgresql://office@server/school", "s3cret-pass")
        source = keyring_password_source()
        assert source(normalise_url("postgresql+psycopg://office@server/school")) == "s3cret-pass"
        assert source(normalise_url("postgresql+psycopg://office@server/other")) is None

    def test_with_no_keyring_the_message_says_what_to_do(self):
        keyring.set_keyring(fail.Keyring())
        store = SecretStore()
        assert not store.available
        with pytest.raises(NoKeyring, match="PGPASSWORD"):
            store.set("db:x", "y")
        with pytest.raises(NoKeyring, match="no usable keyring"):
            remember_database_password("postgresql://office@server/school", "pw")

    def test_with_no_keyring_the_password_is_asked_for(self):
        keyring.set_keyring(fail.Keyring())
        asked = []
        source = keyring_password_source(lambda prompt: asked.append(prompt) or "typed")
        assert source(normalise_url("postgresql://office@server/school")) == "typed"
        assert asked and "office@server/school" in asked[0]
