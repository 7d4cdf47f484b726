"""The large synthetic school, built once per benchmark run (about 10 s)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def large(tmp_path_factory):  # noqa: ANN001, ANN201
    from synthetic import build_large_school

    services, rows = build_large_school(f"sqlite:///{tmp_path_factory.mktemp('large') / 'large.sqlite3'}")
    print(f"\nlarge synthetic school: {rows} booking occurrence rows")
    yield services
    services.close()
