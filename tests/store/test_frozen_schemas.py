"""Every released schema, frozen as a database holding the example school, upgrades to the current one.

When a migration is added, freeze a database of the schema before it here (`tests/data/schemas/`):
a school that installed that release must open in this one with nothing lost. From 0007 on the frozen
files are encrypted with SQLCipher under the tests' key (`FAIRFIELDS_DB_KEY` in tests/conftest.py), as a
school's file is; made with `fairfields --db sqlite:///tests/data/schemas/NNNN-example.db init` then `load
tests/data/example-school.json` on a checkout of that release.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fairfields_desktop.store.migrate import current_revision, head_revision

SCHEMAS = sorted((Path(__file__).parent.parent / "data" / "schemas").glob("*.db"))


@pytest.mark.parametrize("frozen", SCHEMAS, ids=[p.stem for p in SCHEMAS])
def test_a_frozen_database_opens_upgraded_with_the_school_intact(frozen, tmp_path, open_school, example_doc, actor):
    copy = tmp_path / frozen.name
    shutil.copy(frozen, copy)
    services = open_school(f"sqlite:///{copy}")
    assert current_revision(services.db) == head_revision()
    dump = services.dataset.dump(actor(services, "admin"))
    assert [p["upn"] for p in dump["pupils"]] == [p["upn"] for p in example_doc["pupils"]]
    assert dump["bookings"][0]["repeat_weekly_until"] == "2026-12-15"
    assert services.auth.sign_in("hcarter", "demo-head-2026").roles == frozenset({"headteacher"})


def test_there_is_a_frozen_database_of_the_first_schema():
    assert any(p.stem.startswith("0001") for p in SCHEMAS)
