"""Composition root: engine → repositories → services (→ main window, in ui.main_window)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .config import LocalSettings, default_database_url, resolve_database_url
from .domain.errors import NotAllowed
from .domain.permissions import require
from .services.context import Actor
from .services.auth import AuthService
from .services.backups import BackupService
from .services.context import Clock
from .services.advice import AdviceService
from .services.assessments import AssessmentService
from .services.audit_log import AuditService
from .services.bookings import BookingService
from .services.changes import ChangeService
from .services.dashboard import DashboardService
from .services.dataset import DatasetService
from .services.due import DueService
from .services.mis_import import MisImportService
from .services.people import PeopleService
from .services.professionals import ProfessionalService
from .services.visitors import VisitorService
from .services.pupils import PupilService
from .services.requests import RequestService
from .services.retention import RetentionService
from .services.school import DatabaseInfo, SchoolService
from .services.outcomes import OutcomeService
from .services.reports import ReportService
from .services.reviews import ReviewService
from .services.sessions import SessionService
from .services.subject_access import SubjectAccessService
from .services.users import UserService
from .services.secrets import NoKeyring, SecretStore, database_key
from .domain.keys import key_from_text, new_key, recovery_key
from .store.database import KEY_VARIABLE, Database, display_url, normalise_url, open_database, retrying
from .store.migrate import current_revision, head_revision, upgrade_to_head

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything the window and the command line call."""

    db: Database
    clock: Clock
    auth: AuthService = field(init=False)
    dataset: DatasetService = field(init=False)
    school: SchoolService = field(init=False)
    pupils: PupilService = field(init=False)
    professionals: ProfessionalService = field(init=False)
    visitors: VisitorService = field(init=False)
    people: PeopleService = field(init=False)
    mis: MisImportService = field(init=False)
    bookings: BookingService = field(init=False)
    requests: RequestService = field(init=False)
    due: DueService = field(init=False)
    dashboard: DashboardService = field(init=False)
    sessions: SessionService = field(init=False)
    advice: AdviceService = field(init=False)
    reviews: ReviewService = field(init=False)
    assessments: AssessmentService = field(init=False)
    outcomes: OutcomeService = field(init=False)
    reports: ReportService = field(init=False)
    backups: BackupService = field(init=False)
    users: UserService = field(init=False)
    audit: AuditService = field(init=False)
    subject_access: SubjectAccessService = field(init=False)
    retention: RetentionService = field(init=False)
    changes: ChangeService = field(init=False)
    kept_copy: str | None = None
    new_recovery_key: str | None = None  # a key made for a new database: show once, to be printed

    def __post_init__(self) -> None:
        self.auth = AuthService(self.db, self.clock)
        self.school = SchoolService(self.db, self.clock)
        self.pupils = PupilService(self.db, self.clock)
        self.professionals = ProfessionalService(self.db, self.clock)
        self.visitors = VisitorService(self.db, self.clock, self.professionals)
        self.people = PeopleService(self.db, self.clock)
        self.mis = MisImportService(self.db, self.clock)
        self.bookings = BookingService(self.db, self.clock)
        self.requests = RequestService(self.db, self.clock, self.bookings)
        self.dataset = DatasetService(self.db, self.clock, self.requests)
        self.due = DueService(self.db, self.clock)
        self.sessions = SessionService(self.db, self.clock, self.bookings)
        self.advice = AdviceService(self.db, self.clock)
        self.reviews = ReviewService(self.db, self.clock)
        self.assessments = AssessmentService(self.db, self.clock)
        self.outcomes = OutcomeService(self.db, self.clock)
        self.reports = ReportService(self)
        self.backups = BackupService(self.db, self.clock, self.dataset)
        self.users = UserService(self.db, self.clock)
        self.audit = AuditService(self.db, self.clock)
        self.subject_access = SubjectAccessService(self.db, self.clock)
        self.retention = RetentionService(self.db, self.clock)
        self.changes = ChangeService(self.db, self.clock)
        self.dashboard = DashboardService(self)
        for name in self.__dataclass_fields__:
            service = getattr(self, name)
            if name not in ("db", "clock") and not isinstance(service, (str, type(None))):
                _retry_on_contention(service, self.db)

    def database_info(self) -> DatabaseInfo:
        return DatabaseInfo(self.db.description, "SQLite" if self.db.is_sqlite else "PostgreSQL",
                            current_revision(self.db))

    def close(self) -> None:
        self.db.dispose()

    # --- this PC's choice of database (the settings file) -------------------------------------------
    @staticmethod
    def configured_database_url() -> str | None:
        return LocalSettings.load().database_url

    def set_configured_database_url(self, actor: Actor, url: str | None) -> None:
        """Which database this PC opens from its next start (None: the SQLite file in the data folder)."""
        require(actor.roles, "settings.edit", who=actor.username)
        settings = LocalSettings.load()
        settings.database_url = display_url(normalise_url(url)) if url else None
        settings.save()
        log.info("this PC's database setting changed by %s", actor.username)

    @staticmethod
    def test_connection(url: str | None) -> str:
        """Open ``url`` (or the default) without changing it; say what was found, in words."""
        db = open_database(url or default_database_url(), password_source=keyring_password_source(),
                           key_source=KeyringKeySource())
        try:
            revision = current_revision(db)
            head = head_revision()
            if revision is None:
                state = "it holds no Fairfields data yet: it will be set up when the app first opens it"
            elif revision == head:
                state = f"its schema is current ({revision})"
            else:
                state = f"its schema {revision} will be upgraded to {head} when the app opens it"
            return f"Connected to {db.description}: {state}."
        finally:
            db.dispose()

    @staticmethod
    def check_rights(url: str) -> str:
        """Whether the account in ``url`` may create the app's tables: one is made and rolled back."""
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        from .store.database import DatabaseError

        db = open_database(url, password_source=keyring_password_source(), key_source=KeyringKeySource())
        try:
            with db.engine.connect() as conn:
                with conn.begin() as transaction:
                    try:
                        conn.execute(text("CREATE TABLE fairfields_rights_check (id integer)"))
                    except DBAPIError as exc:
                        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                        raise DatabaseError(
                            f"the account in {db.description} has no right to create the app's tables: ask "
                            f"the database administrator to let it create tables in this database ({detail})"
                        ) from exc
                    finally:
                        transaction.rollback()
            return f"The account in {db.description} may create the app's tables."
        finally:
            db.dispose()

    @staticmethod
    def use_database_url_on_this_pc(url: str | None) -> None:
        """Make ``url`` this PC's database from its next start (the first-run assistant: no one is signed in)."""
        settings = LocalSettings.load()
        settings.database_url = display_url(normalise_url(url)) if url else None
        settings.save()
        log.info("this PC's database set by the first-run assistant")


def _retry_on_contention(service: object, db: Database) -> None:
    """Every public use case of ``service`` tried again when another PC's change got in its way (a
    PostgreSQL deadlock or serialization failure, a clashing row saved at the same moment) and it
    committed nothing: the whole unit of work runs again, so its own checks see the other change.

    The method is looked up on the class at each call, so a method replaced on the class later (a test's
    monkeypatch) is the one that runs."""
    import functools
    import inspect

    def late_bound(name: str, original: Callable) -> Callable:
        @functools.wraps(original)
        def call(*args: Any, **kwargs: Any) -> Any:
            found = inspect.getattr_static(type(service), name)
            if isinstance(found, staticmethod):
                return found.__func__(*args, **kwargs)
            if isinstance(found, classmethod):
                return found.__func__(type(service), *args, **kwargs)
            return found(service, *args, **kwargs)

        return call

    for name, member in inspect.getmembers(type(service), inspect.isfunction):
        if not name.startswith("_"):
            setattr(service, name, retrying(late_bound(name, member), db))


def keyring_password_source(ask: Callable[[str], str | None] | None = None) -> Callable[[Any], str | None]:
    """Where a PostgreSQL password comes from when the server asks: the keyring, else ``ask``."""

    def source(url: Any) -> str | None:
        key = database_key(display_url(url))
        try:
            secret = SecretStore().get(key)
        except NoKeyring as exc:
            log.info("no keyring for the database password: %s", exc)
            secret = None
        if secret:
            return secret
        if ask is not None:
            return ask(f"Password for {display_url(url)}: ")
        return None

    return source


class KeyringKeySource:
    """Where an SQLite file's key comes from: this PC's keyring; else `$FAIRFIELDS_DB_KEY`; else, for a
    new (or still unencrypted) file, a fresh key, kept in the keyring when there is one, whose recovery
    key is shown once; else ``ask`` (the terminal, or a dialog in the window); else a plain refusal."""

    def __init__(self, ask: Callable[[str], str | None] | None = None) -> None:
        self.ask = ask
        self.new_recovery_key: str | None = None  # set when a key was made: show it once, to be printed

    def __call__(self, path: Path, new: bool) -> str:
        entry = f"dbkey:{path}"
        store = SecretStore()
        try:
            stored = store.get(entry)
            has_keyring = True
        except NoKeyring:
            stored, has_keyring = None, False
        if stored:
            return stored
        text = os.environ.get(KEY_VARIABLE)
        key = key_from_text(text) if text else None
        if text and key is None:
            raise NotAllowed(f"{KEY_VARIABLE} is not a database key: give the recovery key as printed "
                             "(13 groups of 4 letters and digits)")
        if key is None and new:
            key = new_key()
            self.new_recovery_key = recovery_key(key)
        if key is None and self.ask is not None:
            key = key_from_text(self.ask(f"The database {path} is encrypted and this computer does not hold "
                                         "its key. Recovery key: "))
        if key is None:
            raise NotAllowed(f"the database {path} is encrypted and this computer's keyring does not hold its "
                             f"key: set {KEY_VARIABLE} to its recovery key, or run the command in a terminal "
                             "to type it")
        if has_keyring:
            self._remember = (entry, key)  # kept only once the key has opened the file (remember())
        return key

    def remember(self) -> None:
        """Keep the key that opened the database in the keyring (a wrong one is never kept)."""
        if getattr(self, "_remember", None):
            SecretStore().set(*self._remember)
            self._remember = None


def open_services(url: str | None = None, *, today: date | None = None, migrate: bool = True,
                  ask_password: Callable[[str], str | None] | None = None,
                  ask_key: Callable[[str], str | None] | None = None) -> Services:
    """Open the database named by ``url`` (or the configured one), upgrade it, and build the services.

    A key made for a new SQLite file leaves its recovery key in ``services.new_recovery_key``."""
    keys = KeyringKeySource(ask_key if ask_key is not None else ask_password)
    db = open_database(resolve_database_url(url), password_source=keyring_password_source(ask_password),
                       key_source=keys)
    keys.remember()
    kept = None
    try:
        if migrate:
            kept = upgrade_to_head(db)
    except Exception:
        db.dispose()
        raise
    services = Services(db=db, clock=Clock(today), kept_copy=kept)
    services.new_recovery_key = keys.new_recovery_key
    return services


def remember_database_password(url: str, password: str) -> None:
    """Store a PostgreSQL password in the keyring for ``url`` (never in a file)."""
    if not password:
        raise NotAllowed("no password given: nothing was stored")
    SecretStore().set(database_key(display_url(normalise_url(url))), password)


def open_worker_services(url: str, today: date | None, *, password: str | None = None,
                         key: str | None = None) -> Services:
    """The services a worker process (the review-pack batch, reports/batch.py) opens on the parent's database,
    with the parent's key or password handed over the pipe: it never asks a keyring or a person."""
    keys = {"key_source": lambda _path, _new: key} if key else {}
    db = open_database(url, password_source=(lambda _url: password) if password else None, **keys)
    return Services(db=db, clock=Clock(today))
