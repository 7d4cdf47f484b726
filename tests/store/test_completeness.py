"""Nothing is lost when a school moves: every table, row for row, on every path.

A school is built with every kind of record, each state reached through the services (a date of a series
cancelled and another moved, a visitor signed in and out with pupils, a session note against a target,
an override, a suspension with its review meeting and reinstatement, a delegation, an off-site session,
a budget discussion, advice asked and chased, a review with its invitees and circulations, a space and a
term closure, the team, attendance from the MIS, a locked-out user...). First every table of the models
must hold a row (a table added later that nothing reaches fails here), then for each path the target's
tables are compared with the source's, every column of every row in primary-key order:
`dump` → `load` (SQLite and PostgreSQL), `db copy` (SQLite → PostgreSQL and back), `backup` → `restore`
(SQLite and PostgreSQL).

The one difference allowed: each path records itself in the target's audit trail (`load`, `copy`,
`restore`), after the copied entries and chained to them; those entries are checked, then set aside.
"""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.services.context import Clock
from fairfields_desktop.store.models import (
    AdviceRequestRow,
    AuditRow,
    Base,
    BookingOccurrenceRow,
    BookingRow,
    PupilRow,
    RequestRow,
    SpaceRow,
    UserRow,
)


def _suite_conftest():
    """tests/conftest.py by its path: another folder's conftest.py may hold the name "conftest"."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fairfields_suite_conftest",
                                                  Path(__file__).parents[1] / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_suite = _suite_conftest()
DATA, PASSWORDS, ROOT, TEST_DB_KEY, TODAY = (_suite.DATA, _suite.PASSWORDS, _suite.ROOT, _suite.TEST_DB_KEY,
                                             _suite.TODAY)

AMARA, BEN = "Z319700118114", "X319700119023"
SAMPLE_MIS = ROOT / "resources" / "sample-mis-export.csv"

#: the audit entries each path writes into the target (after the copied ones)
OWN_ENTRIES = {"dump-load": ("load",), "copy": ("copy",), "backup-restore": ("restore", "load")}


def at(day: str, hm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hm}")


def _pupil_id(services, upn: str) -> int:
    with services.db.read_session() as session:
        return session.scalar(select(PupilRow.id).where(PupilRow.upn == upn))


def sign_in(services, username: str):
    return services.auth.sign_in(username, PASSWORDS[username])


def build_school(services) -> None:
    """The example school, then a term of work through the services: every table gets rows."""
    import json

    services.dataset.load(json.loads((DATA / "example-school.json").read_text(encoding="utf-8")))
    head, senco, office, admin = (sign_in(services, u) for u in ("hcarter", "mokafor", "sbrown", "admin"))
    amara = _pupil_id(services, AMARA)

    # the school: settings changed, a term closure added, a space out of use, a new user
    services.school.update_settings(admin, {**services.school.settings_values(), "school_name": "Fairfields",
                                            "address": "Fairfields Lane\nLeeds LS6 2AB",
                                            "telephone": "0113 496 0000"})
    terms = services.school.terms_values()
    terms[0]["closures"].append({"from": "2026-12-11", "to": "2026-12-11", "why": "Staff training"})
    services.school.save_terms(admin, terms)
    services.bookings.set_out_of_use(admin, "Meeting Room", date(2026, 12, 1), date(2026, 12, 2), "painting")
    account, _ = services.users.create_user(admin, {"username": "jbloggs", "staff": None, "roles": ["office"],
                                                    "password": "a temporary one 2026"})
    services.users.set_active(admin, account.id, False)
    ttaylor = next(u for u in services.users.list_users(admin) if u.username == "ttaylor")
    services.users.reset_password(admin, ttaylor.id, "a temporary one 2026")
    services.people.save_space(admin, {"name": "Quiet Room", "kind": "therapy_room", "capacity": 2,
                                       "features": "dimmable lights", "bookable": False})
    music = next(p for p in services.professionals.list_professionals(admin) if p.ext_id == "music-1")
    services.professionals.set_active(admin, music.id, False, "the contract ended")

    # bookings: a weekly series with one date cancelled and another moved; priority with its notices
    series = services.bookings.book(office, BookingDraft(
        space="Therapy Room 1", start=at("2026-11-30", "13:00"), end=at("2026-11-30", "13:30"),
        professional="nhs-slt-1", pupils=(AMARA,), weekly_until=date(2026, 12, 14)))
    services.bookings.cancel(office, series[1].occurrence_id, "therapist on a course")
    services.bookings.move(office, series[2].occurrence_id, at("2026-12-14", "14:00"), at("2026-12-14", "14:30"))
    # an independent session with a pupil in the school day: the headteacher books it directly, with her reason
    services.bookings.book(head, BookingDraft(
        space="Therapy Room 1", start=at("2026-12-02", "10:00"), end=at("2026-12-02", "10:45"),
        professional="ind-ot-1", pupils=(AMARA,), title="OT",
        direct_reason="Parent-arranged OT agreed at the annual review while the request is considered"))
    plan = services.bookings.plan(office, BookingDraft(
        space="Therapy Room 1", start=at("2026-12-02", "10:00"), end=at("2026-12-02", "10:30"),
        professional="nhs-slt-1"))
    [clash] = services.bookings.displaceable(plan, "statutory")
    slots = services.bookings.suggest_slots(office, clash.occurrence_id, avoid=(plan.draft.start, plan.draft.end))
    notices = services.bookings.give_priority(office, clash.occurrence_id, move_to=slots[0])
    services.bookings.mark_told(office, notices[0].id, at("2026-11-23", "15:20"))

    # outcomes and targets; a session note against a target
    outcome = services.outcomes.add_outcome(senco, AMARA, "communication_and_interaction",
                                            "Amara makes choices across the day with her AAC device")
    target = services.outcomes.add_target(senco, outcome, "Requests a break using two symbols",
                                          professional="nhs-slt-1", programme="AAC core vocabulary",
                                          strategy="Model 'break please' before each transition")
    done = services.outcomes.add_target(senco, outcome, "Signs 'more'")
    services.outcomes.end_target(senco, done, "achieved")
    clock = Clock(date(2026, 11, 24))
    clock.now = lambda: datetime(2026, 11, 24, 12, 0)  # type: ignore[method-assign]
    services.sessions.clock = clock
    [session] = services.sessions.to_mark(senco, since=date(2026, 11, 24))
    services.sessions.mark(senco, session.occurrence_id, True, note="Used two symbols twice", target_id=target)
    services.sessions.clock = services.clock

    # requests: an override; a suspension, its review meeting and the reinstatement; a delegation;
    # an off-site session out and back
    services.requests.decide(head, "r-002", "approve", overrides={"ATTENDANCE": "attendance rising since September"})
    services.requests.delegate(head, "mokafor", date(2026, 11, 23), date(2026, 11, 27))
    services.requests.decide(senco, "r-001", "approve")
    later = Clock(date(2026, 12, 2))
    services.requests.clock = later
    services.bookings.clock = later
    services.requests.decide(head, "r-001", "suspend", reason="missing phonics group")
    services.requests.decide(senco, "r-001", "review-meeting", on=date(2026, 12, 2),
                             attendees="Abena Osei, Karen Walsh, Tom Taylor", reason="resume in January")
    services.requests.decide(head, "r-001", "reinstate", reason="agreed at the review")
    # the letter about the suspension, printed for the family: kept with its event
    from fairfields_desktop.reports.make import make

    [suspended] = [e for e in services.reports.letter_events(head, "r-001") if e.action == "suspended"]
    make(services, head, "letter", io.BytesIO(), ref="r-001", event_id=suspended.id, keep=True)
    services.requests.clock = services.clock
    services.bookings.clock = services.clock
    services.requests.decide(head, "r-003", "approve")
    log_id = services.requests.log_off_site(office, "r-003", datetime(2027, 1, 8, 13, 20), taken_by="Dad")
    services.requests.mark_back(office, log_id, datetime(2027, 1, 8, 15, 5), "\\")
    # a Monday: outside the authorisation, let go by the headteacher with her reason (kept with the session)
    exception = services.requests.log_off_site(head, "r-003", datetime(2027, 1, 11, 13, 30), taken_by="Mum",
                                               exception_reason="the clinic moved this week's session")
    services.requests.mark_back(office, exception, datetime(2027, 1, 11, 15, 30), "M")

    # pupils: the team, a budget discussion, consent given and withdrawn, attendance from the MIS
    services.pupils.add_team_member(senco, amara, "nhs-slt-1", "Speech and language therapist")
    services.pupils.record_budget_discussion(head, amara, date(2026, 11, 20), ehcp_officer="J Officer",
                                             capacity_agreed=True, already_provided=False, notes="agreed")
    consent = services.pupils.add_consent(senco, amara, professional="ind-ot-1", sections=["attendance"],
                                          given_by_kind="parent", given_by="Abena Osei", given_on=date(2026, 11, 2),
                                          until=date(2027, 7, 31))
    [words] = [c for c in services.pupils.get_pupil(senco, amara).consents if c.to_be_reviewed]
    services.pupils.review_consent(senco, words.id, organisation="Walsh Paediatric OT", sections=["outcomes"],
                                   given_by_kind="parent", given_by="Abena Osei", given_on=date(2026, 9, 10))
    services.pupils.withdraw_consent(senco, consent.id, date(2026, 11, 23))
    services.mis.apply(office, SAMPLE_MIS.read_text(encoding="utf-8"), as_of=date(2026, 11, 20))

    # a visitor signed in with a pupil and out again
    rachel = next(p for p in services.professionals.list_professionals(office) if p.ext_id == "nhs-slt-1")
    visit = services.professionals.sign_in_visitor(office, rachel.id, identity_checked=True, purpose="therapy",
                                                   pupil_ids=[amara], space="Therapy Room 1",
                                                   at=datetime(2026, 11, 23, 9, 20))
    services.professionals.sign_out_visitor(office, visit.id, at=datetime(2026, 11, 23, 10, 5))
    # a contractor in regulated activity (DBS seen), and an escorted supply teacher still on site
    from fairfields_desktop.domain.visitors import VisitorDraft

    services.visitors.sign_in(office, VisitorDraft(
        kind="contractor", name="Gary Fix", visiting="Site manager", organisation="Acme Boilers",
        identity_checked=True, identity_note="driving licence", badge="C3", regulated=True,
        dbs_certificate="001234567890", dbs_date=date(2025, 3, 1), location="Boiler room"),
        at=datetime(2026, 11, 23, 8, 45))
    services.visitors.sign_in(office, VisitorDraft(kind="supply", name="Jo King", visiting="Birch class",
                                                   regulated=True, escorted=True, identity_checked=True),
                              at=datetime(2026, 11, 23, 8, 50))

    # an annual review: invitees (one removed), advice asked and chased, a circulation
    review = services.reviews.schedule(senco, BEN, date(2026, 12, 14), meeting_at=time(10, 0), place="Library")
    services.reviews.add_invitee(senco, review.id, "other", "Ms Advocate")
    invitee = services.reviews.get(senco, review.id).invitees[-1]
    services.reviews.remove_invitee(senco, invitee.id)
    services.reviews.request_advice(senco, review.id, ["nhs-physio-1"])
    with services.db.read_session() as session:
        advice = session.scalar(select(AdviceRequestRow.id).where(AdviceRequestRow.review_id == review.id))
    services.advice.chase(senco, advice, "phone")
    services.reviews.record_circulation(senco, review.id, "Physiotherapy advice", "parents, LA", date(2026, 11, 23))

    # the review held, its paperwork and the dates after it; an outcome ended; an assessment stopped;
    # a pupil who left; an authorisation extended
    services.reviews.save_paperwork(senco, review.id, child_views="likes swimming", parent_views="pleased")
    held = services.reviews.schedule(senco, AMARA, date(2026, 11, 20))
    services.reviews.record_held(senco, held.id)
    services.reviews.record_after(senco, held.id, report_sent_on=date(2026, 11, 23))
    other = services.outcomes.add_outcome(senco, AMARA, "sensory_and_physical", "Walks with a frame")
    services.outcomes.end_outcome(senco, other, "ceased")
    [assessment] = services.assessments.list_assessments(senco)
    services.assessments.stop(senco, assessment.id, date(2026, 11, 23), "the LA decided not to issue")
    services.pupils.mark_left(head, _pupil_id(services, "X319700121005"), date(2026, 11, 20))
    services.requests.decide(head, "r-003", "extend", until=date(2027, 5, 14), reason="after surgery")
    services.requests.save_draft(senco, {  # the policy's first instance recorded
        "pupil": "X319700119023", "professional": "ind-ot-1", "setting": "off_site", "first_session": "2027-01-06",
        "last_session": "2027-02-24", "start_time": "13:30", "end_time": "14:15",
        "outside_school_day": "after school he is too tired to take part"}, submit=True)

    # a user locked out after wrong passwords
    for _ in range(5):
        try:
            services.auth.sign_in("ttaylor", "wrong")
        except Exception:  # refused, as it should be
            pass


# --- the databases ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    """The module's own home and database key (the fixtures of conftest are per test)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FAIRFIELDS_HOME", str(tmp_path_factory.mktemp("home")))
        patch.setenv("FAIRFIELDS_DB_KEY", TEST_DB_KEY)
        yield


def _new_pg_database(pg_admin_engine) -> tuple[str, str]:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = f"fairfields_test_{uuid.uuid4().hex[:12]}"
    with pg_admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return name, make_url(pg_admin_engine.url).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(pg_admin_engine, name: str) -> None:
    from sqlalchemy import text

    with pg_admin_engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def sqlite_source(environment, tmp_path_factory):
    from fairfields_desktop.app import open_services

    services = open_services(f"sqlite:///{tmp_path_factory.mktemp('source') / 'school.sqlite3'}", today=TODAY)
    build_school(services)
    yield services
    services.close()


@pytest.fixture(scope="module")
def pg_source(environment, pg_admin_engine):
    from fairfields_desktop.app import open_services

    name, url = _new_pg_database(pg_admin_engine)
    services = open_services(url, today=TODAY)
    build_school(services)
    yield services
    services.close()
    _drop_pg_database(pg_admin_engine, name)


# --- comparing -------------------------------------------------------------------------------------------
def table_rows(services) -> dict[str, list[tuple]]:
    """Every row of every table, every column, in primary-key order."""
    with services.db.read_session() as session:
        return {table.name: [tuple(row) for row in session.execute(
                    select(table).order_by(*table.primary_key.columns))]
                for table in Base.metadata.sorted_tables}


def assert_same_rows(before: dict[str, list[tuple]], after: dict[str, list[tuple]], path: str,
                     target) -> int:
    """The target holds exactly the source's rows, plus the path's own trailing audit entries (checked)."""
    audit = [c.name for c in AuditRow.__table__.columns]
    last_copied = max((row[0] for row in before["audit_events"]), default=0)
    own = [row for row in after["audit_events"] if row[0] > last_copied]
    after = {**after, "audit_events": [row for row in after["audit_events"] if row[0] <= last_copied]}
    problems = []
    for table, rows in before.items():
        if rows != after[table]:
            columns = [c.name for c in Base.metadata.tables[table].columns]
            missing = [r for r in rows if r not in after[table]]
            extra = [r for r in after[table] if r not in rows]
            diff = [f"  - {dict(zip(columns, r, strict=True))}" for r in missing[:3]] + \
                   [f"  + {dict(zip(columns, r, strict=True))}" for r in extra[:3]]
            problems.append(f"{table}: {len(missing)} row(s) missing or changed, {len(extra)} new\n" + "\n".join(diff))
    assert not problems, f"{path}: " + "\n".join(problems)
    actions = [dict(zip(audit, row, strict=True))["action"] for row in own]
    assert actions and set(actions) <= set(OWN_ENTRIES[path]), \
        f"{path}: after the copied trail, {actions} (expected the path's own entry: {OWN_ENTRIES[path]})"
    check = target.audit.verify(sign_in(target, "admin"))
    assert check.intact, check.problems
    return sum(len(rows) for rows in before.values())


def assert_sequences_past_ids(target) -> None:
    """PostgreSQL: every id sequence continues after the highest id, so new records get new ids."""
    from sqlalchemy import text

    behind = []
    with target.db.read_session() as session:
        for table in Base.metadata.sorted_tables:
            keys = list(table.primary_key.columns)
            if len(keys) != 1:
                continue
            sequence = session.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                      {"t": table.name, "c": keys[0].name})
            highest = session.scalar(select(func.max(keys[0])))
            if sequence and highest is not None:
                last = session.scalar(text(f"SELECT last_value FROM {sequence}"))
                if last < highest:
                    behind.append(f"{table.name} ({last} < {highest})")
    assert not behind, "id sequences behind the ids: " + ", ".join(behind)


# --- the tests -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("source", ["sqlite", pytest.param("pg", marks=pytest.mark.postgres)])
def test_every_table_holds_rows_reached_through_the_services(source, request):
    services = request.getfixturevalue(f"{source}_source")
    empty = [name for name, rows in table_rows(services).items() if not rows]
    assert not empty, f"no rows in {', '.join(empty)}: reach them in build_school (a new table must be carried)"
    with services.db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.hash.is_(None))) == 0
        # the states that only the database's own columns hold, each reached
        assert session.scalar(select(UserRow.locked_until).where(UserRow.username == "ttaylor")) is not None
        assert {(o.status, o.individually) for o in session.scalars(select(BookingOccurrenceRow))} >= {
            ("cancelled", True), ("booked", True), ("booked", False)}
        assert session.scalar(select(SpaceRow.bookable).where(SpaceRow.name == "Quiet Room")) is False
        assert session.scalar(select(func.max(RequestRow.version))) > 1
        assert session.scalar(select(func.count()).select_from(BookingRow).where(BookingRow.request_id.is_not(None)))


def _load_into(services, target_url: str, open_school):
    admin = sign_in(services, "admin")
    before = table_rows(services)
    doc = services.dataset.dump(admin)
    target = open_school(target_url)
    target.dataset.load(doc)
    return before, target


class TestDumpLoad:
    def test_sqlite(self, sqlite_source, sqlite_url, open_school):
        before, target = _load_into(sqlite_source, sqlite_url, open_school)
        assert_same_rows(before, table_rows(target), "dump-load", target)

    @pytest.mark.postgres
    def test_postgres(self, pg_source, pg_url, open_school):
        before, target = _load_into(pg_source, pg_url, open_school)
        assert_same_rows(before, table_rows(target), "dump-load", target)
        assert_sequences_past_ids(target)

    @pytest.mark.postgres
    def test_the_dump_is_the_same_from_either_database(self, sqlite_source, pg_url, open_school):
        _before, target = _load_into(sqlite_source, pg_url, open_school)
        lite = sqlite_source.dataset.dump(sign_in(sqlite_source, "admin"))
        pg = target.dataset.dump(sign_in(target, "admin"))
        # the same, but for each trail's last entry: the load into PostgreSQL, the first dump on SQLite
        trail = len(lite["audit_events"]) - 1
        assert [e["action"] for e in pg["audit_events"][trail:]] == ["load"]
        assert [e["action"] for e in lite["audit_events"][trail:]] == ["dump"]
        assert ({**pg, "audit_events": pg["audit_events"][:trail]}
                == {**lite, "audit_events": lite["audit_events"][:trail]})


class TestCopy:
    @pytest.mark.postgres
    def test_sqlite_to_postgres(self, sqlite_source, pg_url, open_school):
        admin = sign_in(sqlite_source, "admin")
        before = table_rows(sqlite_source)
        target = open_school(pg_url)
        sqlite_source.backups.copy_to(admin, target.db)
        assert_same_rows(before, table_rows(target), "copy", target)

    @pytest.mark.postgres
    def test_postgres_to_sqlite(self, pg_source, sqlite_url, open_school):
        admin = sign_in(pg_source, "admin")
        before = table_rows(pg_source)
        target = open_school(sqlite_url)
        pg_source.backups.copy_to(admin, target.db)
        assert_same_rows(before, table_rows(target), "copy", target)


class TestBackupRestore:
    def test_sqlite(self, sqlite_source, sqlite_url, open_school, tmp_path):
        admin = sign_in(sqlite_source, "admin")
        before = table_rows(sqlite_source)
        backup = sqlite_source.backups.backup(admin, tmp_path / "school.fdb")
        target = open_school(sqlite_url)
        target.backups.restore(None, backup)
        assert_same_rows(before, table_rows(target), "backup-restore", target)

    @pytest.mark.postgres
    def test_postgres(self, pg_source, pg_url, open_school, tmp_path):
        admin = sign_in(pg_source, "admin")
        before = table_rows(pg_source)
        backup = pg_source.backups.backup(admin, tmp_path / "school.fdb")
        target = open_school(pg_url)
        target.backups.restore(None, backup)
        assert_same_rows(before, table_rows(target), "backup-restore", target)
        assert_sequences_past_ids(target)
