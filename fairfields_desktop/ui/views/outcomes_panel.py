"""A pupil's EHCP outcomes by broad area of need, the targets and programmes professionals set under them
(with the strategy for the class team and the progress notes of the sessions), and the class team's one
list of strategies for daily practice."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import FairfieldsError, InvalidInput, StaleRecord
from ..operations import Job, job, perform, run_save
from ..undo import push_done
from ...domain.permissions import allowed
from ...domain.school import AREA_LABELS, AREAS_OF_NEED
from ...services.outcomes import STATUSES
from ..change_hub import watch_record
from ..contrast import readable
from ..forms import FormDialog
from ..models.base import ITEM_ROLE, Column, FilterProxy, RowsModel, make_table
from ..models.pupils import fold
from ..shortcuts import add_shortcut

#: what a tree item stands for: ("area", area), ("outcome", Outcome) or ("target", (Target, Outcome))
KIND_ROLE = Qt.ItemDataRole.UserRole + 10
DATA_ROLE = Qt.ItemDataRole.UserRole + 11


def _day(value) -> str:  # noqa: ANN001
    return f"{value.day} {value:%b %Y}" if value else ""


def status_words(status: str, ended_on=None) -> str:  # noqa: ANN001
    words = STATUSES.get(status, status)
    return f"{words} on {_day(ended_on)}" if ended_on and status != "current" else words


def _grey_if_ended(item: QTreeWidgetItem, status: str) -> None:
    """Ended outcomes and targets in grey (their Status column says so in words too); the palette's text where grey
    would be unreadable (high contrast)."""
    if status != "current":
        for column in range(4):
            item.setForeground(column, QBrush(QColor(readable("#666666"))))
            item.setToolTip(column, f"{STATUSES[status]}: kept for the record, no longer worked on")


def _text_edit(text: str = "", lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setTabChangesFocus(True)  # Tab moves on to the next field, as in a line edit
    edit.setMinimumWidth(420)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


class _WrapDelegate(QStyledItemDelegate):
    """Rows of the first column as tall as their text wrapped to the column's width: outcomes are sentences."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def sizeHint(self, option, index) -> QSize:  # noqa: N802, ANN001
        size = super().sizeHint(option, index)
        if index.column() != 0:
            return size
        depth, parent = 1, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width = self.tree.columnWidth(0) - self.tree.indentation() * depth - 16
        if width <= 40:
            return size
        font = index.data(Qt.ItemDataRole.FontRole) or option.font
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        height = QFontMetrics(font).boundingRect(QRect(0, 0, width, 100000),
                                                 int(Qt.TextFlag.TextWordWrap), text).height()
        return QSize(size.width(), max(size.height(), height + 10))


class OutcomeDialog(FormDialog):
    """Add or edit an outcome: its broad area of need and its words."""

    def __init__(self, outcome=None, area: str | None = None, parent=None) -> None:  # noqa: ANN001
        self.area = QComboBox()
        for key in AREAS_OF_NEED:
            self.area.addItem(AREA_LABELS[key], key)
        wanted = outcome.area if outcome is not None else area
        if wanted in AREAS_OF_NEED:
            self.area.setCurrentIndex(AREAS_OF_NEED.index(wanted))
        self.text = _text_edit(outcome.text if outcome is not None else "", 4)
        super().__init__("Edit outcome" if outcome is not None else "Add an outcome",
                         [("area", "Broad &area of need", self.area), ("text", "&Outcome", self.text)], parent)

    def values(self) -> tuple[str, str]:
        return self.area.currentData(), self.text.toPlainText()


class TargetDialog(FormDialog):
    """Add or edit a target or programme under an outcome, who set it, and the strategy for the class team."""

    def __init__(self, professionals: list, outcome, target=None, parent=None) -> None:  # noqa: ANN001
        self.text = _text_edit(target.text if target is not None else "", 3)
        self.professional = QComboBox()
        self.professional.addItem("(not set by a professional)", None)
        current = target.professional_id if target is not None else None
        for pro in professionals:
            if pro.active or pro.ext_id == current:
                self.professional.addItem(f"{pro.name} ({pro.discipline_label})", pro.ext_id)
        if current is not None:
            index = self.professional.findData(current)
            if index < 0:  # not in the register any more: keep it as it is
                self.professional.addItem(target.professional or current, current)
                index = self.professional.count() - 1
            self.professional.setCurrentIndex(index)
        self.programme = QLineEdit(target.programme or "" if target is not None else "")
        self.programme.setPlaceholderText("optional, e.g. Attention Autism stage 2")
        self.strategy = _text_edit(target.strategy or "" if target is not None else "", 3)
        self.strategy.setPlaceholderText("what the class team does every day; optional")
        super().__init__("Edit target" if target is not None else "Add a target",
                         [("target", "&Target", self.text),
                          ("professional", "Set by (&professional)", self.professional),
                          ("programme", "Pro&gramme", self.programme),
                          ("strategy", "&Strategy for the class team", self.strategy)], parent)
        layout = self.layout()
        under = QLabel(f"Under the outcome: {outcome.text}")
        under.setWordWrap(True)
        layout.insertRow(0, under)

    def values(self) -> dict:
        return {"text": self.text.toPlainText(), "professional": self.professional.currentData(),
                "programme": self.programme.text(), "strategy": self.strategy.toPlainText()}


class OutcomesPanel(QWidget):
    """One pupil's outcomes, grouped by broad area of need, with their targets; editable by the SENCO and head."""

    open_requested = Signal(str, object)

    def __init__(self, services, actor, parent=None, undo_stack: QUndoStack | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.can_edit = allowed(actor.roles, "outcomes.edit")
        self.outcomes: list = []
        # the EHCP screen's undo history (its Undo action names the change); on its own, the panel's
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)

        self.pupil = QComboBox()
        self.pupil.setAccessibleName("Pupil")
        self.pupil.setMinimumContentsLength(28)
        pupil_label = QLabel("&Pupil:")
        pupil_label.setBuddy(self.pupil)
        self.show_ended = QCheckBox("Show ended outcomes and tar&gets")
        self.open_pupil_button = QPushButton("Open pupil &record")
        top = QHBoxLayout()
        top.addWidget(pupil_label)
        top.addWidget(self.pupil)
        top.addWidget(self.show_ended)
        top.addStretch(1)
        top.addWidget(self.open_pupil_button)

        self.add_outcome_button = QPushButton("Add &outcome…")
        self.edit_button = QPushButton("&Edit…")
        self.add_target_button = QPushButton("Add &target…")
        self.achieved_button = QPushButton("A&chieved")
        self.ceased_button = QPushButton("&No longer pursued")
        add_shortcut(self.add_outcome_button, "Ctrl+N", "Add an outcome of the pupil's EHCP")
        add_shortcut(self.edit_button, "Ctrl+E", "Change the chosen outcome or target")
        add_shortcut(self.add_target_button, "Ctrl+Shift+N", "Add a target, programme or strategy to the chosen outcome")
        buttons = QHBoxLayout()
        for button in (self.add_outcome_button, self.edit_button, self.add_target_button, self.achieved_button,
                       self.ceased_button):
            buttons.addWidget(button)
            button.setVisible(self.can_edit)
        buttons.addStretch(1)

        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")

        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Outcomes and targets")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Outcome or target", "Set by", "Set on", "Status"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)  # outcomes are sentences: show them whole, over two lines if need be
        self.tree.setUniformRowHeights(False)
        self.tree.setItemDelegate(_WrapDelegate(self.tree))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionResized.connect(lambda column, _old, _new: column == 0 and self.tree.doItemsLayout())
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Selected outcome or target")
        self.detail.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        if self.can_edit:
            layout.addLayout(buttons)
        else:
            note = QLabel("You can read the outcomes and targets of your class's pupils; the SENCO or the "
                          "headteacher changes them.")
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        self.message.hide()

        self.pupil.currentIndexChanged.connect(lambda _i: (self._say(""), self._load_outcomes()))
        self.show_ended.toggled.connect(lambda _on: self._fill_tree(self._selected_key()))
        self.tree.currentItemChanged.connect(lambda _now, _before: self._selection_changed())
        self.open_pupil_button.clicked.connect(self._open_pupil)
        self.add_outcome_button.clicked.connect(self.on_add_outcome)
        self.edit_button.clicked.connect(self.on_edit)
        self.add_target_button.clicked.connect(self.on_add_target)
        self.achieved_button.clicked.connect(lambda: self.on_end("achieved"))
        self.ceased_button.clicked.connect(lambda: self.on_end("ceased"))
        self.reload()

    def _say(self, text: str) -> None:
        """The message line above the outcomes (hidden while there is nothing to say)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # --- loading ----------------------------------------------------------------------------------------------
    def current_upn(self) -> str | None:
        return self.pupil.currentData()

    def reload(self) -> None:
        """Read the pupils with a plan again, keep the chosen pupil, and show their outcomes."""
        upn = self.current_upn()
        try:
            pupils = [p for p in self.services.pupils.list_pupils(self.actor) if p.has_ehcp]
        except FairfieldsError as exc:
            pupils = []
            self._say(str(exc))
        self.pupil.blockSignals(True)
        self.pupil.clear()
        for p in pupils:
            self.pupil.addItem(f"{p.name} ({p.class_name})", p.upn)
        index = self.pupil.findData(upn) if upn else -1
        self.pupil.setCurrentIndex(index if index >= 0 else (0 if pupils else -1))
        self.pupil.blockSignals(False)
        self.pupil.setEnabled(bool(pupils))
        self.open_pupil_button.setEnabled(bool(pupils))
        if not pupils:
            self._say(self.message.text() or "No pupil you can see has an EHCP.")
        self._load_outcomes(keep=self._selected_key())

    def show_pupil(self, upn: str) -> None:
        index = self.pupil.findData((upn or "").strip().upper())
        if index < 0:
            self._say(f"There is no pupil with an EHCP and the UPN {upn} among the pupils you can see.")
            return
        self.pupil.setCurrentIndex(index)

    def _load_outcomes(self, keep: tuple | None = None) -> None:
        upn = self.current_upn()
        self.outcomes = []
        if upn:
            try:
                self.outcomes = self.services.outcomes.for_pupil(self.actor, upn)
            except FairfieldsError as exc:
                self._say(str(exc))
        self._fill_tree(keep)

    def _visible(self, status: str) -> bool:
        return status == "current" or self.show_ended.isChecked()

    def _fill_tree(self, keep: tuple | None = None) -> None:
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        areas: dict[str, QTreeWidgetItem] = {}
        chosen = None
        for outcome in self.outcomes:
            if not self._visible(outcome.status):
                continue
            area = areas.get(outcome.area)
            if area is None:
                area = areas[outcome.area] = QTreeWidgetItem(self.tree, [outcome.area_text])
                area.setFont(0, bold)
                area.setFirstColumnSpanned(True)
                area.setData(0, KIND_ROLE, "area")
                area.setData(0, DATA_ROLE, outcome.area)
                area.setExpanded(True)
            item = QTreeWidgetItem(area, [outcome.text, "", _day(outcome.set_on), STATUSES[outcome.status]])
            _grey_if_ended(item, outcome.status)
            item.setData(0, KIND_ROLE, "outcome")
            item.setData(0, DATA_ROLE, outcome)
            item.setToolTip(0, outcome.text)
            item.setExpanded(True)
            if keep == ("outcome", outcome.id):
                chosen = item
            for target in outcome.targets:
                if not self._visible(target.status):
                    continue
                child = QTreeWidgetItem(item, [f"Target: {target.text}", target.professional or "",
                                               _day(target.set_on), STATUSES[target.status]])
                _grey_if_ended(child, target.status)
                child.setData(0, KIND_ROLE, "target")
                child.setData(0, DATA_ROLE, (target, outcome))
                child.setToolTip(0, target.text)
                if keep == ("target", target.id):
                    chosen = child
            count = area.childCount()
            area.setText(0, f"{outcome.area_text} ({count} outcome{'' if count == 1 else 's'})")
        if chosen is None and self.tree.topLevelItemCount():
            first = self.tree.topLevelItem(0)
            chosen = first.child(0) if first.childCount() else first
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self._selection_changed()
        if not self.outcomes:
            self._show_empty("No outcomes are recorded for this pupil yet."
                             + (" Add the outcomes of their EHCP with Add outcome…" if self.can_edit else ""))
        elif not self.tree.topLevelItemCount():
            ended = len(self.outcomes)
            self._show_empty(f"This pupil's {ended} outcome{' has' if ended == 1 else 's have'} ended: tick "
                             "Show ended to see them.")

    def _show_empty(self, text: str) -> None:
        if self.current_upn():
            self.detail.setHtml(f"<p>{escape(text)}</p>")

    # --- selection and detail ------------------------------------------------------------------------------
    def _selected(self) -> tuple[str | None, object]:
        item = self.tree.currentItem()
        if item is None:
            return None, None
        return item.data(0, KIND_ROLE), item.data(0, DATA_ROLE)

    def _selected_key(self) -> tuple | None:
        kind, data = self._selected()
        if kind == "outcome":
            return ("outcome", data.id)
        if kind == "target":
            return ("target", data[0].id)
        return None

    def selected_outcome(self):  # noqa: ANN201
        """The outcome chosen, or the outcome of the target chosen."""
        kind, data = self._selected()
        if kind == "outcome":
            return data
        if kind == "target":
            return data[1]
        return None

    def _selection_changed(self) -> None:
        kind, data = self._selected()
        status = data.status if kind == "outcome" else data[0].status if kind == "target" else None
        current = status == "current"
        outcome = self.selected_outcome()
        self.add_outcome_button.setEnabled(bool(self.current_upn()))
        self.edit_button.setEnabled(current)
        self.achieved_button.setEnabled(current)
        self.ceased_button.setEnabled(current)
        self.add_target_button.setEnabled(outcome is not None and outcome.status == "current")
        what = {"outcome": "outcome", "target": "target"}.get(kind or "", "")
        self.edit_button.setText(f"&Edit {what}…" if what else "&Edit…")
        for button in (self.edit_button, self.achieved_button, self.ceased_button):
            button.setAccessibleDescription(f"applies to the selected {what}" if what
                                            else "choose an outcome or target first")
        if kind == "outcome":
            self.detail.setHtml(self._outcome_html(data))
        elif kind == "target":
            self.detail.setHtml(self._target_html(*data))
        elif kind == "area":
            count = sum(1 for o in self.outcomes if o.area == data and self._visible(o.status))
            self.detail.setHtml(f"<h3>{escape(AREA_LABELS.get(data, data))}</h3><p>{count} outcome"
                                f"{'' if count == 1 else 's'} shown. Choose an outcome to see its targets.</p>")
        else:
            self.detail.clear()

    def _outcome_html(self, outcome) -> str:  # noqa: ANN001
        targets = [t for t in outcome.targets if self._visible(t.status)]
        parts = [f"<p style='color:{readable('#555555')}'>{escape(outcome.area_text)}</p>",
                 f"<h3>{escape(outcome.text)}</h3>",
                 f"<p>Set on {_day(outcome.set_on)}. Status: "
                 + f"<b>{escape(status_words(outcome.status, outcome.ended_on))}</b>.</p>"]
        if targets:
            parts.append("<p><b>Targets and programmes</b></p><ul>")
            for t in targets:
                by = f" — set by {escape(t.professional)}" if t.professional else ""
                parts.append(f"<li>{escape(t.text)}{by} ({escape(status_words(t.status, t.ended_on))})</li>")
            parts.append("</ul>")
        else:
            parts.append("<p>No targets under this outcome yet"
                         + (": choose Add target… to add the professional's target and the strategy for the class "
                            "team.</p>" if self.can_edit and outcome.status == "current" else ".</p>"))
        return "".join(parts)

    def _target_html(self, target, outcome) -> str:  # noqa: ANN001
        rows = [("Set by", target.professional or "not set by a professional"),
                ("Programme", target.programme or "none named"),
                ("Strategy for the class team", target.strategy or "none yet"),
                ("Set on", _day(target.set_on)),
                ("Status", status_words(target.status, target.ended_on))]
        muted = readable("#555555")
        parts = [f"<p style='color:{muted}'>{escape(outcome.area_text)} — outcome: {escape(outcome.text)}</p>",
                 f"<h3>Target: {escape(target.text)}</h3>",
                 "<table cellspacing='0' cellpadding='3'>"]
        parts += [f"<tr><td valign='top'><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in rows]
        parts.append("</table><p><b>Progress notes from sessions</b></p>")
        if target.progress:
            parts.append("<table cellspacing='0' cellpadding='3' border='1' style='border-collapse:collapse'>"
                         "<tr><th align='left'>Date</th><th align='left'>Session</th><th align='left'>Note</th>"
                         "<th align='left'>By</th></tr>")
            for p in target.progress:
                parts.append(f"<tr><td>{_day(p.on)}</td><td>{'delivered' if p.delivered else 'not delivered'}</td>"
                             f"<td>{escape(p.note) or '—'}</td><td>{escape(p.by)}</td></tr>")
            parts.append("</table>")
        else:
            parts.append("<p>None yet: notes are added when a session is marked.</p>")
        return "".join(parts)

    def _open_pupil(self) -> None:
        if self.current_upn():
            self.open_requested.emit("pupils", self.current_upn())

    # --- changing --------------------------------------------------------------------------------------------
    def _run(self, dialog: QDialog, save) -> bool:  # noqa: ANN001
        """Show ``dialog`` until the service accepts ``save()`` or the person cancels. A record changed by
        someone else meanwhile closes the form: the message says so and the outcomes are read again."""
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                run_save(dialog, save)  # a Job it returns runs off the UI thread
                return True
            except InvalidInput as exc:
                dialog.show_problems(exc.problems)
            except StaleRecord as exc:
                self._say(f"Not saved: {exc}")
                self._load_outcomes(keep=self._selected_key())
                return False
            except FairfieldsError as exc:
                dialog.message.setText(f"Not saved: {exc}")
        return False

    def on_add_outcome(self) -> None:
        upn = self.current_upn()
        if not upn:
            return
        kind, data = self._selected()
        area = data if kind == "area" else (self.selected_outcome().area if self.selected_outcome() else None)
        dialog = OutcomeDialog(area=area, parent=self)
        added: list[int] = []

        def save() -> Job:
            area_, text = dialog.values()
            add = self.services.outcomes.add_outcome
            return job(lambda: added.append(add(self.actor, upn, area_, text)))

        if self._run(dialog, save):
            self._load_outcomes(keep=("outcome", added[0]))
            self._say(f"Outcome added under {AREA_LABELS[dialog.values()[0]]}.")

    def on_edit(self) -> None:
        kind, data = self._selected()
        if kind == "outcome":
            dialog = OutcomeDialog(outcome=data, parent=self)
            watch_record(dialog, self.services, "outcomes", "outcome", data.id, "This outcome")

            def save() -> Job:
                area, text = dialog.values()
                return job(self.services.outcomes.edit_outcome, self.actor, data.id, area, text,
                           version=data.version)

            if self._run(dialog, save):
                self._load_outcomes(keep=("outcome", data.id))
                self._say("Outcome saved. Ctrl+Z undoes it.")
                area, text = dialog.values()
                self._record_edit("edit of the outcome", "outcome", data.id, (data.area, data.text),
                                  (area, text.strip()))
        elif kind == "target":
            target, outcome = data
            dialog = TargetDialog(self._professionals(), outcome, target, self)
            # the form shows the outcome it is under too (ending the outcome ends the target: audited there)
            watch_record(dialog, self.services, "outcomes", "target", target.id, "This target",
                         also=(("outcome", (outcome.id,)),))

            def save() -> Job:
                return job(self.services.outcomes.edit_target, self.actor, target.id, version=target.version,
                           **dialog.values())

            if self._run(dialog, save):
                self._load_outcomes(keep=("target", target.id))
                self._say("Target saved. Ctrl+Z undoes it.")
                before = {"text": target.text, "professional": target.professional_id,
                          "programme": target.programme or "", "strategy": target.strategy or ""}
                after = {k: (v.strip() if isinstance(v, str) else v) for k, v in dialog.values().items()}
                self._record_edit("edit of the target", "target", target.id, before, after)

    def _record_edit(self, text: str, kind: str, key: int, before, after) -> None:  # noqa: ANN001
        """Put an edit just saved on the screen's undo history: undo saves ``before`` back, redo ``after``,
        each off the UI thread with the version check (changed on another PC since: refused and said)."""
        outcomes, actor, upn = self.services.outcomes, self.actor, self.current_upn()

        def read() -> tuple[Any, int | None]:
            for outcome in outcomes.for_pupil(actor, upn):
                if kind == "outcome" and outcome.id == key:
                    return (outcome.area, outcome.text), outcome.version
                for t in outcome.targets:
                    if kind == "target" and t.id == key:
                        return {"text": t.text, "professional": t.professional_id, "programme": t.programme or "",
                                "strategy": t.strategy or ""}, t.version
            return None, None

        def version_now() -> int | None:
            return read()[1]

        def change(values, version: int | None) -> int | None:  # noqa: ANN001
            if kind == "outcome":
                outcomes.edit_outcome(actor, key, values[0], values[1], version=version)
            else:
                outcomes.edit_target(actor, key, version=version, **values)
            return version_now()

        def apply(values, version: int | None) -> int | None:  # noqa: ANN001
            return perform(self, lambda: change(values, version), verb="Not done")

        push_done(self.undo_stack, text, apply, before, after, version_now(), self._say,
                  lambda: self._load_outcomes(keep=(kind, key)), read)

    def on_add_target(self) -> None:
        outcome = self.selected_outcome()
        if outcome is None:
            self._say("Choose the outcome the target is for first.")
            return
        dialog = TargetDialog(self._professionals(), outcome, parent=self)
        added: list[int] = []

        def save() -> Job:
            values, add = dialog.values(), self.services.outcomes.add_target
            return job(lambda: added.append(add(self.actor, outcome.id, **values)))

        if self._run(dialog, save):
            self._load_outcomes(keep=("target", added[0]))
            self._say("Target added" + (" with its strategy for the class team."
                                                   if dialog.strategy.toPlainText().strip() else "."))

    def _professionals(self) -> list:
        try:
            return self.services.professionals.list_professionals(self.actor)
        except FairfieldsError:
            return []

    def on_end(self, status: str) -> None:
        kind, data = self._selected()
        if kind not in ("outcome", "target"):
            self._say("Choose an outcome or a target first.")
            return
        words = STATUSES[status]
        if kind == "outcome":
            current = sum(1 for t in data.targets if t.status == "current")
            question = f"Mark the outcome “{data.text}” as {words}?"
            if current:
                question += (" Its current target ends with it." if current == 1
                             else f" Its {current} current targets end with it.")
        else:
            question = f"Mark the target “{data[0].text}” as {words}?"
        question += " It is kept, but can no longer be changed."
        answer = QMessageBox.question(self, "End " + kind, question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            if kind == "outcome":
                perform(self, lambda: self.services.outcomes.end_outcome(self.actor, data.id, status))
            else:
                perform(self, lambda: self.services.outcomes.end_target(self.actor, data[0].id, status))
        except FairfieldsError as exc:
            self._say(f"Not changed: {exc}")
            self._load_outcomes(keep=self._selected_key())
            return
        key = ("outcome", data.id) if kind == "outcome" else ("target", data[0].id)
        self._load_outcomes(keep=key)
        self._say(f"{kind.capitalize()} marked {words}"
                             + ("." if self.show_ended.isChecked() else ": it is hidden until you tick Show ended."))


class StrategiesPanel(QWidget):
    """Strategies for daily practice: the class team's one list of their pupils' current strategies."""

    open_requested = Signal(str, object)

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.all_classes = allowed(actor.roles, "pupils.all_classes")
        heading = QLabel("Strategies for daily practice")
        heading.setObjectName("screenTitle")
        intro = QLabel("The current strategies the class team carries into every day, from the targets "
                       "professionals set. Double-click a line to open the pupil.")
        intro.setWordWrap(True)
        self.class_choice = QComboBox()
        self.class_choice.setAccessibleName("Class")
        if self.all_classes:
            self.class_choice.addItem("All classes", None)
            for name in services.pupils.class_names():
                self.class_choice.addItem(name, name)
        else:  # a teacher: their own class, named (a greyed-out chooser would be hard to read)
            self.class_choice.addItem(actor.class_name or "(no class)", actor.class_name)
            self.class_choice.hide()
        class_label = QLabel("&Class:" if self.all_classes else f"Class: {actor.class_name or 'none'}")
        class_label.setBuddy(self.class_choice)
        self.search = QLineEdit()
        self.search.setAccessibleName("Search strategies")
        self.search.setPlaceholderText("Search by pupil, target, strategy or professional")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(320)
        row = QHBoxLayout()
        row.addWidget(class_label)
        row.addWidget(self.class_choice)
        row.addSpacing(12)
        row.addWidget(self.search)
        row.addStretch(1)
        self.model = RowsModel([
            Column("Pupil", lambda s: s.pupil),
            Column("Class", lambda s: s.class_name),
            Column("Area", lambda s: AREA_LABELS.get(s.area, s.area),
                   lambda s: AREAS_OF_NEED.index(s.area) if s.area in AREAS_OF_NEED else 9),
            Column("Target", lambda s: s.target),
            Column("Strategy", lambda s: s.strategy),
            Column("Set by", lambda s: s.professional or ""),
        ], self)
        self.proxy = _StrategyFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table(self.proxy, "Strategies for daily practice", None)
        self.table.setWordWrap(True)
        self.table.setItemDelegate(_RoomyDelegate(self.table))
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in ((0, 130), (1, 70), (2, 160), (5, 130)):
            header.resizeSection(column, width)
        for column in (3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.class_choice.currentIndexChanged.connect(lambda _i: self.reload())
        self.search.textChanged.connect(self._search_changed)
        self.table.doubleClicked.connect(self.on_activated)
        self.reload()

    def reload(self) -> None:
        class_name = self.class_choice.currentData()
        try:
            rows = self.services.outcomes.class_strategies(self.actor, class_name)
        except FairfieldsError as exc:
            self.model.set_rows([])
            self.message.setText(str(exc))
            return
        self.model.set_rows(rows)
        self.table.setColumnHidden(1, class_name is not None)
        self._search_changed(self.search.text())

    def _search_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        where = self.class_choice.currentText() if self.class_choice.currentData() else "any class"
        if not total:
            self.message.setText(f"No current strategies for {where} yet: they come from the targets the "
                                 "SENCO records under each pupil's outcomes.")
        elif shown != total:
            self.message.setText(f"{shown} of {total} strategies match the search.")
        else:
            self.message.setText(f"{total} current strateg{'y' if total == 1 else 'ies'} for {where}.")

    def on_activated(self, index) -> None:  # noqa: ANN001
        item = index.data(ITEM_ROLE)
        if item is not None:
            self.open_requested.emit("pupils", item.pupil_upn)


class _RoomyDelegate(QStyledItemDelegate):
    """A little air above and below wrapped lines, so the rows of the list do not run together."""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802, ANN001
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 10)


class _StrategyFilter(FilterProxy):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._text = ""

    def set_search(self, text: str) -> None:
        self.refilter(lambda: setattr(self, "_text", fold(text.strip())))

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # noqa: N802, ANN001
        if not self._text:
            return True
        s = self.sourceModel().row(source_row)
        haystack = fold(" ".join((s.pupil, s.class_name, AREA_LABELS.get(s.area, s.area), s.outcome, s.target,
                                  s.strategy, s.professional or "")))
        return all(word in haystack for word in self._text.split())
