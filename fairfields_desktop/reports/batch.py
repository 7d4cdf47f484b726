"""Review packs for every annual review due in a period, made in a worker process.

ReportLab holds the interpreter while it lays out a pack, so a thread would stall the window: the window
starts `run_batch` in a *spawned* process (`start_batch`), reads its messages from a queue and can ask it
to stop between pupils. The child opens its own services on the same database (with the parent's key or
password, passed over the pipe); it never imports Qt.

Messages on the queue, in order:

* ``("started", total)`` once the worker has opened the database;
* ``("progress", done, total, name)`` after each pupil's pack (or error);
* ``("error", upn, message)`` when one pupil's pack could not be made (the batch goes on);
* then exactly one of ``("done", [paths])``, ``("cancelled", [paths])`` (the packs finished before the
  stop, kept) or ``("failed", message)`` (the batch could not start, e.g. the database would not open).

Every file is written as ``NAME.pdf.part`` and renamed when complete: never a half-written PDF.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def pupils_due(services, actor, first: date, last: date) -> list[tuple[str, str]]:
    """(UPN, name) of each pupil whose annual review is due from ``first`` to ``last``, or whose review
    meeting falls then; each once, in order of the earlier of the two dates."""
    names = {p.upn: p.name for p in services.pupils.list_pupils(actor)}
    when: dict[str, date] = {}
    for item in services.due.due(actor, None):
        if item.kind == "annual_review" and first <= item.due <= last:
            when[item.subject] = min(item.due, when.get(item.subject, item.due))
    for review in services.reviews.list_reviews(actor, first, last):
        names.setdefault(review.pupil_upn, review.pupil_name)
        when[review.pupil_upn] = min(review.meeting_on, when.get(review.pupil_upn, review.meeting_on))
    order = sorted(when, key=lambda upn: (when[upn], names.get(upn, upn), upn))
    return [(upn, names.get(upn, upn)) for upn in order]


def file_name(name: str) -> str:
    """A pupil's pack's file name: their name, with what no file system allows taken out."""
    cleaned = _UNSAFE.sub(" ", name).strip(" .") or "pupil"
    return f"Review pack - {cleaned}.pdf"


def merged_name(first: date, last: date) -> str:
    return f"Review packs {first.isoformat()} to {last.isoformat()}.pdf"


def _unique(folder: Path, name: str, taken: set[str]) -> Path:
    """``folder/name``, or ``name (2)``… when that is already written by this batch or lies there."""
    stem, suffix = name[: -len(".pdf")], ".pdf"
    candidate, n = name, 1
    while candidate in taken or (folder / candidate).exists():
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    taken.add(candidate)
    return folder / candidate


def _write(path: Path, write: Any) -> Any:
    """Call ``write(part)`` on ``path.part`` then rename it to ``path``; never leave a part behind."""
    part = path.with_name(path.name + ".part")
    try:
        result = write(part)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return result


def _merge(paths: list[Path], out: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
    with out.open("wb") as stream:
        writer.write(stream)
    writer.close()


def run_batch(db_url: str, today: date | None, actor, upns, out_dir: str, merged: bool,
              queue, cancel_event, *, password: str | None = None, key: str | None = None,
              period: tuple[date, date] | None = None, pause: float = 0.0) -> None:
    """The worker process's whole life: open the services, make each pupil's pack, report on ``queue``.

    ``upns`` holds UPNs or (UPN, name) pairs; ``password`` is a PostgreSQL password and ``key`` an SQLite
    file's key, as the parent holds them in memory (neither is ever written anywhere). ``pause`` waits that
    many seconds after each pupil (the wait ends at once on cancelling): for tests and demonstrations."""
    try:
        from ..app import open_worker_services
        from ..domain.errors import FairfieldsError
        from .make import make

        # the parent's key and password, handed over the pipe: the worker never asks a keyring or a person
        services = open_worker_services(db_url, today, password=password, key=key)
    except Exception as exc:  # the parent says what went wrong
        queue.put(("failed", f"the batch could not open the database: {exc}"))
        return
    folder = Path(out_dir)
    pupils = [(u, u) if isinstance(u, str) else (u[0], u[1]) for u in upns]
    total = len(pupils)
    made: list[Path] = []
    taken: set[str] = set()
    try:
        queue.put(("started", total))
        for done, (upn, name) in enumerate(pupils, start=1):
            if cancel_event.is_set():
                queue.put(("cancelled", [str(p) for p in made]))
                return
            part = folder / f"{file_name(name)}.part"
            try:
                result = make(services, actor, "review-pack", part, upn=upn)
                name = result.subject or name
                path = _unique(folder, file_name(name), taken)
                os.replace(part, path)
            except FairfieldsError as exc:
                part.unlink(missing_ok=True)
                queue.put(("error", upn, str(exc)))
            except Exception as exc:  # one pupil's failure does not stop the others
                part.unlink(missing_ok=True)
                log.exception("review pack %d of %d failed in the batch", done, total)  # never the UPN
                queue.put(("error", upn, f"{type(exc).__name__}: {exc}"))
            else:
                made.append(path)
            queue.put(("progress", done, total, name))
            if pause and done < total:
                cancel_event.wait(pause)
        if merged and made:
            first, last = period or (today or date.today(), today or date.today())
            out = _unique(folder, merged_name(first, last), taken)
            _write(out, lambda part: _merge(made, part))
            for path in made:
                path.unlink(missing_ok=True)
            made = [out]
        queue.put(("done", [str(p) for p in made]))
    except Exception as exc:
        log.exception("the batch of review packs failed")
        queue.put(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        services.close()


@dataclass
class Batch:
    """A batch running in its worker process, seen from the parent."""

    process: Any
    queue: Any
    cancel_event: Any
    total: int

    def messages(self) -> list[tuple]:
        """What the worker said since the last call (never waits)."""
        import queue as queue_module

        out = []
        while True:
            try:
                out.append(self.queue.get_nowait())
            except queue_module.Empty:
                return out

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def finish(self, timeout: float = 10.0) -> None:
        """Wait for the worker to end (stop it if it will not), and free the queue."""
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(2.0)
        self.queue.close()
        self.queue.join_thread()
        self.process.close()


def start_batch(services, actor, pupils: list[tuple[str, str]], out_dir: str | Path, *,
                merged: bool, period: tuple[date, date] | None = None, pause: float = 0.0) -> Batch:
    """Start making the packs of ``pupils`` in a spawned worker process (it opens the same database)."""
    url = services.db.url
    password = url.password
    db_url = url.set(password=None).render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    cancel_event = context.Event()
    process = context.Process(
        target=run_batch, name="fairfields-review-packs", daemon=True,
        args=(db_url, services.clock.today(), actor, list(pupils), str(out_dir), merged, queue, cancel_event),
        kwargs={"password": str(password) if password else None, "key": getattr(services.db, "key", None),
                "period": period, "pause": pause})
    process.start()
    return Batch(process, queue, cancel_event, len(pupils))
