"""What a person sees: every text a widget shows, a dialog opened from a screen, a model's every cell.

Generic on purpose: it reads every widget and every model, so the hunt keeps hunting when screens change.
Modal dialogs, message boxes, input and file dialogs never block: each is read, then cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractProxyModel, QModelIndex, Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

#: buttons that open a dialog without the ellipsis of a dialog opener ("Edit…")
OPENERS = {"Edit", "Add pupil", "Add consent", "Withdraw consent", "Add to team", "Mark as left",
           "Add professional", "Edit details and checks", "Sign a visitor in"}
#: rows selected per view, to show each one's detail pane (the marker records come first or among the few)
MAX_ROWS = 40
MAX_MODEL_ROWS = 3000


def _clean(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _has_children(model: QAbstractItemModel, index: QModelIndex) -> bool:
    try:
        return model.hasChildren(index)
    except TypeError:  # a flat table or list model: no children (and the call is not public)
        return False


def model_texts(model: QAbstractItemModel, out: list[str], seen: set[int]) -> None:
    """Every cell's text and tooltip, all rows, tree children too; a proxy's source model as well (what the
    window holds, even when a filter hides it)."""
    if model is None or id(model) in seen:
        return
    seen.add(id(model))

    def walk(parent: QModelIndex, depth: int) -> None:
        while model.canFetchMore(parent):
            model.fetchMore(parent)
        rows = min(model.rowCount(parent), MAX_MODEL_ROWS)
        try:
            columns = model.columnCount(parent)
        except TypeError:  # a list model: one column, its count not public
            columns = 1
        for row in range(rows):
            for column in range(columns):
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                             Qt.ItemDataRole.AccessibleTextRole):
                    value = index.data(role)
                    if value not in (None, ""):
                        out.append(str(value))
                if column == 0 and depth < 6 and _has_children(model, index):
                    walk(index, depth + 1)
        for column in range(columns):
            header = model.headerData(column, Qt.Orientation.Horizontal)
            if header:
                out.append(str(header))

    walk(QModelIndex(), 0)
    if isinstance(model, QAbstractProxyModel):
        model_texts(model.sourceModel(), out, seen)


def widget_texts(root: QWidget) -> str:
    """All the text ``root`` shows or would show: labels, buttons (a ticked box as "[x] text"), tooltips,
    accessible names and descriptions, fields, documents, combo box items, every model's cells, a painted
    timetable's blocks."""
    out: list[str] = []
    seen_models: set[int] = set()
    for widget in [root, *root.findChildren(QWidget)]:
        if widget is not root and not widget.isVisibleTo(root):
            continue
        for text in (widget.toolTip(), widget.accessibleName(), widget.accessibleDescription(),
                     widget.windowTitle() if widget.isWindow() else ""):
            if text:
                out.append(text)
        if isinstance(widget, QLabel):
            out.append(widget.text())
        elif isinstance(widget, QAbstractButton):
            if widget.isCheckable():  # "[x] Sensory and/or physical": a ticked box says something of its own
                out.append(f"[{'x' if widget.isChecked() else ' '}] {_clean(widget.text())}")
            else:
                out.append(_clean(widget.text()))
        elif isinstance(widget, QGroupBox):
            if widget.isCheckable():
                out.append(f"[{'x' if widget.isChecked() else ' '}] {_clean(widget.title())}")
            else:
                out.append(_clean(widget.title()))
        elif isinstance(widget, QLineEdit):
            out.append(widget.text())
        elif isinstance(widget, QTextEdit | QPlainTextEdit):
            out.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            out.extend(widget.itemText(i) for i in range(widget.count()))
            out.append(widget.currentText())
        elif isinstance(widget, QAbstractSpinBox):
            out.append(widget.text())
            if hasattr(widget, "date"):
                out.append(widget.date().toPython().isoformat())
        elif isinstance(widget, QTabWidget):
            out.extend(widget.tabText(i) for i in range(widget.count()))
        if isinstance(widget, QAbstractItemView):
            model_texts(widget.model(), out, seen_models)
        if hasattr(widget, "blocks") and hasattr(widget, "block_lines"):  # the painted timetable
            for block in widget.blocks():
                out.extend(widget.block_lines(block.occurrence_id))
    return "\n".join(t for t in out if t)


def dialog_openers(page: QWidget) -> list[QAbstractButton]:
    """The visible, enabled buttons of ``page`` that open a dialog (their text ends in an ellipsis, or is one
    of OPENERS); the buttons of the hunt's own dialogs and of button boxes are not among them."""
    found = []
    for button in page.findChildren(QAbstractButton):
        text = _clean(button.text()).strip()
        if not button.isVisibleTo(page) or not button.isEnabled() or not text:
            continue
        if text.endswith("…") or text.endswith("...") or text in OPENERS:
            found.append(button)
    return found


class Reader:
    """Reads every dialog, message box, input and file dialog that a click opens, and cancels it."""

    def __init__(self, record: Callable[[str, str], None]) -> None:
        self.record = record
        self.where = "?"
        self.opened = 0

    def read_dialog(self, dialog: QWidget) -> None:
        self.opened += 1
        title = dialog.windowTitle() or type(dialog).__name__
        self.record(f"{self.where} › dialog {title}", widget_texts(dialog))

    @contextmanager
    def patched(self) -> Iterator[None]:
        mp = pytest.MonkeyPatch()
        reader = self

        def fake_exec(dialog: QDialog) -> int:
            reader.read_dialog(dialog)
            dialog.setResult(QDialog.DialogCode.Rejected)
            return QDialog.DialogCode.Rejected

        def fake_box_exec(box: QMessageBox) -> int:
            reader.read_dialog(box)
            return QMessageBox.StandardButton.No

        def fake_static_box(*args, **_kwargs) -> QMessageBox.StandardButton:
            reader.record(f"{reader.where} › message", "\n".join(str(a) for a in args if isinstance(a, str)))
            return QMessageBox.StandardButton.No

        def fake_input(*args, **_kwargs):
            texts = [str(a) for a in args if isinstance(a, str)]
            texts += [str(x) for a in args if isinstance(a, list | tuple) for x in a]
            reader.record(f"{reader.where} › input {texts[0] if texts else ''}", "\n".join(texts))
            return "", False

        for cls in (QDialog, QPrintDialog, QPrintPreviewDialog, QFileDialog, QInputDialog):
            mp.setattr(cls, "exec", fake_exec)
        mp.setattr(QMessageBox, "exec", fake_box_exec)
        for name in ("question", "warning", "information", "critical"):
            mp.setattr(QMessageBox, name, staticmethod(fake_static_box))
        for name in ("getText", "getItem", "getMultiLineText"):
            mp.setattr(QInputDialog, name, staticmethod(fake_input))
        mp.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (0, False)))
        mp.setattr(QInputDialog, "getDouble", staticmethod(lambda *a, **k: (0.0, False)))
        mp.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
        mp.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
        mp.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))

        # the net under the net: a modal dialog that slipped past the patches is read and closed, never waited on
        watchdog = QTimer()
        watchdog.setInterval(300)

        def close_modal() -> None:
            modal = QApplication.activeModalWidget()
            if modal is not None:
                reader.record(f"{reader.where} › unexpected modal {modal.windowTitle()}", widget_texts(modal))
                if isinstance(modal, QDialog):
                    modal.reject()
                else:
                    modal.close()

        watchdog.timeout.connect(close_modal)
        watchdog.start()
        try:
            yield
        finally:
            watchdog.stop()
            mp.undo()
