"""Retention: leavers past date of birth + the retention years are listed for review and erased on
confirmation, every row about them with them; the audit trail keeps the erasure without personal data,
redacts the earlier entries about them, and its chain still checks; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select, update

from fairfields_desktop.domain.errors import NotAllowed, Refused
from fairfields_desktop.services.audit import verify_chain
from fairfields_desktop.services.retention import keep_until
from fairfields_desktop.store.models import (
    AuditRow,
    Base,
    BookingOccurrenceRow,
    BookingPupilRow,
    BookingRow,
    ConsentRow,
    PupilRow,
    RequestEventRow,
    RequestRow,
    SessionRecordRow,
    TargetRow,
)
from fairfields_desktop.store.pupil_tables import PUPIL_TABLES, Erasure

AMARA, BEN, CHLOE, DEV = "Z319700118114", "X319700119023", "X319700117077", "X319700121005"
#: what names Amara and Ben, and their parents, anywhere
PERSONAL = ("Amara", "Osei", AMARA, "Abena", "Hughes", BEN, "PB-3190-0412", "PB-3190-0533", "07700 900412")


def make_leaver(services, head, upn: str, born: date, left: date) -> int:
    pupil_id = services.pupils.id_of(head, upn)
    services.pupils.mark_left(head, pupil_id, left)
    with services.db.session() as session:  # a pupil of long ago: the dataset has only children on roll
        session.execute(update(PupilRow).where(PupilRow.id == pupil_id).values(date_of_birth=born))
    return pupil_id


@pytest.fixture
def later(school, open_school, db_url):
    return open_school(db_url, today=date(2026, 11, 26))


@pytest.fixture
def records(later, actor):
    """Amara's request approved (her sessions booked from it), a session of hers marked with a note, a target;
    then Amara and Ben (who shares the music group with Dev) left long ago; Chloe left this summer."""
    head, senco = actor(later, "hcarter"), actor(later, "mokafor")
    later.requests.decide(head, "r-001", "approve", reason="all rules met")
    outcome = later.outcomes.add_outcome(senco, AMARA, "communication_and_interaction", "Amara uses her AAC device")
    target = later.outcomes.add_target(senco, outcome, "asks for a break with the device")
    with later.db.read_session() as session:
        solo = session.scalar(select(BookingOccurrenceRow.id).join(BookingRow).where(BookingRow.ext_id == "b-001")
                              .order_by(BookingOccurrenceRow.starts_at))
        group = session.scalar(select(BookingOccurrenceRow.id).join(BookingRow).where(BookingRow.ext_id == "b-002"))
    later.sessions.mark(senco, solo, True, target_id=target, note="Amara asked for a break twice")
    with later.db.session() as session:  # notes on her own booking and on the group's (the SENCO's, as written)
        session.execute(update(BookingRow).where(BookingRow.ext_id == "b-001").values(notes="Amara Osei: the frame"))
        session.execute(update(BookingRow).where(BookingRow.ext_id == "b-002").values(notes="Ben Hughes sits left"))
    later.sessions.mark(senco, group, True, note="a calm group today")
    ids = {
        "amara": make_leaver(later, head, AMARA, date(1990, 3, 11), date(2008, 7, 18)),
        "ben": make_leaver(later, head, BEN, date(1993, 7, 29), date(2011, 7, 20)),
        "chloe": make_leaver(later, head, CHLOE, date(2013, 1, 5), date(2026, 7, 20)),
        "solo": solo, "group": group,
    }
    return ids


def count(services, model, *where) -> int:
    with services.db.read_session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def audit_text(services) -> str:
    with services.db.read_session() as session:
        return json.dumps([[r.entity_id, r.before, r.after, r.note] for r in session.scalars(select(AuditRow))],
                          ensure_ascii=False)


class TestDue:
    def test_leavers_past_date_of_birth_plus_31_years_are_listed_oldest_first(self, later, records, actor):
        head = actor(later, "hcarter")
        due = later.retention.due_for_erasure(head)
        assert [(d.id, d.upn, d.keep_until) for d in due] == [
            (records["amara"], AMARA, date(2021, 3, 11)), (records["ben"], BEN, date(2024, 7, 29))]
        assert due[0].name == "Amara Osei" and due[0].left_on == date(2008, 7, 18)

    def test_the_schools_retention_years_decide(self, later, records, actor):
        later.school.update_settings(actor(later, "admin"), {"retention_years": 35})
        assert [d.upn for d in later.retention.due_for_erasure(actor(later, "hcarter"))] == [AMARA]

    def test_29_february_is_kept_until_the_28th(self):
        assert keep_until(date(2008, 2, 29), 31) == date(2039, 2, 28)
        assert keep_until(date(2008, 2, 29), 32) == date(2040, 2, 29)

    def test_only_the_headteacher_and_the_administrator(self, later, actor):
        for username in ("mokafor", "sbrown", "ttaylor"):
            with pytest.raises(NotAllowed, match="retention.manage"):
                later.retention.due_for_erasure(actor(later, username))
        assert later.retention.due_for_erasure(actor(later, "admin")) == []


class TestErase:
    def test_the_pupils_and_every_row_about_them_go_and_the_rest_stays(self, later, records, actor):
        head = actor(later, "hcarter")
        dev = later.pupils.id_of(head, DEV)
        dev_consents = count(later, ConsentRow, ConsentRow.pupil_id == dev)
        done = later.retention.erase(head, [records["amara"], records["ben"]])
        assert done.erased == (records["amara"], records["ben"]) and done.redacted_entries > 0
        gone = [records["amara"], records["ben"]]
        assert count(later, PupilRow, PupilRow.id.in_(gone)) == 0
        for entry in PUPIL_TABLES:  # every table holding a pupil_id (store/pupil_tables.py)
            if entry.parent == "pupils":
                assert count(later, entry.model, entry.model.pupil_id.in_(gone)) == 0, entry.table
            elif entry.erasure is Erasure.DELETED:  # and what hung from their rows: no row left without its parent
                parent = Base.metadata.tables[entry.parent]
                link = getattr(entry.model, entry.link)
                assert count(later, entry.model, link.not_in(select(parent.c.id))) == 0, entry.table
        assert count(later, TargetRow) == 0 and count(later, RequestEventRow) == count(
            later, RequestEventRow, RequestEventRow.request_id.in_(select(RequestRow.id)))
        # the sessions stay, for the others in them and the school's figures; a note about Amara alone goes
        assert count(later, BookingOccurrenceRow, BookingOccurrenceRow.id == records["solo"]) == 1
        with later.db.read_session() as session:
            solo = session.scalar(select(SessionRecordRow).where(SessionRecordRow.occurrence_id == records["solo"]))
            group = session.scalar(select(SessionRecordRow).where(SessionRecordRow.occurrence_id == records["group"]))
            assert solo.delivered and solo.note is None and solo.target_id is None
            assert group.note == "a calm group today"
            from_request = session.scalars(select(BookingRow).where(BookingRow.purpose.like("%(r-001)"))).all()
            assert from_request and all(b.request_id is None for b in from_request)
        # Dev and Chloe are untouched
        assert count(later, BookingPupilRow, BookingPupilRow.pupil_id == dev) == 1
        assert count(later, ConsentRow, ConsentRow.pupil_id == dev) == dev_consents
        assert {p.upn for p in later.pupils.list_pupils(head, include_left=True)} == {CHLOE, DEV}
        assert later.retention.due_for_erasure(head) == []

    def test_no_table_about_pupils_names_them_afterwards(self, later, records, actor):
        """Every table of the registry (store/pupil_tables.py), the ones kept for others included."""
        def text_of(model) -> str:
            with later.db.read_session() as session:
                rows = session.execute(select(model.__table__)).all()
            return json.dumps([list(row) for row in rows], ensure_ascii=False, default=str)

        before = {entry.table for entry in PUPIL_TABLES if any(w in text_of(entry.model) for w in PERSONAL)}
        assert {"pupils", "contacts", "audit_events", "bookings"} <= before  # the words are there to be found
        later.retention.erase(actor(later, "hcarter"), [records["amara"], records["ben"]])
        for entry in PUPIL_TABLES:
            text = text_of(entry.model)
            assert [w for w in PERSONAL if w in text] == [], entry.table

    def test_the_audit_trail_keeps_the_erasure_without_personal_data_and_still_checks(self, later, records, actor):
        head = actor(later, "hcarter")
        assert any(word in audit_text(later) for word in PERSONAL)  # before: the trail names them
        later.retention.erase(head, [records["amara"]])
        with later.db.read_session() as session:
            erase = session.scalar(select(AuditRow).where(AuditRow.action == "erase"))
            redact = session.scalar(select(AuditRow).where(AuditRow.action == "redact"))
            left = session.scalar(select(AuditRow).where(AuditRow.action == "left",
                                                         AuditRow.entity_id == str(records["amara"])))
            assert erase.note == f"erased pupil record {records['amara']} (left 2008-07-18) under the retention policy"
            assert (erase.entity, erase.entity_id, erase.before, erase.after) == (
                "pupil", str(records["amara"]), None, None)
            assert left.before == {"erased": True} and left.after == {"erased": True}
            assert left.id in [e["entry"] for e in redact.after["entries"]]
            assert verify_chain(session) == []
        text = audit_text(later)
        for word in ("Amara", "Osei", AMARA, "Abena", "PB-3190-0412", "07700 900412"):
            assert word not in text, word
        with later.db.read_session() as session:  # Ben was not erased: his entries are as they were written
            ben_left = session.scalar(select(AuditRow).where(AuditRow.action == "left",
                                                             AuditRow.entity_id == str(records["ben"])))
            assert ben_left.after == {"left_on": "2011-07-20"}
        assert later.audit.verify(head).message.startswith("The audit trail is intact")

    def test_a_redacted_entry_changed_again_is_still_found(self, later, records, actor):
        head = actor(later, "hcarter")
        later.retention.erase(head, [records["amara"]])
        with later.db.session() as session:
            left = session.scalar(select(AuditRow).where(AuditRow.action == "left",
                                                         AuditRow.entity_id == str(records["amara"])))
            left_id = left.id
            session.execute(update(AuditRow).where(AuditRow.id == left_id).values(after={"erased": False}))
        with later.db.read_session() as session:
            assert verify_chain(session) == [f"entry {left_id} was changed after it was written"]

    def test_all_or_none_and_only_when_due(self, later, records, actor):
        head = actor(later, "hcarter")
        with pytest.raises(Refused, match="kept until 05 Jan 2044"):
            later.retention.erase(head, [records["amara"], records["chloe"]])
        dev = later.pupils.id_of(head, DEV)
        with pytest.raises(Refused, match="on roll"):
            later.retention.erase(head, [dev])
        assert count(later, PupilRow) == 4
        with pytest.raises(NotAllowed):
            later.retention.erase(actor(later, "mokafor"), [records["amara"]])
