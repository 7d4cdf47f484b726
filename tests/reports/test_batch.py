"""Review packs for a period in a worker process: who is due, one file per pupil or one merged file,
cancelling between pupils, one pupil's error not stopping the others. Spawned processes cost a second or
two each, so only three tests start one."""

from __future__ import annotations

import io
import queue
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from fairfields_desktop.reports.batch import (
    file_name,
    pupils_due,
    run_batch,
    start_batch,
)
from fairfields_desktop.reports.make import make

BEN = ("X319700119023", "Ben Hughes")
AMARA = ("Z319700118114", "Amara Osei")
CHLOE = ("X319700117077", "Chloe Nowak")
DEV = ("X319700121005", "Dev Sharma")
NOV_DEC = (date(2026, 11, 1), date(2026, 12, 31))


def pdf_text(path: Path) -> str:
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pages(path: Path | bytes) -> int:
    return len(PdfReader(io.BytesIO(path) if isinstance(path, bytes) else path).pages)


def run_to_end(batch, timeout: float = 60.0, on_message=None) -> list[tuple]:
    """Every message until the last one, then the worker joined."""
    said: list[tuple] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            for message in batch.messages():
                said.append(message)
                if on_message is not None:
                    on_message(message)
                if message[0] in ("done", "cancelled", "failed"):
                    return said
            time.sleep(0.02)
        pytest.fail(f"the batch did not end within {timeout} s; it said {said}")
    finally:
        batch.finish(10.0)
    return said


@pytest.fixture
def senco(sqlite_school, actor):
    return actor(sqlite_school, "mokafor")


def test_pupils_due_are_those_whose_review_is_due_or_meets_in_the_period(sqlite_school, senco):
    assert pupils_due(sqlite_school, senco, *NOV_DEC) == [BEN, AMARA]
    assert pupils_due(sqlite_school, senco, date(2027, 1, 1), date(2027, 1, 31)) == [CHLOE]
    assert pupils_due(sqlite_school, senco, date(2027, 5, 1), date(2027, 6, 30)) == []
    # Chloe's review is due in January, but her meeting is set for December: she is in December's batch
    sqlite_school.reviews.schedule(senco, CHLOE[0], date(2026, 12, 10))
    assert pupils_due(sqlite_school, senco, *NOV_DEC) == [BEN, AMARA, CHLOE]
    # each pupil once, even when both the due date and the meeting fall in the period
    assert pupils_due(sqlite_school, senco, date(2026, 11, 1), date(2027, 1, 31)) == [BEN, AMARA, CHLOE]


def test_the_worker_never_imports_qt():
    code = ("import sys, fairfields_desktop.reports.batch as b, fairfields_desktop.app, "
            "fairfields_desktop.reports.make, fairfields_desktop.reports.review_pack; "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_one_pupils_error_does_not_stop_the_others_and_no_part_file_is_left(sqlite_school, senco, tmp_path):
    out = tmp_path / "packs"
    out.mkdir()
    said: queue.Queue = queue.Queue()
    url = sqlite_school.db.url.render_as_string(hide_password=False)
    run_batch(url, date(2026, 11, 23), senco, ["Y000000000000", AMARA], str(out), False, said, threading.Event(),
              key=getattr(sqlite_school.db, "key", None))
    messages = []
    while not said.empty():
        messages.append(said.get())
    assert messages[0] == ("started", 2)
    assert messages[1][:2] == ("error", "Y000000000000") and "no pupil with UPN" in messages[1][2]
    assert messages[2:4] == [("progress", 1, 2, "Y000000000000"), ("progress", 2, 2, "Amara Osei")]
    assert messages[4] == ("done", [str(out / "Review pack - Amara Osei.pdf")])
    assert sorted(p.name for p in out.iterdir()) == ["Review pack - Amara Osei.pdf"]


def test_a_batch_in_a_spawned_process_writes_one_pdf_per_pupil(sqlite_school, senco, tmp_path, monkeypatch):
    pupils = pupils_due(sqlite_school, senco, *NOV_DEC)
    # the worker opens the database with what the window holds in memory: no key in its environment
    monkeypatch.delenv("FAIRFIELDS_DB_KEY", raising=False)
    batch = start_batch(sqlite_school, senco, pupils, tmp_path, merged=False, period=NOV_DEC)
    assert batch.process.pid != 0 and batch.total == 2
    said = run_to_end(batch)
    assert said[0] == ("started", 2)
    assert [m for m in said if m[0] == "progress"] == [("progress", 1, 2, "Ben Hughes"),
                                                       ("progress", 2, 2, "Amara Osei")]
    paths = [Path(p) for p in said[-1][1]]
    assert said[-1][0] == "done" and [p.name for p in paths] == [file_name("Ben Hughes"), file_name("Amara Osei")]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".part")) == sorted(p.name for p in paths)
    ben, amara = (pdf_text(p) for p in paths)
    assert "Ben Hughes" in ben and "Amara Osei" not in ben
    assert "Amara Osei" in amara and "Ben Hughes" not in amara


def test_a_merged_batch_writes_one_file_with_every_pack(sqlite_school, senco, tmp_path):
    pupils = pupils_due(sqlite_school, senco, *NOV_DEC)
    expected = 0
    for upn, _name in pupils:
        one = io.BytesIO()
        make(sqlite_school, senco, "review-pack", one, upn=upn)
        expected += pages(one.getvalue())
    said = run_to_end(start_batch(sqlite_school, senco, pupils, tmp_path, merged=True, period=NOV_DEC))
    assert said[-1] == ("done", [str(tmp_path / "Review packs 2026-11-01 to 2026-12-31.pdf")])
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".part")) == [
        "Review packs 2026-11-01 to 2026-12-31.pdf"]  # the single packs were merged and removed
    merged = Path(said[-1][1][0])
    text = pdf_text(merged)
    assert "Ben Hughes" in text and "Amara Osei" in text
    assert text.index("Ben Hughes") < text.index("Amara Osei")
    assert pages(merged) == expected


def test_cancelling_after_the_first_pack_stops_and_keeps_it(sqlite_school, senco, tmp_path):
    out = tmp_path / "packs"
    out.mkdir()
    pupils = [BEN, AMARA, CHLOE, DEV]
    # the worker waits after each pack until cancelled (ending the wait at once): the stop comes at a known point
    batch = start_batch(sqlite_school, senco, pupils, out, merged=True, period=NOV_DEC, pause=30.0)
    started = time.monotonic()
    said = run_to_end(batch, on_message=lambda m: m[0] == "progress" and batch.cancel())
    assert time.monotonic() - started < 25  # it did not sit out the pause
    assert [m for m in said if m[0] == "progress"] == [("progress", 1, 4, "Ben Hughes")]
    assert said[-1] == ("cancelled", [str(out / file_name("Ben Hughes"))])
    # the finished pack is kept whole (not merged), and nothing half-written is left
    assert sorted(p.name for p in out.iterdir()) == [file_name("Ben Hughes")]
    assert "Ben Hughes" in pdf_text(out / file_name("Ben Hughes"))
