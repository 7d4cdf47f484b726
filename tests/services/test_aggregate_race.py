"""Two PCs saving the same record at the same moment: exactly one is saved, the other is refused.

Two worker processes (tests/aggregate_worker.py, started once for this module) open the school through
`open_services`, as the app does. Each round both read the same record (and its version), wait at a
start line (a file the test creates once both are ready), then save an edit of the record, mostly of
the rows that hang from it (contacts, consents, targets, invitees, a request's events, closures), with
the version they read. Exactly one is saved; the other gets StaleRecord naming who changed the record
and when; the rows hanging from it are never doubled (counted after every round). Records with no
version (a visitor signed in, an assessment started) are raced the same way: one is saved, the other is
refused plainly ("already signed in"), never both. On SQLite and PostgreSQL. `make test` runs 3 rounds
per record; `make soak` (FAIRFIELDS_SOAK=1) runs 30.

Before services/guard.py, on PostgreSQL both saves went through (contacts replaced twice, two visits
open, two assessments in progress, the terms inserted twice) or the second ended in SQLAlchemy's
StaleDataError; on SQLite a change only to contacts was not seen by the other PC's save at all.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.store.models import (
    BookingOccurrenceRow,
    ClosureRow,
    ConsentRow,
    ContactRow,
    PupilRow,
    RequestEventRow,
    RequestRow,
    ReviewInviteeRow,
    SpaceRow,
    TargetRow,
    TermRow,
)

SOAK = bool(os.environ.get("FAIRFIELDS_SOAK"))
ROUNDS = 30 if SOAK else 3
WORKER = Path(__file__).parent.parent / "aggregate_worker.py"
ROOT = Path(__file__).parent.parent.parent
AMARA = "Z319700118114"
BEN = "X319700119023"
WHO_WHEN = r"changed by {} at \d\d:\d\d on 23 Nov 2026 since you opened"
TEST_DB_KEY = "5f" * 32  # tests/conftest.py's: every test database is encrypted with it


class Worker:
    """One worker process: jobs in on stdin, answers out on stdout (read by a thread, so waits time out)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, env=env, cwd=ROOT)
        self.answers: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.answers.put(line)
        self.answers.put("")

    def send(self, job: dict[str, Any]) -> None:
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()

    def answer(self, timeout: float = 90) -> dict[str, Any]:
        line = self.answers.get(timeout=timeout)
        assert line, f"the worker ended (exit code {self.proc.poll()})"
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(15)
        self.reader.join(15)
        self.proc.stdout.close()


@pytest.fixture(scope="module")
def pool(tmp_path_factory) -> list[Worker]:
    """Two worker processes for the whole module (each takes a second or two to start)."""
    env = dict(os.environ)
    env.update({"FAIRFIELDS_HASH_COST": "test", "FAIRFIELDS_DB_KEY": TEST_DB_KEY,
                "FAIRFIELDS_HOME": str(tmp_path_factory.mktemp("race-home")),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    workers = [Worker(env), Worker(env)]
    yield workers
    for worker in workers:
        worker.close()


# --- the records raced for ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """A record raced for: who saves (one user per PC), how to find it each round (in the test process:
    ``prepare(services, actor) → args`` for both PCs), what each PC adds to its args
    (``variant(round, pc)``), and what must hold after the round (``verify(services, args, before,
    winner variant)``, ``before`` from ``measure(services, args)`` taken before the round)."""

    name: str
    users: tuple[str, str]
    prepare: Callable[..., dict[str, Any]]
    measure: Callable[..., Any]
    verify: Callable[..., None]
    variant: Callable[[int, int], dict[str, Any]] = lambda rnd, pc: {"tag": f"r{rnd}pc{pc}"}
    #: what the second save gets: "stale" (the record changed since it was opened: StaleRecord naming who
    #: and when), or "refused" (a record with no version, such as a visit: the second sees the first's
    #: change under the lock and refuses plainly, e.g. "already signed in")
    loser: str = "stale"


def _count(services, model, *where) -> int:
    with services.db.read_session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _pupil(services, actor) -> dict:
    return {"pupil_id": services.pupils.id_of(actor("mokafor"), BEN)}


def _contacts_verify(services, args, _before, winner) -> None:
    with services.db.read_session() as session:
        names = list(session.scalars(select(ContactRow.name).where(ContactRow.pupil_id == args["pupil_id"])))
    assert len(names) == winner["contacts"], names  # replaced once, never doubled
    assert all(n.startswith(winner["tag"]) for n in names), names


def _professional(services, actor) -> dict:
    head = actor("hcarter")
    return {"professional_id": next(p.id for p in services.professionals.list_professionals(head)
                                    if p.ext_id == "music-1")}


def _professional_verify(services, args, _before, winner) -> None:
    from fairfields_desktop.store.models import ProfessionalRow

    with services.db.read_session() as session:
        certificate = session.get(ProfessionalRow, args["professional_id"]).dbs_certificate
    assert certificate == f"{winner['tag']}000000000"[:12]


def _outcome(services, actor) -> dict:
    senco = actor("mokafor")
    found = [o for o in services.outcomes.for_pupil(senco, AMARA) if o.text == "Makes choices (race)"]
    outcome_id = found[0].id if found else services.outcomes.add_outcome(
        senco, AMARA, "communication_and_interaction", "Makes choices (race)")
    return {"outcome_id": outcome_id, "upn": AMARA}


def _review(services, actor) -> dict:
    head = actor("hcarter")
    planned = [r for r in services.reviews.list_reviews(head, date(2026, 12, 1), date(2026, 12, 31))
               if r.pupil_upn == BEN]
    review_id = planned[0].id if planned else services.reviews.schedule(head, BEN, date(2026, 12, 14)).id
    return {"review_id": review_id}


def _request(services, actor) -> dict:
    """A new request submitted each round (a declined one cannot be decided again)."""
    head = actor("hcarter")
    values = services.requests.values(head, "r-002")
    values["outside_school_day"] = "the family works shifts; the clinic sees children only in the day"
    saved = services.requests.save_draft(head, {k: v for k, v in values.items() if k not in ("id", "version")},
                                         submit=True)
    return {"ref": saved.ref}


def _request_id(services, ref: str) -> int:
    with services.db.read_session() as session:
        return session.scalar(select(RequestRow.id).where(RequestRow.ext_id == ref))


def _request_verify(services, args, before, winner) -> None:
    request_id = _request_id(services, args["ref"])
    with services.db.read_session() as session:
        actions = list(session.scalars(select(RequestEventRow.reason).where(
            RequestEventRow.request_id == request_id, RequestEventRow.action == "declined")))
        status = session.scalar(select(RequestRow.status).where(RequestRow.id == request_id))
    assert (status, actions) == ("declined", [f"{winner['tag']} declines"])


def _booking(services, actor) -> dict:
    """A new booking each round, on a school day of its own at 09:00; the PCs move it to 13:00 and 14:00."""
    n = _count(services, BookingOccurrenceRow, BookingOccurrenceRow.space_id == select(SpaceRow.id).where(
        SpaceRow.name == "Meeting Room").scalar_subquery())  # the race's earlier bookings: one a day
    day = services.school.calendar().school_days(date(2026, 11, 30), date(2027, 7, 21))[n]
    start = datetime.combine(day, datetime.min.time()).replace(hour=9)
    [block] = services.bookings.book(actor("sbrown"), BookingDraft(
        space="Meeting Room", start=start, end=start + timedelta(minutes=20), staff=("sbrown",),
        title=f"race {n}"))
    return {"occurrence_id": block.occurrence_id, "day": day.isoformat(), "booking_id": block.booking_id}


def _booking_verify(services, args, _before, winner) -> None:
    with services.db.read_session() as session:
        rows = session.execute(select(BookingOccurrenceRow.starts_at, BookingOccurrenceRow.status).where(
            BookingOccurrenceRow.booking_id == args["booking_id"])).all()
    assert [(s.isoformat(), st) for s, st in rows] == [(winner["start"], "booked")]


def _booking_variant(rnd: int, pc: int) -> dict:
    return {"tag": f"r{rnd}pc{pc}", "start_hour": 13 + pc}


def _terms_verify(services, args, before, winner) -> None:
    with services.db.read_session() as session:
        terms = session.scalar(select(func.count()).select_from(TermRow))
        whys = list(session.scalars(select(ClosureRow.why)))
    assert terms == before[0], "the terms were doubled"
    assert len(whys) == before[1] + 1 and f"{winner['tag']} closure" in whys, whys


def _terms_measure(services, _args) -> tuple[int, int]:
    return _count(services, TermRow), _count(services, ClosureRow)


def _terms_variant(rnd: int, pc: int) -> dict:
    return {"tag": f"r{rnd}pc{pc}", "day": (date(2026, 12, 1) + timedelta(days=(2 * rnd + pc) % 16)).isoformat()}


def _settings_verify(services, _args, _before, winner) -> None:
    assert services.school.settings().school_name == f"Fairfields {winner['tag']}"


def _space(services, actor) -> dict:
    room = next(s for s in services.people.list_spaces(actor("admin")) if s.name == "Meeting Room")
    return {"space_id": room.id, "values": {"name": room.name, "kind": room.kind, "capacity": room.capacity,
                                            "bookable": room.bookable}}


def _space_verify(services, args, _before, winner) -> None:
    room = next(s for s in services.people.list_spaces(services.auth.sign_in("admin", "demo-admin-2026"))
                if s.id == args["space_id"])
    assert room.features == f"{winner['tag']} features"


def _staff(services, actor) -> dict:
    return {"staff_id": next(s.id for s in services.people.list_staff(actor("admin")) if s.ext_id == "dking")}


def _staff_verify(services, args, _before, winner) -> None:
    member = next(s for s in services.people.list_staff(services.auth.sign_in("admin", "demo-admin-2026"))
                  if s.id == args["staff_id"])
    assert member.role == f"{winner['tag']} role"


def _user(services, actor) -> dict:
    return {"user_id": next(u.id for u in services.users.list_users(actor("admin")) if u.username == "ttaylor")}


def _user_variant(rnd: int, pc: int) -> dict:
    return {"tag": f"r{rnd}pc{pc}", "roles": ["teacher"] + (["office"] if (rnd + pc) % 2 else ["senco"])}


def _user_verify(services, args, _before, winner) -> None:
    [user] = [u for u in services.users.list_users(services.auth.sign_in("admin", "demo-admin-2026"))
              if u.id == args["user_id"]]
    assert sorted(user.roles) == sorted(winner["roles"])


def _one_more(model, column: str, key: str) -> tuple[Callable, Callable]:
    """(measure, verify) of a case that adds one row under the record: exactly one more, never two."""
    def measure(services, args):
        return _count(services, model, getattr(model, column) == args[key])

    def verify(services, args, before, _winner):
        assert measure(services, args) == before + 1

    return measure, verify


def _class(services, actor) -> dict:
    return {"class_id": next(c.id for c in services.people.list_classes(actor("admin")) if c.name.startswith("Oak"))}


def _class_verify(services, args, _before, winner) -> None:
    [klass] = [c for c in services.people.list_classes(services.auth.sign_in("admin", "demo-admin-2026"))
               if c.id == args["class_id"]]
    assert klass.name == f"Oak {winner['tag']}"


def _visitor(services, actor) -> dict:
    """music-1, signed out of the last round's visit."""
    office = actor("sbrown")
    pro_id = next(p.id for p in services.professionals.list_professionals(office) if p.ext_id == "music-1")
    for visit in services.professionals.on_site_now(office):
        services.professionals.sign_out_visitor(office, visit.id)
    return {"professional_id": pro_id}


def _visit_verify(services, args, _before, winner) -> None:
    from fairfields_desktop.store.models import VisitRow

    with services.db.read_session() as session:
        where = list(session.scalars(select(VisitRow.location).where(
            VisitRow.professional_id == args["professional_id"], VisitRow.signed_out_at.is_(None))))
    assert where == [f"{winner['tag']} office"]  # signed in once, never twice


def _assessment(services, actor) -> dict:
    """Ben, with no assessment in progress (the last round's stopped)."""
    from fairfields_desktop.store.models import AssessmentRow

    senco = actor("mokafor")
    with services.db.read_session() as session:
        open_ids = list(session.scalars(select(AssessmentRow.id).join(PupilRow).where(
            PupilRow.upn == BEN, AssessmentRow.stopped_on.is_(None), AssessmentRow.final_issued_on.is_(None))))
    for assessment_id in open_ids:
        services.assessments.stop(senco, assessment_id, date(2026, 11, 23), "the LA decided not to assess")
    return {"upn": BEN}


def _assessment_verify(services, args, _before, _winner) -> None:
    from fairfields_desktop.store.models import AssessmentRow

    assert _count(services, AssessmentRow, AssessmentRow.stopped_on.is_(None),
                  AssessmentRow.pupil_id == select(PupilRow.id).where(PupilRow.upn == BEN).scalar_subquery()) == 1


CASES = [
    Case("pupil_contacts", ("mokafor", "hcarter"), _pupil, lambda s, a: None, _contacts_verify,
         lambda rnd, pc: {"tag": f"r{rnd}pc{pc}", "contacts": 2 + pc}),
    Case("pupil_consent", ("mokafor", "hcarter"), _pupil, *_one_more(ConsentRow, "pupil_id", "pupil_id")),
    Case("professional_checks", ("hcarter", "mokafor"), _professional, lambda s, a: None, _professional_verify),
    Case("outcome_target", ("mokafor", "hcarter"), _outcome, *_one_more(TargetRow, "outcome_id", "outcome_id")),
    Case("review_invitee", ("mokafor", "hcarter"), _review,
         *_one_more(ReviewInviteeRow, "review_id", "review_id")),
    Case("request_decision", ("hcarter", "hcarter"), _request, lambda s, a: None, _request_verify),
    Case("booking_move", ("sbrown", "mokafor"), _booking, lambda s, a: None, _booking_verify, _booking_variant),
    Case("terms_closure", ("admin", "admin"), lambda s, a: {}, _terms_measure, _terms_verify, _terms_variant),
    Case("settings", ("admin", "admin"), lambda s, a: {}, lambda s, a: None, _settings_verify),
    Case("space", ("admin", "admin"), _space, lambda s, a: None, _space_verify),
    Case("staff", ("admin", "admin"), _staff, lambda s, a: None, _staff_verify),
    Case("user_roles", ("admin", "admin"), _user, lambda s, a: None, _user_verify, _user_variant),
    Case("class", ("admin", "admin"), _class, lambda s, a: None, _class_verify),
    Case("visit_sign_in", ("sbrown", "mokafor"), _visitor, lambda s, a: None, _visit_verify, loser="refused"),
    Case("assessment_start", ("mokafor", "hcarter"), _assessment, lambda s, a: None, _assessment_verify,
         loser="refused"),
]


def _race(pool: list[Worker], url: str, case: Case, args: dict, rnd: int, go: Path) -> list[dict]:
    variants = [case.variant(rnd, pc) for pc in (0, 1)]
    for pc, worker in enumerate(pool):
        job_args = {**args, **variants[pc]}
        if "start_hour" in job_args:
            day = date.fromisoformat(args["day"])
            job_args["start"] = datetime.combine(day, datetime.min.time()).replace(
                hour=job_args["start_hour"]).isoformat()
            variants[pc]["start"] = job_args["start"]
        worker.send({"url": url, "user": case.users[pc], "case": case.name, "args": job_args, "go": str(go)})
    ready = [worker.answer() for worker in pool]
    assert all(r["ready"] for r in ready), ready
    assert ready[0]["version"] == ready[1]["version"], "both PCs must open the same version"
    go.touch()  # the start line: both save now
    results = [worker.answer() for worker in pool]
    for r in results:
        r["variant"] = None
    for pc in (0, 1):
        results[pc]["variant"] = variants[pc]
    return results


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_two_pcs_save_at_once(pool, school, db_url, actor, tmp_path, case):
    signed_in: dict[str, Any] = {}

    def as_user(username: str):
        if username not in signed_in:
            signed_in[username] = actor(school, username)
        return signed_in[username]

    outcomes = []
    for rnd in range(ROUNDS):
        args = case.prepare(school, as_user)
        before = case.measure(school, args)
        results = _race(pool, db_url, case, args, rnd, tmp_path / f"go-{rnd}")
        kinds = sorted(r["result"] for r in results)
        assert kinds == sorted(["saved", case.loser]), f"round {rnd}: {results}"
        winner = next(pc for pc in (0, 1) if results[pc]["result"] == "saved")
        loser = results[1 - winner]
        if case.loser == "stale":
            assert re.search(WHO_WHEN.format(case.users[winner]), loser["message"]), loser["message"]
            assert "reload" in loser["message"]
        case.verify(school, args, before, results[winner]["variant"])
        outcomes.append(winner)
    assert len(outcomes) == ROUNDS
