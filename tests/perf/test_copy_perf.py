"""`db copy`: the large synthetic school (six years of weekly bookings) from its SQLite file onto a new
PostgreSQL database, as a school moving from a trial would. Figures printed, never asserted."""

from __future__ import annotations

import time

import pytest

pytestmark = [pytest.mark.perf, pytest.mark.postgres]


def test_copy_the_large_school_to_postgresql(large, open_school, pg_url, capsys):  # noqa: ANN001
    admin = large.auth.sign_in("admin", "demo-admin-2026")
    server = open_school(pg_url)
    began = time.perf_counter()
    counts = large.backups.copy_to(admin, server.db)
    took = time.perf_counter() - began
    rows = sum(counts.values())
    with capsys.disabled():
        print(f"\ndb copy, SQLite → PostgreSQL: {rows} rows in {len(counts)} tables in {took:.1f} s "
              f"({rows / took:,.0f} rows/s); booking occurrences {counts['booking_occurrences']}")
    assert server.audit.verify(admin).intact
