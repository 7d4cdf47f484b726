"""The migrations and the models agree: a database built by the migrations alone has exactly the tables,
columns, types, nullability, indexes, unique constraints and foreign keys the models declare.

Alembic's autogenerate compares the two (as `alembic revision --autogenerate` would); any difference is a
model changed without a migration, or a migration the models do not know: the test names it.
"""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from fairfields_desktop.store.models import Base


def _differences(services) -> list:
    with services.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        return compare_metadata(context, Base.metadata)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_migrated_database_is_what_the_models_say(kind, request, open_school):
    services = open_school(request.getfixturevalue("sqlite_url" if kind == "sqlite" else "pg_url"))
    differences = _differences(services)
    assert differences == [], "models and migrations disagree:\n" + "\n".join(map(repr, differences))


def test_the_check_finds_a_model_change_without_a_migration(sqlite_url, open_school):
    """The comparison is not blind: a column the models have and the database lacks is found."""
    services = open_school(sqlite_url)
    with services.db.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE spaces DROP COLUMN capacity")
    assert any(d[0] == "add_column" and d[2] == "spaces" and d[3].name == "capacity" for d in _differences(services))
