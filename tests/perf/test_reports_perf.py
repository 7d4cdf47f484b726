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


def test_packs_for_400_pupils_in_the_background(large, senco, tmp_path):
    """The batch in its worker process, as the Reports screen runs it: every pupil of the large school
    (400), one file each. Printed: total seconds and packs per second (issue 7's budget: 90 s)."""
    import time

    from fairfields_desktop.reports.batch import start_batch

    pupils = [(p.upn, p.name) for p in large.pupils.list_pupils(senco)][:400]
    started = time.perf_counter()
    batch = start_batch(large, senco, pupils, tmp_path, merged=False)
    done, errors = 0, []
    try:
        while batch.alive or done < len(pupils):
            for message in batch.messages():
                if message[0] == "progress":
                    done = message[1]
                elif message[0] == "error":
                    errors.append(message)
                elif message[0] in ("done", "failed", "cancelled"):
                    batch.alive  # noqa: B018
            if not batch.alive:
                break
            time.sleep(0.2)
    finally:
        batch.finish(timeout=600)
    seconds = time.perf_counter() - started
    files = list(tmp_path.glob("*.pdf"))
    print(f"\nbatch: {len(files)} review packs for {len(pupils)} pupils in {seconds:.1f} s "
          f"({len(files) / seconds:.1f} packs/s), {len(errors)} errors")
    assert len(files) == len(pupils) and not errors
