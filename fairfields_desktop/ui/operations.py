"""One way to make a change from the window: the use case runs off the UI thread, and what goes wrong is
shown to the person as what it is.

`perform(owner, call)` runs ``call`` (one service use case) on the thread pool while the window goes on
painting and ticking: ``owner`` (the form or the screen) is disabled meanwhile, so a second click cannot
start it twice, and after 0.4 s a busy indicator says what is being done. It returns the result, or:

* database trouble (another PC held the database too long, the disk is full, the connection was lost, a
  clash at the same moment): a message saying what happened and what to do, with **Try again** (the same
  call runs again) unless the outcome is unknown; closed, `NotDone` is raised so the form stays open with
  what was typed;
* a record changed by someone else since it was opened (`StaleRecord`): when the caller gives
  ``reload``, who and when with **Reload**, then `NotDone`; else raised for the caller to say (most forms
  already offer their own reload, `people_view.run_edit_form`);
* any other known error (bad input, a rule's refusal, not allowed): raised as it is, for the form to show
  beside its fields, as before;
* a bug (anything not a `FairfieldsError`): logged with its traceback, shown once as a fault of the app,
  then `NotDone`.

`NotDone` is a `FairfieldsError`, so a form's ``except FairfieldsError`` keeps it open and says why in
its message line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ..domain.errors import FairfieldsError, StaleRecord
from ..services.errors import DatabaseBusy, DatabaseError, DatabaseUnavailable
from .workers import wait_in_background

log = logging.getLogger(__name__)


class NotDone(FairfieldsError):
    """The change was not made and the person has been told why in a message; ``cause`` is the error."""

    def __init__(self, message: str, cause: BaseException) -> None:
        super().__init__(message)
        self.cause = cause


@dataclass(frozen=True)
class Job:
    """A use case with its arguments already read from the form (on the UI thread): run off it."""

    fn: Callable[..., Any]
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def __call__(self) -> Any:
        return self.fn(*self.args, **self.kwargs)


def job(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
    """``fn(*args, **kwargs)`` to be run off the UI thread: a form's save returns this (see `forms.run_form`)
    after reading its widgets, since the worker thread must never touch them."""
    return Job(fn, args, kwargs)


def run_save(owner: QWidget, save: Callable[[], Any], **options: Any) -> Any:
    """Call ``save`` here (it reads the form and may check it); a `Job` it returns runs through `perform`."""
    outcome = save()
    return perform(owner, outcome, **options) if isinstance(outcome, Job) else outcome


class _Events(QObject):
    """What tests (and the status line) may follow: a message about trouble is about to be shown."""

    trouble_shown = Signal(object)  # the QMessageBox, before it waits for the person


events = _Events()


def is_database_trouble(exc: BaseException) -> bool:
    return bool(isinstance(exc, (DatabaseBusy, DatabaseUnavailable, DatabaseError))
                or getattr(exc, "retryable", False))


def can_try_again(exc: BaseException) -> bool:
    """Trying the same call again is safe: nothing was changed (not a connection lost mid-commit)."""
    return is_database_trouble(exc) and not getattr(exc, "outcome_unknown", False)


def _sentence(text: object) -> str:
    text = str(text).strip()
    return (text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")) if text else ""


def trouble_box(parent: QWidget | None, exc: BaseException, verb: str, *, reload: bool = False) -> str:
    """Show database trouble, a stale record or a bug; returns the choice: "retry", "reload" or "close"."""
    if isinstance(exc, FairfieldsError) and is_database_trouble(exc):
        box = QMessageBox(QMessageBox.Icon.Warning, "The database could not be used", f"{verb}. {_sentence(exc)}",
                          QMessageBox.StandardButton.NoButton, parent)
        box.setObjectName("databaseTrouble")
        box.setInformativeText("What you typed is kept." + (" Try again when the other PC has finished, or the "
                                                              "fault is put right." if can_try_again(exc) else ""))
    elif isinstance(exc, StaleRecord):
        box = QMessageBox(QMessageBox.Icon.Warning, "Changed by someone else", f"{verb}. {_sentence(exc)}",
                          QMessageBox.StandardButton.NoButton, parent)
        box.setObjectName("staleRecord")
        box.setInformativeText("Reload shows the record as it is saved now; then make your change again. "
                               if reload else "Nothing of their change was overwritten.")
    else:
        box = QMessageBox(QMessageBox.Icon.Critical, "Something went wrong",
                          f"{verb}: a fault in Fairfields Desktop stopped it ({type(exc).__name__}: {exc}).",
                          QMessageBox.StandardButton.NoButton, parent)
        box.setObjectName("bugReport")
        box.setInformativeText("It is not something you did. The details were written to the log; please tell "
                               "whoever looks after the app. What you typed is kept.")
    if parent is not None and not parent.isVisible() and parent.parentWidget() is not None:
        box.setParent(parent.parentWidget(), box.windowFlags())  # a closed form: shown over its screen
    choices: dict[object, str] = {}
    default = None
    if box.objectName() == "databaseTrouble" and can_try_again(exc):
        default = box.addButton("&Try again", QMessageBox.ButtonRole.AcceptRole)
        choices[default] = "retry"
    if reload and (isinstance(exc, StaleRecord) or getattr(exc, "outcome_unknown", False)):
        button = box.addButton("&Reload", QMessageBox.ButtonRole.AcceptRole)
        choices[button] = "reload"
        default = default or button
    close = box.addButton("Keep my &form" if choices else "&Close", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(default or close)
    events.trouble_shown.emit(box)
    box.exec()
    return choices.get(box.clickedButton(), "close")


def perform(owner: QWidget, call: Callable[[], Any], *, doing: str = "Saving…", verb: str = "Not saved",
            reload: Callable[[], None] | None = None) -> Any:
    """Run ``call`` off the UI thread with ``owner`` disabled and a busy indicator after 0.4 s; its result.

    Database trouble, a stale record and bugs are shown here (see the module) and end in `NotDone`; any
    other `FairfieldsError` is raised for the caller to show beside its fields."""
    if getattr(owner, "_performing", False):  # a second click while the first is running
        raise NotDone("already being saved: wait for it to finish", RuntimeError("busy"))
    while True:
        owner._performing = True  # type: ignore[attr-defined]
        try:
            return wait_in_background(call, owner, doing)
        except FairfieldsError as exc:
            if not (is_database_trouble(exc) or (isinstance(exc, StaleRecord) and reload is not None)):
                raise  # shown by the caller beside its fields (a StaleRecord too when it cannot reload)
            owner._performing = False  # type: ignore[attr-defined]
            choice = trouble_box(owner, exc, verb, reload=reload is not None)
            if choice == "retry":
                continue
            if choice == "reload" and reload is not None:
                reload()
            raise NotDone(str(exc), exc) from exc
        except Exception as exc:  # a bug: logged with its traceback, shown once
            log.exception("%s: unexpected error", verb)
            owner._performing = False  # type: ignore[attr-defined]
            trouble_box(owner, exc, verb)
            raise NotDone("a fault in the app stopped it; it was logged", exc) from exc
        finally:
            owner._performing = False  # type: ignore[attr-defined]


__all__ = ["Job", "NotDone", "can_try_again", "events", "is_database_trouble", "job", "perform", "run_save",
           "trouble_box"]
