"""Running work off the UI thread and handing the result (or the error) back to it.

`run_in_background(fn, on_done, on_error)` queues ``fn`` on the global QThreadPool; its result or
exception arrives through a queued signal on the main thread, so callbacks may touch widgets. The job
itself must never touch widgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # handed to the main thread, which decides how to show it
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


_alive: set[_Relay] = set()


class _Activity(QObject):
    """Said when the busy indicator of `wait_in_background` appears (after 0.4 s) and when work ends."""

    busy_shown = Signal(str)
    busy_ended = Signal()


activity = _Activity()
BUSY_AFTER_MS = 400


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_error: Callable[[BaseException], None]) -> None:
    relay = _Relay()
    _alive.add(relay)

    def finish_ok(result: Any) -> None:
        _alive.discard(relay)
        on_done(result)

    def finish_error(exc: BaseException) -> None:
        _alive.discard(relay)
        on_error(exc)

    relay.done.connect(finish_ok)
    relay.failed.connect(finish_error)
    QThreadPool.globalInstance().start(_Job(fn, relay))


def wait_for_background(timeout_ms: int = 30_000) -> bool:
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


def wait_in_background(fn: Callable[[], Any], parent: Any, text: str) -> Any:
    """Run ``fn`` off the UI thread and wait for it while the window goes on painting; its result, or its
    exception raised here on the UI thread.

    For a step a dialog cannot go past without (a connection test, creating the school) and for every
    change a screen makes (`operations.perform`): ``parent``'s window is disabled meanwhile (no second
    click starts it twice, no other change starts inside the wait) and, after 0.4 s, a busy bar says
    ``text``; the window goes on painting and its timers go on ticking.
    The work runs to its end: it is one transaction, so stopping half-way would gain nothing.
    """
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def done(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    if not parent.isVisible() and parent.parentWidget() is not None:  # a form already closed: its screen waits
        parent = parent.parentWidget()
    progress = QProgressDialog(text, None, 0, 0, parent)  # type: ignore[arg-type]  # no Cancel button
    progress.setObjectName("busyIndicator")
    progress.setWindowTitle("Please wait")
    progress.setAccessibleName(text)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(24 * 3600 * 1000)  # shown by the timer below, not by its own reckoning
    progress.setAutoClose(False)
    progress.hide()
    show_later = QTimer(progress)
    show_later.setSingleShot(True)
    show_later.timeout.connect(progress.show)
    show_later.timeout.connect(lambda: activity.busy_shown.emit(text))
    show_later.start(BUSY_AFTER_MS)
    # the whole window waits (its menu and shortcuts too): no second click, no other change started meanwhile
    window = parent.window()
    was_disabled = window.testAttribute(Qt.WidgetAttribute.WA_Disabled)
    focused = QApplication.focusWidget()  # given back after: a keyboard user carries on where they were
    window.setEnabled(False)
    QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    try:
        run_in_background(fn, done, failed)
        if not outcome:  # a queued signal cannot have arrived yet; the check keeps the loop honest
            loop.exec()
    finally:
        QApplication.restoreOverrideCursor()
        show_later.stop()
        progress.hide()
        progress.deleteLater()
        window.setEnabled(not was_disabled)
        try:
            if focused is not None and focused.isVisible() and focused.isEnabled():
                focused.setFocus()
        except RuntimeError:  # the widget was deleted meanwhile
            pass
        activity.busy_ended.emit()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
