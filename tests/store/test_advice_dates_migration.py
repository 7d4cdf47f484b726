"""Migration 0008: advice stored due before the day it was asked (asked less than two weeks before the
meeting, by an earlier version) becomes due on the day it was asked; other advice keeps its date."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from sqlalchemy import select

from fairfields_desktop.store.database import _connect_file
from fairfields_desktop.store.migrate import current_revision, head_revision
from fairfields_desktop.store.models import AdviceRequestRow

FROZEN = Path(__file__).parent.parent / "data" / "schemas" / "0007-example.db"
KEY = "5f" * 32  # the tests' key (tests/conftest.py)


def test_advice_asked_late_in_a_0007_database_is_mended_to_due_at_once(tmp_path, open_school, actor):
    copy = tmp_path / FROZEN.name
    shutil.copy(FROZEN, copy)
    conn = _connect_file(copy, KEY)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0007"
        pupil = conn.execute("SELECT id FROM pupils ORDER BY id").fetchone()[0]
        pro = conn.execute("SELECT id FROM professionals ORDER BY id").fetchone()[0]
        rows = [  # (requested_on, due): asked late, asked in time, a needs assessment's with no due
            ("2026-11-20", "2026-11-16", "annual_review"),
            ("2026-11-02", "2026-11-16", "annual_review"),
            ("2026-11-20", None, "needs_assessment"),
        ]
        for requested, due, kind in rows:
            conn.execute("INSERT INTO advice_requests (pupil_id, professional_id, kind, requested_on, due, purpose) "
                         "VALUES (?, ?, ?, ?, ?, 'test')", (pupil, pro, kind, requested, due))
    finally:
        conn.close()

    services = open_school(f"sqlite:///{copy}")
    assert current_revision(services.db) == head_revision()
    with services.db.read_session() as session:
        stored = {(a.requested_on, a.kind): a.due for a in session.scalars(
            select(AdviceRequestRow).where(AdviceRequestRow.purpose == "test"))}
    assert stored == {(date(2026, 11, 20), "annual_review"): date(2026, 11, 20),  # mended: due at once
                      (date(2026, 11, 2), "annual_review"): date(2026, 11, 16),  # kept
                      (date(2026, 11, 20), "needs_assessment"): None}
    # and the school now dumps into a dataset the loader takes (the failed restore)
    doc = services.dataset.dump(actor(services, "admin"))
    assert all(a["due"] is None or a["due"] >= a["requested_on"] for a in doc["advice_requests"])
