"""Encryption at rest: every SQLite file is SQLCipher-encrypted; its key lives in the keyring, else comes
from $FAIRFIELDS_DB_KEY or the person; a recovery key opens it when the keyring is lost; an unencrypted
file from an earlier version is converted, keeping the original until the copy is checked."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from fairfields_desktop.app import open_services
from fairfields_desktop.domain.errors import NotAllowed
from fairfields_desktop.domain.keys import key_from_text, recovery_key
from fairfields_desktop.store.database import is_encrypted_file

FROZEN = Path(__file__).parent.parent / "data" / "schemas" / "0005-example.db"
NAMES = (b"Amara", b"Osei", b"Chloe", b"Nowak", "Zo\u00eb".encode())


def raw_bytes(path: Path) -> bytes:
    """The file and its write-ahead log, as anyone copying them without the key would read them."""
    data = path.read_bytes()
    wal = Path(str(path) + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def fill(services, example_doc) -> None:
    services.dataset.load(example_doc)
    senco = services.auth.sign_in("mokafor", "demo-senco-2026")
    services.outcomes.add_outcome(senco, "Z319700118114", "communication_and_interaction",
                                  "Amara Osei makes choices with her AAC device")


class TestAtRest:
    def test_a_copy_of_the_file_read_without_the_key_reveals_no_pupil(self, tmp_path, example_doc):
        path = tmp_path / "school.sqlite3"
        services = open_services(f"sqlite:///{path}", today=date(2026, 11, 23))
        try:
            fill(services, example_doc)
            data = raw_bytes(path)  # the WAL still holds the latest pages: it must be encrypted too
            assert Path(str(path) + "-wal").exists()
            assert not any(name in data for name in NAMES)
            assert is_encrypted_file(path)
            with pytest.raises(sqlite3.DatabaseError):
                sqlite3.connect(path).execute("select count(*) from pupils").fetchone()
        finally:
            services.close()
        # and the app, with the key, reads it all back
        again = open_services(f"sqlite:///{path}", today=date(2026, 11, 23))
        try:
            assert again.dataset.is_empty() is False
        finally:
            again.close()

    def test_an_unencrypted_database_is_converted_when_opened(self, tmp_path):
        path = tmp_path / "old.sqlite3"
        shutil.copy(FROZEN, path)
        assert b"Amara" in path.read_bytes()  # a release before encryption: plain SQLite
        services = open_services(f"sqlite:///{path}", today=date(2026, 11, 23))
        try:
            admin = services.auth.sign_in("admin", "demo-admin-2026")
            assert [p["upn"] for p in services.dataset.dump(admin)["pupils"]][0] == "Z319700118114"
        finally:
            services.close()
        assert is_encrypted_file(path) and not any(name in raw_bytes(path) for name in NAMES)
        leftovers = [p.name for p in tmp_path.iterdir() if "encrypting" in p.name]
        assert leftovers == []
        # the copy kept before the schema upgrade is encrypted too
        kept = [p for p in tmp_path.iterdir() if ".before-" in p.name]
        assert kept and all(is_encrypted_file(p) and b"Amara" not in p.read_bytes() for p in kept)


class TestKeys:
    def test_a_new_key_lives_in_the_keyring_and_its_recovery_key_is_shown_once(self, tmp_path, monkeypatch,
                                                                             memory_keyring):
        monkeypatch.delenv("FAIRFIELDS_DB_KEY")
        path = tmp_path / "school.sqlite3"
        first = open_services(f"sqlite:///{path}")
        shown = first.new_recovery_key
        first.close()
        assert shown and len(shown.split("-")) == 13
        stored = memory_keyring.store[("Fairfields Desktop", f"dbkey:{path}")]
        assert recovery_key(stored) == shown
        second = open_services(f"sqlite:///{path}")  # the keyring opens it; nothing shown again
        assert second.new_recovery_key is None
        second.close()

        memory_keyring.store.clear()  # the keyring is lost (a rebuilt PC)
        with pytest.raises(NotAllowed, match="FAIRFIELDS_DB_KEY"):
            open_services(f"sqlite:///{path}")
        monkeypatch.setenv("FAIRFIELDS_DB_KEY", shown.lower())  # typed as it was printed, case aside
        recovered = open_services(f"sqlite:///{path}")
        recovered.close()
        assert memory_keyring.store[("Fairfields Desktop", f"dbkey:{path}")] == stored  # kept again

    def test_asked_for_when_there_is_no_key_anywhere(self, tmp_path, monkeypatch, memory_keyring):
        path = tmp_path / "school.sqlite3"
        open_services(f"sqlite:///{path}").close()  # made with the test key from the environment
        memory_keyring.store.clear()
        monkeypatch.delenv("FAIRFIELDS_DB_KEY")
        asked = []
        services = open_services(f"sqlite:///{path}",
                                 ask_key=lambda prompt: asked.append(prompt) or recovery_key("5f" * 32))
        services.close()
        assert asked and "Recovery key" in asked[0]

    def test_a_wrong_key_is_refused_plainly(self, tmp_path, monkeypatch, memory_keyring):
        path = tmp_path / "school.sqlite3"
        open_services(f"sqlite:///{path}").close()
        memory_keyring.store.clear()
        monkeypatch.setenv("FAIRFIELDS_DB_KEY", "6a" * 32)
        with pytest.raises(NotAllowed, match="key is not right"):
            open_services(f"sqlite:///{path}")
        monkeypatch.setenv("FAIRFIELDS_DB_KEY", "not a key")
        with pytest.raises(NotAllowed, match="not a database key"):
            open_services(f"sqlite:///{path}")

    def test_with_no_usable_keyring_the_key_comes_from_the_environment(self, tmp_path, monkeypatch):
        import keyring
        from keyring.backends import fail

        keyring.set_keyring(fail.Keyring())
        path = tmp_path / "school.sqlite3"
        open_services(f"sqlite:///{path}").close()  # $FAIRFIELDS_DB_KEY (the test key) made it
        monkeypatch.delenv("FAIRFIELDS_DB_KEY")
        with pytest.raises(NotAllowed, match="FAIRFIELDS_DB_KEY"):
            open_services(f"sqlite:///{path}")


def test_recovery_keys_round_trip():
    key = "0123456789abcdef" * 4
    assert key_from_text(recovery_key(key)) == key
    assert key_from_text(" " + recovery_key(key).replace("-", " ").lower()) == key
    assert key_from_text(key.upper()) == key
    assert key_from_text("ABCD-EFGH") is None and key_from_text("") is None
