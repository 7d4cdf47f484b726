"""The log file holds record ids, never a pupil's name, UPN or a note: a run of everyday use cases with
every logger at DEBUG leaves none of them in any log record."""

from __future__ import annotations

import logging
from datetime import date, datetime

import pytest
from sqlalchemy import select

from fairfields_desktop.domain.errors import FairfieldsError
from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.store.models import BookingOccurrenceRow, BookingRow

NEW = {
    "upn": "T319700122013", "first_name": "Zoë", "last_name": "Ødegaard", "date_of_birth": "2016-10-04",
    "year_group": 5, "class": "Willow", "attendance_percent": 96.0, "attendance_as_of": "2026-11-20",
    "ehcp": {"issued": "2024-01-10", "last_review": "2025-12-01", "personal_budget": None},
    "areas_of_need": ["cognition_and_learning"], "looked_after": None,
    "contacts": [{"name": "Ingrid Ødegaard", "relationship": "mother", "parental_responsibility": True,
                  "phone": "07700 900999", "email": None}],
}
NOTES = ("Zoë counted to twenty with the abacus", "attendance rising since September, the family say",
         "Amara took her AAC device to the group", "Sessions for Zoë after half term")


def secrets_of(doc: dict) -> set[str]:
    """Every pupil's first and last name, UPN and contacts' names, and the notes written in the test."""
    words = set(NOTES)
    for pupil in [*doc["pupils"], NEW]:
        words |= {pupil["first_name"], pupil["last_name"], pupil["upn"]}
        words |= {c["name"] for c in pupil.get("contacts") or []}
    return words


def test_everyday_use_cases_log_ids_only(open_school, db_url, example_doc, actor, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, the app's and its libraries'
    services = open_school(db_url)
    services.dataset.load(example_doc)
    head, senco = actor(services, "hcarter"), actor(services, "mokafor")
    with pytest.raises(FairfieldsError):
        services.auth.sign_in("mokafor", "not the password")
    saved = services.pupils.save_pupil(senco, NEW)
    with pytest.raises(FairfieldsError):  # a stale edit: the message names the pupil, the log must not
        services.pupils.save_pupil(senco, {**NEW, "first_name": "Zoe"}, saved.id, saved.version - 1)
    services.pupils.add_consent(senco, saved.id, professional="nhs-slt-1", sections=["outcomes"],
                                given_by_kind="parent", given_by="Ingrid Ødegaard", given_on=date(2026, 11, 2))
    services.bookings.book(senco, BookingDraft(space="Meeting Room", start=datetime(2026, 11, 30, 11, 0),
                                               end=datetime(2026, 11, 30, 11, 30), professional="nhs-slt-1",
                                               pupils=(NEW["upn"], "Z319700118114"), title="Sessions after half term",
                                               notes=NOTES[3]))
    services.requests.decide(head, "r-002", "approve", overrides={"ATTENDANCE": NOTES[1]})
    services.requests.decide(head, "r-003", "decline", reason=NOTES[1])
    later = open_school(db_url, today=date(2026, 12, 1))
    with later.db.read_session() as session:
        occurrence = session.scalar(select(BookingOccurrenceRow.id).join(BookingRow)
                                    .where(BookingRow.ext_id == "b-001").order_by(BookingOccurrenceRow.starts_at))
    later.sessions.mark(actor(later, "mokafor"), occurrence, True, note=NOTES[2])
    zoe_outcome = later.outcomes.add_outcome(actor(later, "mokafor"), NEW["upn"], "cognition_and_learning", NOTES[0])
    later.outcomes.add_target(actor(later, "mokafor"), zoe_outcome, NOTES[0])
    later.subject_access.export(actor(later, "hcarter"), saved.id)
    later.audit.search(actor(later, "hcarter"), text="Zoë")
    later.audit.verify(actor(later, "hcarter"))

    assert caplog.records, "the use cases logged nothing at all: is logging captured?"
    secrets = secrets_of(example_doc)
    leaks = []
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        leaks += [(record.name, word, text) for word in secrets if word in text]
    assert leaks == []
