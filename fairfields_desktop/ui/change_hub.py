"""One change hub per window: what each commit changed (here, in another process, on another PC), handed on
the UI thread to every screen showing those kinds of record; each refreshes itself keeping its selection,
sort and scroll position, and nothing else reloads."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QFormLayout,
    QLabel,
    QWidget,
)

from ..services.changes import ALL_KINDS, Changes, kinds_of
from .models.base import ITEM_ROLE

log = logging.getLogger(__name__)

#: the kinds of record each screen shows (a change of another kind leaves it alone)
SCREEN_KINDS: dict[str, frozenset[str]] = {
    # the dashboard (and the navigation's counts, which come from it) shows nearly everything
    "dashboard": ALL_KINDS - {"audit", "users"},
    "pupils": frozenset({"pupils", "people", "reviews", "assessments", "professionals", "school"}),
    "professionals": frozenset({"professionals", "visits", "pupils"}),
    "requests": frozenset({"requests", "bookings", "professionals", "pupils", "school", "spaces"}),
    "spaces": frozenset({"bookings", "spaces", "school", "requests", "sessions", "people", "professionals",
                         "pupils"}),
    "ehcp": frozenset({"advice", "reviews", "assessments", "outcomes", "sessions", "bookings", "pupils",
                       "professionals", "school"}),
}


class ChangeHub(QObject):
    """Subscribed to a database's changes; `changed` (on the UI thread) carries them, several that arrive
    together merged into one."""

    changed = Signal(object)  # Changes
    _arrived = Signal(object)  # from whichever thread saw the commit

    def __init__(self, db, parent: QObject | None = None, *, watch: bool = True) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._pending: Changes | None = None
        self._alive = True
        self._lock = threading.Lock()
        self._arrived.connect(self._on_arrived, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = db.subscribe(self._from_any_thread)
        gate, unsubscribe = self._lock, self._unsubscribe

        def on_destroyed() -> None:  # deleted without close(): stop at once (no Python method of a dead self)
            with gate:
                unsubscribe()

        self.destroyed.connect(on_destroyed)
        if watch:
            db.watch()

    def _from_any_thread(self, changes: Changes) -> None:
        with self._lock:
            if self._alive:
                try:
                    self._arrived.emit(changes)  # queued: delivered on the UI thread, after the caller's work
                except RuntimeError:  # the hub was deleted meanwhile
                    self._alive = False

    def _on_arrived(self, changes: Changes) -> None:
        if self._pending is None:
            self._pending = changes
            QTimer.singleShot(0, self, self._flush)
        else:
            self._pending = self._pending.merged(changes)

    def _flush(self) -> None:
        changes, self._pending = self._pending, None
        if changes is not None and self._alive:
            self.changed.emit(changes)

    def close(self) -> None:
        """Stop listening (the window closes); nothing is emitted afterwards."""
        with self._lock:
            self._alive = False
        self._unsubscribe()


def find_hub(widget: QWidget | None) -> ChangeHub | None:
    """The hub of the window ``widget`` is in (forms use it to say their record changed)."""
    while widget is not None:
        hub = getattr(widget, "hub", None)
        if isinstance(hub, ChangeHub):
            return hub
        widget = widget.parentWidget()
    return None


# --- keeping what the person sees across a refresh -------------------------------------------------------------
def _identity(index) -> object:  # noqa: ANN001
    if not index.isValid():
        return None
    item = index.data(ITEM_ROLE)
    for name in ("id", "ref", "upn"):
        value = getattr(item, name, None)
        if value is not None:
            return (name, value)
    return ("text", index.siblingAtColumn(0).data())


def _find_row(view: QAbstractItemView, identity: object):  # noqa: ANN001, ANN202
    model = view.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if _identity(index) == identity:
            return index
    return None


@contextmanager
def view_state_kept(root: QWidget) -> Iterator[None]:
    """Around a refresh of ``root``: each table keeps its current row (found again by the row's id), and
    each scrolled area its scroll position. Sorting is the views' own and survives a model reset."""
    views = []
    for view in root.findChildren(QAbstractItemView):
        if view.model() is None:
            continue
        current = view.currentIndex()
        views.append((view, _identity(current), current.column(), view.verticalScrollBar().value(),
                      view.horizontalScrollBar().value()))
    areas = [(area, area.verticalScrollBar().value(), area.horizontalScrollBar().value())
             for area in root.findChildren(QAbstractScrollArea) if not isinstance(area, QAbstractItemView)]
    yield
    from PySide6.QtCore import QItemSelectionModel

    for view, identity, column, vertical, horizontal in views:
        if not shiboken6.isValid(view) or view.model() is None:
            continue
        if identity is not None and _identity(view.currentIndex()) != identity:
            found = _find_row(view, identity)
            if found is not None and view.selectionModel() is not None:
                flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
                if view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows:
                    flags |= QItemSelectionModel.SelectionFlag.Rows
                view.selectionModel().setCurrentIndex(found.siblingAtColumn(max(column, 0)), flags)
        view.verticalScrollBar().setValue(vertical)
        view.horizontalScrollBar().setValue(horizontal)
    for area, vertical, horizontal in areas:
        if shiboken6.isValid(area):
            area.verticalScrollBar().setValue(vertical)
            area.horizontalScrollBar().setValue(horizontal)


def refresher(key: str, screen: QWidget) -> Callable[[], None] | None:
    """How the screen ``key`` reads its records again (None: it has nothing that goes stale)."""
    if key == "spaces" and hasattr(screen, "refresh"):
        return screen.refresh
    if key == "ehcp":
        def ehcp() -> None:
            screen.reload()
            for panel in screen.panels.values():
                if hasattr(panel, "reload"):
                    panel.reload()

        return ehcp
    if key in SCREEN_KINDS and hasattr(screen, "reload"):
        return screen.reload
    return None


def screens_for(changes: Changes) -> list[str]:
    """The screens showing a kind of record ``changes`` touched."""
    kinds = kinds_of(changes)
    return [key for key, shown in SCREEN_KINDS.items() if kinds & shown]


# --- an open form on a record someone else changes ------------------------------------------------------------
CHANGED_BANNER = "{what} was changed by {who} — reload to see it (saving now would be refused)"
#: for a form whose save is not refused over a change (a decision, a stage recorded): the service checks
#: what it must (a request already decided), and the person should still know
CHANGED_NOTICE = "{what} was changed by {who} — reload to see it"


class RecordWatch(QObject):
    """A banner at the top of ``widget`` (a form, or a panel editing in place) saying at once that someone
    else changed the record it shows (its audit ``entity`` and id, and ``also``: records audited on their own
    that it shows too). A panel calls `track` whenever it shows a record as saved; a dialog is watched while
    it is visible, a panel (``dialog=False``) all along, and checked again each time it is shown."""

    def __init__(self, widget: QWidget, services, kind: str, banner: QLabel, *,  # noqa: ANN001
                 dialog: bool = True) -> None:
        super().__init__(widget)
        self.widget, self.services, self.kind, self.banner, self.dialog = widget, services, kind, banner, dialog
        self.record: tuple[str, object, tuple, str] | None = None
        self.opened: int | None = None
        self.words = CHANGED_BANNER
        self.hub: ChangeHub | None = None
        self.connect_hub()
        if not dialog:
            widget.installEventFilter(self)

    def connect_hub(self) -> bool:
        """Listen to the window's hub (a panel is made before its window has one: when it is first shown)."""
        if self.hub is None:
            hub = find_hub(self.widget if not self.dialog else self.widget.parentWidget())
            if hub is None:
                return False
            self.hub = hub
            hub.changed.connect(self.on_changed)
            on_changed = self.on_changed

            def disconnect() -> None:
                if shiboken6.isValid(hub):
                    try:
                        hub.changed.disconnect(on_changed)
                    except (RuntimeError, TypeError):
                        pass

            self.widget.destroyed.connect(disconnect)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Show and watched is self.widget:
            self.connect_hub()
            self.check()
        return False

    def track(self, entity: str | None, entity_id: object = None, what: str = "This record",
              also: tuple[tuple[str, tuple[object, ...]], ...] = ()) -> None:
        """Watch this record as it is saved now (``entity`` None: nothing); the banner goes."""
        self.record = (entity, entity_id, also, what) if entity is not None else None
        self.banner.hide()
        if self.record is not None:
            try:
                self.opened, _who = self.services.changes.stamp(entity, entity_id, also)
            except Exception:  # noqa: BLE001 (the database is away: the save will say so)
                self.record = None

    def check(self) -> bool:
        """Show the banner if the record changed since `track` (True if it did)."""
        if self.record is None or not shiboken6.isValid(self.banner):
            return False
        entity, entity_id, also, what = self.record
        try:
            now, who = self.services.changes.stamp(entity, entity_id, also)
        except Exception:  # noqa: BLE001 (the database is away: the save will say so)
            return False
        if now == self.opened:
            return False
        self.banner.setText(self.words.format(what=what, who=who))
        self.banner.show()
        return True

    def on_changed(self, changes: Changes) -> None:
        if not shiboken6.isValid(self.widget) or (self.dialog and not self.widget.isVisible()):
            return
        if self.kind in kinds_of(changes):
            self.check()


def _banner(widget: QWidget) -> QLabel | None:
    banner = QLabel("")
    banner.setObjectName("changedElsewhere")
    banner.setWordWrap(True)
    banner.setAccessibleName("Changed by someone else")
    banner.hide()
    layout = widget.layout()
    if isinstance(layout, QFormLayout):
        layout.insertRow(0, banner)
    elif layout is not None and hasattr(layout, "insertWidget"):
        layout.insertWidget(0, banner)
    else:
        banner.deleteLater()
        return None
    return banner


def watch_record(dialog: QWidget, services, kind: str, entity: str, entity_id: object,  # noqa: ANN001
                 what: str = "This record", also: tuple[tuple[str, tuple[object, ...]], ...] = (), *,
                 refused: bool = True) -> QLabel | None:
    """While ``dialog`` is open on a record (its audit ``entity`` and id; None: any of them), say at once when
    someone else changes it: a banner at the top of the form. The refusal on save stays the service's
    (``refused`` False: the save is not refused over a change, and the banner does not say it would be)."""
    hub = find_hub(dialog.parentWidget())
    if hub is None:
        return None
    banner = _banner(dialog)
    if banner is None:
        return None
    watch = RecordWatch(dialog, services, kind, banner)
    if not refused:
        watch.words = CHANGED_NOTICE
    watch.track(entity, entity_id, what, also)
    return banner


def rewatch(form: QWidget) -> None:
    """The form was filled again from the record as saved now: watch from here (its banner goes)."""
    watch = form.findChild(RecordWatch)
    if watch is not None and watch.record is not None:
        entity, entity_id, also, what = watch.record
        watch.track(entity, entity_id, what, also)


def watch_panel(panel: QWidget, services, kind: str) -> RecordWatch | None:  # noqa: ANN001
    """A banner for a panel that edits a record in place (the school's settings, a review's paperwork), put
    at the top of its layout: the panel calls `RecordWatch.track` each time it shows a record as saved."""
    banner = _banner(panel)
    return None if banner is None else RecordWatch(panel, services, kind, banner, dialog=False)


# --- the record a screen's detail pane shows -----------------------------------------------------------------
def shown_record(key: str, screen: QWidget) -> tuple[str, str, str, object, str] | None:
    """(table, id, audit entity, audit id, words) of the record whose details ``screen`` shows, if any."""
    if key == "pupils" and hasattr(screen, "table"):
        item = screen.table.currentIndex().data(ITEM_ROLE)
        if item is not None:
            return "pupils", str(item.id), "pupil", item.id, f"{item.first_name} {item.last_name}'s record"
    elif key == "professionals" and hasattr(screen, "table"):
        item = screen.table.currentIndex().data(ITEM_ROLE)
        if item is not None:
            return "professionals", str(item.id), "professional", item.ext_id, f"{item.name}'s record"
    elif key == "requests":
        item = getattr(screen, "current", None)
        if item is not None:
            return "requests", str(item.id), "request", item.ref, f"Request {item.ref}"
    return None


DETAIL_BANNER = "{what} was changed by {who} on another PC or window — shown here as it is now"
