"""Shared fixtures: a private home folder, an in-memory keyring, SQLite and PostgreSQL databases.

PostgreSQL tests use `$FAIRFIELDS_TEST_PG` (default: postgres on 127.0.0.1:5432) and a database of
their own, dropped afterwards. They skip when no server answers, except under CI, where they fail.
"""

from __future__ import annotations

import copy
import json
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["FAIRFIELDS_HASH_COST"] = "test"
for _name in ("FAIRFIELDS_DB", "FAIRFIELDS_PASSWORD", "FAIRFIELDS_TODAY"):
    os.environ.pop(_name, None)

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
TODAY = date(2026, 11, 23)
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

PASSWORDS = {
    "hcarter": "demo-head-2026",
    "mokafor": "demo-senco-2026",
    "sbrown": "demo-office-2026",
    "ttaylor": "demo-teacher-2026",
    "admin": "demo-admin-2026",
}


class MemoryKeyring:
    """An in-memory keyring backend: tests never touch the real keychain."""

    priority = 1

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


#: every test database is encrypted with this key (child processes inherit it through the environment);
#: tests of the keyring and recovery paths remove it
TEST_DB_KEY = "5f" * 32


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory, monkeypatch) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("FAIRFIELDS_HOME", str(home))
    monkeypatch.setenv("FAIRFIELDS_DB_KEY", TEST_DB_KEY)
    return home


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch) -> MemoryKeyring:
    import keyring
    from keyring.backend import KeyringBackend

    class Backend(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.memory = MemoryKeyring()

        def get_password(self, service, username):
            return self.memory.get_password(service, username)

        def set_password(self, service, username, password):
            self.memory.set_password(service, username, password)

        def delete_password(self, service, username):
            self.memory.delete_password(service, username)

    backend = Backend()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend.memory
    keyring.set_keyring(previous)


@pytest.fixture
def example_doc() -> dict:
    return copy.deepcopy(json.loads((DATA / "example-school.json").read_text(encoding="utf-8")))


@pytest.fixture
def demo_doc() -> dict:
    return json.loads((ROOT / "resources" / "demo-school.json").read_text(encoding="utf-8"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'school.sqlite3'}"


def _pg_admin_url() -> str:
    return os.environ.get("FAIRFIELDS_TEST_PG") or PG_DEFAULT


@pytest.fixture(scope="session")
def pg_admin_engine():
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except OperationalError as exc:
        engine.dispose()
        message = f"PostgreSQL does not answer at {_pg_admin_url()}: {str(exc.orig).strip()}"
        if os.environ.get("CI"):
            pytest.fail(message + " (under CI the PostgreSQL tests must run)")
        pytest.skip(message)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_admin_engine) -> Iterator[str]:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = f"fairfields_test_{uuid.uuid4().hex[:12]}"
    with pg_admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(_pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    yield url
    with pg_admin_engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def open_school() -> Iterator[Callable]:
    """Open services on a URL (upgraded to head), closing them after the test."""
    from fairfields_desktop.app import open_services

    opened = []

    def make(url: str, today: date | None = TODAY):
        services = open_services(url, today=today)
        opened.append(services)
        return services

    yield make
    for services in opened:
        services.close()


@pytest.fixture
def school(open_school, db_url, example_doc):
    """Services on a database (SQLite and PostgreSQL) holding the example school."""
    services = open_school(db_url)
    services.dataset.load(example_doc)
    return services


@pytest.fixture
def sqlite_school(open_school, sqlite_url, example_doc):
    services = open_school(sqlite_url)
    services.dataset.load(example_doc)
    return services


@pytest.fixture
def actor() -> Callable:
    """``actor(services, "admin")``: the demo user signed in with their demo password."""

    def sign_in(services, username: str):
        return services.auth.sign_in(username, PASSWORDS[username])

    return sign_in
