"""Reports on the large synthetic school (issue 7's budgets: one review pack within 0.5 s after start-up;
packs for 400 pupils within 90 s in the background). Printed by pytest-benchmark, never asserted."""

from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.perf


@pytest.fixture(scope="module")
def senco(large):  # noqa: ANN001, ANN201
    return large.auth.sign_in("mokafor", "demo-senco-2026")


@pytest.fixture(scope="module")
def upns(large, senco):  # noqa: ANN001, ANN201
    return [p.upn for p in large.pupils.list_pupils(senco) if p.has_ehcp]


def test_one_review_pack(benchmark, large, senco, upns):
    """Figures gathered, laid out and written: one pupil's pack."""
    from fairfields_desktop.reports.make import make

    pupils = iter(upns * 10)
    benchmark.pedantic(lambda: make(large, senco, "review-pack", io.BytesIO(), upn=next(pupils)), rounds=15,
                       warmup_rounds=1)


def test_the_week_s_room_timetable(benchmark, large):
    from fairfields_desktop.reports.make import make

    office = large.auth.sign_in("sbrown", "demo-office-2026")
    from datetime import date

    benchmark.pedantic(lambda: make(large, office, "timetable", io.BytesIO(), week=date(2026, 11, 25)), rounds=5)
