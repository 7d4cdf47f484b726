"""The Spaces & bookings screen: the timetable by day, by space's week or by class's week, and booking.

The bookings service decides everything (clashes, school days, checks, priority); this screen shows its
timetables on a ``TimetableCanvas``, gathers input in dialogs, and shows the service's answers in words.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from html import escape

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...config import day_view_of, keep_day_view
from ...domain.checks import day_text
from ...domain.space_order import BUSIEST, CHOSEN, ORDER_WORDS, SCHOOL, order_spaces, school_order
from ...domain.errors import FairfieldsError
from ...domain.permissions import allowed
from ..change_hub import watch_record
from ..commands import ServiceCommand, UndoOnlyCommand, outcome_text
from ..contrast import readable
from ..operations import perform
from ..shortcuts import add_shortcut
from ..timetable_canvas import (
    BLOCK_COLOURS,
    BLOCK_FILLS,
    TimetableCanvas,
    kind_words,
    next_school_weekday,
)
from .booking_dialog import (
    BookingDialog,
    CancelDialog,
    MoveDialog,
    OutOfUseDialog,
    ScopeDialog,
    error_text,
    notice_text,
)
from .space_choice import ChooseSpacesDialog

MODES = ("day", "week", "class")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def render_block(block) -> str:  # noqa: ANN001
    """A booking's details as the side pane shows them."""
    cancelled = block.status == "cancelled"
    colour = BLOCK_COLOURS.get(block.kind, "#1a1a1a")
    rows = [
        ("When", f"{block.start:%A} {day_text(block.start.date())}, {block.start:%H:%M}–{block.end:%H:%M}"),
        ("Space", block.space),
        ("For", block.professional or "the school's own use"),
        ("Pupils", ", ".join(block.pupils) or "none named"),
        ("Staff", ", ".join(block.staff) or "none named"),
        ("Title", block.title or "not given"),
        *([("Notes", block.notes)] if block.notes else []),  # the service gives notes only to who may read them
        ("Booking", f"{block.booking_ref}, " + ("part of a weekly series" if block.repeating else "a single booking")),
        *([("Authorised", f"made by request {block.request_ref}")] if block.request_ref else []),
        *([("Authorised", "booked directly by the headteacher"
            + (f": {block.direct_reason}" if block.direct_reason else ""))] if block.direct else []),
        ("Status", "Cancelled" if cancelled else "Booked"),
    ]
    if cancelled:
        when = f" on {day_text(block.cancelled_at.date())} at {block.cancelled_at:%H:%M}" if block.cancelled_at else ""
        rows.append(("Cancelled by", f"{block.cancelled_by or 'unknown'}{when}"))
        rows.append(("Why", block.cancel_reason or "not given"))
    table = "".join(f"<tr><td style='padding:2px 8px 2px 0'><b>{escape(k)}</b></td><td style='padding:2px'>"
                    f"{escape(v)}</td></tr>" for k, v in rows)
    # the side pane is on the palette's base: fixed colours give way to its text where unreadable (high contrast)
    return (f"<h3 style='color:{readable('#1a3a5c')}'>{escape(block.who)}</h3>"
            f"<p><span style='color:{readable(colour)}'><b>{escape(kind_words(block.kind))}</b></span>"
            + (" · <b>cancelled</b>" if cancelled else "") + f"</p><table>{table}</table>")


def legend_html() -> str:
    chips = "".join(
        f"<span style='background:{BLOCK_FILLS[k]}; color:{BLOCK_COLOURS[k]}'>&nbsp;&#9608; "
        f"<b>{escape(kind_words(k))}</b>&nbsp;</span>&nbsp;&nbsp;"
        for k in ("statutory", "commissioned", "independent", "school"))
    return (chips + "<span style='background:#ececec; color:#8a1c1c'>&nbsp;/// Not bookable (reason shown)&nbsp;"
            "</span>&nbsp;&nbsp;<span style='background:#f3f3f3; color:#555555'>&nbsp;<s>Cancelled</s> (struck "
            "through, with why)&nbsp;</span>")


class TimetableScreen(QWidget):
    """Spaces & bookings: Day (every space), Week (one space) or Class (a class's week) on a canvas."""

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.can_create = allowed(actor.roles, "bookings.create")
        self.can_close = allowed(actor.roles, "spaces.out_of_use")
        self.day = services.clock.today()
        self.undo_stack = QUndoStack(self)
        self._shown = False

        heading = QLabel("Spaces & bookings")
        heading.setObjectName("screenTitle")

        # what to show
        self.day_button = QPushButton("&Day")
        self.week_button = QPushButton("&Week")
        self.class_button = QPushButton("C&lass")
        self.mode_group = QButtonGroup(self)
        self.mode_group.setExclusive(True)
        for number, (button, tip) in enumerate(((self.day_button, "Every bookable space side by side for one day"),
                                                (self.week_button, "One space from Monday to Friday"),
                                                (self.class_button, "A class's sessions and visits for the week"))):
            button.setCheckable(True)
            button.setToolTip(tip)
            button.setAccessibleDescription(tip)
            self.mode_group.addButton(button, number)
        self.space_combo = QComboBox()
        self.space_combo.setAccessibleName("Space for the week view")
        for info in services.bookings.spaces(actor):
            self.space_combo.addItem(info.name, info.id)
        self.class_combo = QComboBox()
        self.class_combo.setAccessibleName("Class for the class view")
        if allowed(actor.roles, "pupils.all_classes"):
            for name in services.pupils.class_names():
                self.class_combo.addItem(name, name)
        elif actor.class_name:  # a teacher sees their own class only
            self.class_combo.addItem(actor.class_name, actor.class_name)
        if actor.class_name and self.class_combo.findData(actor.class_name) >= 0:
            self.class_combo.setCurrentIndex(self.class_combo.findData(actor.class_name))
        self.class_button.setEnabled(self.class_combo.count() > 0)
        self.previous_button = QPushButton("‹ &Previous")
        add_shortcut(self.previous_button, "Alt+Left")
        self.next_button = QPushButton("N&ext ›")
        add_shortcut(self.next_button, "Alt+Right")
        self.today_button = QPushButton("&Today")
        add_shortcut(self.today_button, "Ctrl+T", "Go to today")
        self.date_edit = QDateEdit(_qdate(self.day))
        self.date_edit.setDisplayFormat("ddd dd/MM/yyyy")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setAccessibleName("Date shown")
        self._arrange_controls()
        self.show_cancelled = QCheckBox("Show &cancelled")
        self.show_cancelled.setToolTip("Show cancelled bookings struck through, with who cancelled them and why")

        # what can be done
        self.new_button = QPushButton("&New booking…")
        add_shortcut(self.new_button, "Ctrl+N", "Book a space (Ctrl+N); or double-click or drag over an empty time")
        self.edit_button = QPushButton("Ed&it…")
        add_shortcut(self.edit_button, "Ctrl+E", "Edit the selected booking: its title, pupils, staff, professional, "
                                                 "space, times or series end (double-click a booking too)")
        self.move_button = QPushButton("&Move…")
        add_shortcut(self.move_button, "Ctrl+M", "Move the selected booking to another time, day or space")
        self.cancel_button = QPushButton("Cancel &booking…")
        add_shortcut(self.cancel_button, "Del", "Cancel the selected booking, saying why")
        self.export_button = QPushButton("E&xport calendar…")
        self.export_button.setToolTip("Save the bookings shown (this space, class or professional) as an .ics "
                                      "file for Outlook: pupils' initials only unless you choose otherwise")
        self.out_of_use_button = QPushButton("Mark space &out of use…")
        for button in (self.new_button, self.edit_button, self.move_button, self.cancel_button):
            button.setVisible(self.can_create)
        self.out_of_use_button.setVisible(self.can_close)
        self.message = QLabel("")
        self.message.setObjectName("screenMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.timetable_title = QLabel("")
        self.timetable_title.setObjectName("timetableTitle")
        self.timetable_title.setStyleSheet(f"font-size: 12pt; font-weight: 600; color: {readable('#1a3a5c')}")
        self.legend = QLabel(legend_html())
        self.legend.setObjectName("hint")
        self.legend.setAccessibleName("Key to the colours")

        self.canvas = TimetableCanvas()
        self.canvas.set_today(services.clock.today())
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.canvas)
        self.scroll.setFocusProxy(self.canvas)

        self.detail = QTextBrowser()
        self.detail.setObjectName("bookingDetail")
        self.detail.setAccessibleName("Booking details")
        self.notices_box = QGroupBox("Who must be told")
        self.notices_layout = QVBoxLayout(self.notices_box)
        self.notices_box.setVisible(False)
        self.notice_buttons: dict[int, QPushButton] = {}
        side = QWidget()
        side.setMinimumWidth(260)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.detail, 1)
        side_layout.addWidget(self.notices_box)

        view_row = QHBoxLayout()
        for button in (self.day_button, self.week_button, self.class_button):
            view_row.addWidget(button)
        view_row.addWidget(self.space_combo)
        view_row.addWidget(self.class_combo)
        view_row.addWidget(self.order_combo)
        view_row.addWidget(self.choose_button)
        view_row.addSpacing(12)
        for widget in (self.previous_button, self.today_button, self.next_button, self.date_edit):
            view_row.addWidget(widget)
        view_row.addWidget(self.show_cancelled)
        view_row.addStretch(1)
        action_row = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.move_button, self.cancel_button, self.export_button,
                       self.out_of_use_button):
            action_row.addWidget(button)
        action_row.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(self.scroll)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 280])
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(view_row)
        layout.addLayout(action_row)
        layout.addWidget(self.message)
        layout.addWidget(self.timetable_title)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.legend)

        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        self.addAction(undo)
        self.addAction(redo)

        self.mode_group.idToggled.connect(self.on_mode_toggled)
        self.space_combo.currentIndexChanged.connect(lambda _i: self.mode == "week" and self.refresh())
        self.class_combo.currentIndexChanged.connect(lambda _i: self.mode == "class" and self.refresh())
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(self.go_today)
        self.date_edit.dateChanged.connect(self.on_date_picked)
        self.show_cancelled.toggled.connect(lambda _on: self.refresh())
        self.new_button.clicked.connect(self.on_new_clicked)
        self.edit_button.clicked.connect(self.on_edit_clicked)
        self.move_button.clicked.connect(self.on_move_clicked)
        self.cancel_button.clicked.connect(self.on_cancel_clicked)
        self.out_of_use_button.clicked.connect(self.on_out_of_use_clicked)
        self.export_button.clicked.connect(self.on_export_clicked)
        self.canvas.block_selected.connect(self.show_detail)
        self.canvas.block_activated.connect(self.on_block_activated)
        self.canvas.slot_requested.connect(self.on_slot_requested)
        self.canvas.slot_refused.connect(self.on_slot_refused)

        # a teacher lands on their own class's week
        self.mode = "class" if actor.class_name and self.class_combo.findData(actor.class_name) >= 0 else "day"
        self.mode_group.button(MODES.index(self.mode)).setChecked(True)
        self._show_mode_controls()
        self.refresh()

    # --- what is shown ------------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        self.mode_group.button(MODES.index(mode)).setChecked(True)

    def on_mode_toggled(self, button_id: int, checked: bool) -> None:
        if not checked or MODES[button_id] == self.mode:
            return
        selected = self.canvas.selected_block()
        self.mode = MODES[button_id]
        if self.mode == "week" and selected is not None and self.space_combo.findData(selected.space_id) >= 0:
            self.space_combo.blockSignals(True)
            self.space_combo.setCurrentIndex(self.space_combo.findData(selected.space_id))
            self.space_combo.blockSignals(False)
        self._show_mode_controls()
        self.refresh()

    def _show_mode_controls(self) -> None:
        self.order_combo.setVisible(self.mode == "day")
        self.choose_button.setVisible(self.mode == "day")
        self.space_combo.setVisible(self.mode == "week")
        self.class_combo.setVisible(self.mode == "class")
        unit = "day" if self.mode == "day" else "week"
        self.previous_button.setText(f"‹ &Previous {unit}")
        self.next_button.setText(f"N&ext {unit} ›")
        self.previous_button.setToolTip(f"The previous {unit} (Alt+Left)")
        self.next_button.setToolTip(f"The next {unit} (Alt+Right)")

    def set_day(self, day: date) -> None:
        self.day = day
        self.refresh()

    def step(self, direction: int) -> None:
        if self.mode == "day":
            self.set_day(next_school_weekday(self.day, direction))
        else:
            self.set_day(self.day + timedelta(days=7 * direction))

    def go_today(self) -> None:
        self.set_day(self.services.clock.today())

    def on_date_picked(self, value: QDate) -> None:
        picked = date(value.year(), value.month(), value.day())
        if picked != self.day:
            self.set_day(picked)

    def refresh(self) -> None:
        """Ask the service for the view again (after any change), keeping the date and the selection."""
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(_qdate(self.day))
        self.date_edit.blockSignals(False)
        include = self.show_cancelled.isChecked()
        bookings = self.services.bookings
        try:
            if self.mode == "day":
                timetable = self._arranged(bookings.day_view(self.actor, self.day, include_cancelled=include))
            elif self.mode == "week":
                if self.space_combo.currentData() is None:
                    self.message.setText("There is no bookable space to show.")
                    return
                timetable = bookings.week_view(self.actor, self.space_combo.currentData(), self.day,
                                               include_cancelled=include)
            else:
                timetable = bookings.class_week(self.actor, self.class_combo.currentData(), self.day,
                                                include_cancelled=include)
        except FairfieldsError as exc:
            self.message.setText(f"Cannot show this: {exc}")
            return
        self.canvas.set_timetable(timetable)
        title = timetable.title
        if self.mode == "day" and timetable.days[0].why_not_school_day:
            title += f" — not a school day ({timetable.days[0].why_not_school_day})"
        self.timetable_title.setText(title)
        self.show_detail(self.canvas.selected_block())

    # --- the day view's spaces, arranged by each person (kept per user on this PC) -----------------------
    def _arrange_controls(self) -> None:
        kept = day_view_of(self.actor.username)
        self.chosen_spaces: list[str] = [n for n in kept.get("chosen") or [] if isinstance(n, str)]
        self._use: tuple[date, dict[int, int]] | None = None
        self.order_combo = QComboBox()
        self.order_combo.setAccessibleName("Order of the spaces")
        self.order_combo.setToolTip("The order of the day view's spaces, kept for you on this PC")
        for how, words in ORDER_WORDS.items():
            self.order_combo.addItem(words, how)
        index = self.order_combo.findData(kept.get("order"))
        self.order_combo.setCurrentIndex(max(0, index))
        self.choose_button = QPushButton("C&hoose spaces…")
        self.choose_button.setToolTip("Tick and order the spaces the day view shows (My chosen spaces)")
        self.order_combo.currentIndexChanged.connect(self.on_order_changed)
        self.choose_button.clicked.connect(self.on_choose_spaces_clicked)

    def _arranged(self, timetable):  # noqa: ANN001, ANN202
        """The day view's spaces in the order this person chose (the service's timetable, re-ordered)."""
        how = self.order_combo.currentData()
        counts = None
        if how == BUSIEST:
            monday = self.day - timedelta(days=self.day.weekday())
            if self._use is None or self._use[0] != monday:  # the four weeks around the day shown
                self._use = (monday, self.services.bookings.space_use(
                    self.actor, monday - timedelta(days=14), monday + timedelta(days=25)))
            counts = self._use[1]
        spaces = order_spaces(timetable.spaces, how, counts, self.chosen_spaces)
        return replace(timetable, spaces=tuple(spaces))

    def on_order_changed(self, _index: int) -> None:
        if self.order_combo.currentData() == CHOSEN and not self.chosen_spaces:
            self.on_choose_spaces_clicked()
            return
        self._keep_arrangement()
        self.refresh()

    def on_choose_spaces_clicked(self) -> None:
        spaces = school_order(self.services.bookings.spaces(self.actor))
        dialog = ChooseSpacesDialog(spaces, self.chosen_spaces, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen():
            self.chosen_spaces = dialog.chosen()
            self.order_combo.blockSignals(True)
            self.order_combo.setCurrentIndex(self.order_combo.findData(CHOSEN))
            self.order_combo.blockSignals(False)
        elif self.order_combo.currentData() == CHOSEN and not self.chosen_spaces:
            self.order_combo.blockSignals(True)
            self.order_combo.setCurrentIndex(self.order_combo.findData(SCHOOL))
            self.order_combo.blockSignals(False)
        self._keep_arrangement()
        self.refresh()

    def _keep_arrangement(self) -> None:
        keep_day_view(self.actor.username, self.order_combo.currentData(), self.chosen_spaces)

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        super().showEvent(event)
        if self._shown:
            self.refresh()  # others may have booked since
        self._shown = True

    # --- the selected booking -------------------------------------------------------------------------
    def show_detail(self, block) -> None:  # noqa: ANN001
        booked = block is not None and block.status == "booked"
        self.edit_button.setEnabled(booked)
        self.move_button.setEnabled(booked)
        self.cancel_button.setEnabled(booked)
        for child in self.notices_box.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            child.setParent(None)
            child.deleteLater()
        self.notice_buttons = {}
        if block is None:
            self.detail.setHtml("<p>Select a booking to see its details. Double-click or drag over an empty time "
                                "to book it.</p>" if self.can_create else "<p>Select a booking to see its details."
                                "</p>")
            self.notices_box.setVisible(False)
            return
        self.detail.setHtml(render_block(block))
        try:
            notices = self.services.bookings.notices(self.actor, block.occurrence_id)
        except FairfieldsError as exc:
            self.detail.append(f"<p>{escape(str(exc))}</p>")
            notices = []
        self.notices_box.setVisible(bool(notices))
        for notice in notices:
            told = (f"Told {notice.told_at:%d %b %Y %H:%M} by {notice.told_by}" if notice.told_at else "Not told yet")
            label = QLabel(f"<b>{escape(notice_text(notice))}</b><br>{escape(notice.what)}<br><i>{escape(told)}</i>")
            label.setWordWrap(True)
            self.notices_layout.addWidget(label)
            if self.can_create and notice.told_at is None:
                button = QPushButton("Mark told")
                button.setAccessibleName(f"Mark {notice.who} as told")
                button.clicked.connect(lambda _checked=False, n=notice: self.mark_told(n))
                self.notices_layout.addWidget(button)
                self.notice_buttons[notice.id] = button

    def mark_told(self, notice) -> None:  # noqa: ANN001
        try:
            done = perform(self, lambda: self.services.bookings.mark_told(self.actor, notice.id))
        except FairfieldsError as exc:
            self.message.setText(f"Not marked: {exc}")
            return
        self.message.setText(f"{done.who} marked as told.")
        self.show_detail(self.canvas.selected_block())

    def on_block_activated(self, block) -> None:  # noqa: ANN001
        if self.can_create and block.status == "booked":
            self.on_edit_clicked()

    # --- booking ------------------------------------------------------------------------------------
    def on_slot_requested(self, key: object, start: datetime, end: datetime) -> None:
        if not self.can_create:
            self.message.setText("Your role can see the timetable; the office, the SENCO, the headteacher or an "
                                 "admin can book.")
            return
        space = None
        if self.mode == "day":
            column = self.canvas.column(key)
            space = column.space.name if column is not None and column.space is not None else None
        elif self.mode == "week":
            space = self.space_combo.currentText()
        self.open_booking_dialog(space, start, end)

    def on_slot_refused(self, key: object, reason: str) -> None:
        column = self.canvas.column(key)
        where = ""
        if column is not None:
            where = (f"{column.title} on {column.day:%A} {day_text(column.day)}" if self.mode == "day"
                     else f"{column.day:%A} {day_text(column.day)}")
        self.message.setText(f"Nothing can be booked {('in ' if self.mode == 'day' else 'on ') + where}: {reason}."
                             if where else f"Nothing can be booked there: {reason}.")

    def on_new_clicked(self) -> None:
        selected = self.canvas.selected_block()
        space = None
        if self.mode == "week":
            space = self.space_combo.currentText()
        elif selected is not None:
            space = selected.space
        timetable = self.canvas.timetable()
        first = timetable.day_start if timetable is not None else time(9, 0)
        start = datetime.combine(self.day, max(first, time(9, 0)))
        self.open_booking_dialog(space, start, start + timedelta(minutes=45))

    def open_booking_dialog(self, space: str | None, start: datetime, end: datetime) -> None:
        dialog = BookingDialog(self.services, self.actor, space=space, start=start, end=end, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.booked:
            return
        booked = dialog.booked
        if not dialog.notices:  # a plain booking: Ctrl+Z cancels it (one giving priority moved others: not)
            self._push_booking_undo(booked)
        self.refresh()
        self.canvas.select_block(booked[0].occurrence_id)
        first = booked[0]
        dates = f"{len(booked)} date(s) from {day_text(first.start.date())}" if len(booked) > 1 else \
            day_text(first.start.date())
        text = (f"Booked {first.booking_ref}: {first.space}, {first.start:%H:%M}–{first.end:%H:%M}, {dates}, for "
                f"{first.who}.")
        if dialog.outcome:  # booked with priority: what happened on each date, in words
            text += " " + " ".join(dialog.outcome)
        elif dialog.plan is not None and dialog.plan.clashing:
            text += " Skipped: " + ", ".join(day_text(d.day) for d in dialog.plan.clashing) + "."
        if dialog.notices:
            text += " Who must be told of the sessions that gave way: " + "; ".join(
                dict.fromkeys(notice_text(n) for n in dialog.notices)) + "."
        if dialog.warnings:
            text += " Note: " + "; ".join(dialog.warnings) + "."
        if not dialog.notices:
            text += " Ctrl+Z undoes it."
        self.message.setText(text)

    def _push_booking_undo(self, booked: list) -> None:
        first = booked[0]
        seen = (first.start, first.end, first.space)
        actor, bookings = self.actor, self.services.bookings

        def cancel() -> None:
            perform(self, lambda: bookings.cancel(actor, first.occurrence_id, "Undone straight after booking",
                                                  whole_series=True, expected=seen),
                    doing="Undoing…", verb=f"Not undone: booking of {first.booking_ref}")

        command = UndoOnlyCommand(f"booking of {first.booking_ref}", cancel)
        command._on_done = lambda error: self._after_undo(command, error)
        self.undo_stack.push(command)

    def _after_undo(self, command, error: Exception | None) -> None:  # noqa: ANN001
        self.refresh()
        self.message.setText(outcome_text(command, error))

    # --- changing -----------------------------------------------------------------------------------
    def on_edit_clicked(self) -> None:
        """Edit the selected booking whole: for a series, first which dates (this, this and following, all)."""
        block = self.canvas.selected_block()
        if block is None or block.status != "booked":
            self.message.setText("Choose a booking (not a cancelled one) first.")
            return
        scope = "this"
        if block.repeating:
            chooser = ScopeDialog(block, parent=self)
            if chooser.exec() != QDialog.DialogCode.Accepted or chooser.scope() is None:
                return
            scope = chooser.scope()
        try:
            editing = self.services.bookings.editable(self.actor, block.occurrence_id)
        except FairfieldsError as exc:
            self.message.setText(f"Cannot edit it: {exc}")
            return
        dialog = BookingDialog(self.services, self.actor, parent=self, editing=editing, scope=scope)
        watch_record(dialog, self.services, "bookings", "booking", block.booking_ref, f"Booking {block.booking_ref}")
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.edited is None:
            return
        done = dialog.edited
        self._push_edit_undo(done)
        self.refresh()
        shown = [b for b in done.blocks if b.status == "booked"]
        if shown:
            self.canvas.select_block(shown[0].occurrence_id)
        which = {"this": "", "following": " from this date on", "series": " (the whole series)"}[scope]
        split = f" (now booking {done.booking_ref})" if done.booking_ref != block.booking_ref else ""
        text = f"Saved {block.booking_ref}{which}{split}: {len(done.blocks)} date(s) changed."
        if dialog.warnings:
            text += " Note: " + "; ".join(dialog.warnings) + "."
        self.message.setText(text + " Ctrl+Z undoes it.")

    def _push_edit_undo(self, done) -> None:  # noqa: ANN001 (an EditDone)
        actor, bookings, undo = self.actor, self.services.bookings, done.undo

        def put_back() -> None:
            perform(self, lambda: bookings.undo_edit(actor, undo), doing="Undoing…",
                    verb=f"Not undone: edit of {undo.booking_ref}")

        command = UndoOnlyCommand(f"edit of {undo.booking_ref}", put_back)
        command._on_done = lambda error: self._after_undo(command, error)
        self.undo_stack.push(command)

    def on_move_clicked(self) -> None:
        block = self.canvas.selected_block()
        if block is None or block.status != "booked":
            self.message.setText("Choose a booking (not a cancelled one) first.")
            return
        dialog = MoveDialog(self.services, self.actor, block, parent=self)
        watch_record(dialog, self.services, "bookings", "booking", block.booking_ref, f"Booking {block.booking_ref}")
        while dialog.exec() == QDialog.DialogCode.Accepted:
            start, end, space, whole = dialog.values()
            error = self.move_block(block, start, end, space, whole_series=whole)
            if error is None:
                return
            dialog.message.setText(error_text(error, "Not moved"))

    def move_block(self, block, start: datetime, end: datetime, space: str | None, *,  # noqa: ANN001
                   whole_series: bool = False) -> Exception | None:
        """Move as an undoable command (Ctrl+Z moves it back, through the service again)."""
        occurrence_id = block.occurrence_id
        first_run = [True]
        here, there = (block.start, block.end, block.space), (start, end, space or block.space)
        # where the person last saw it: a move (or its undo) made on another PC meanwhile is refused,
        # naming who moved it and when, instead of being silently moved again
        seen_at = {there: here, here: there}

        actor, bookings = self.actor, self.services.bookings

        def apply(values: tuple[datetime, datetime, str], _version: int | None) -> None:
            s, e, sp = values
            expected = seen_at[(s, e, sp or block.space)]
            perform(self, lambda: bookings.move(actor, occurrence_id, s, e, sp, whole_series=whole_series,
                                                expected=expected),
                    doing="Moving…", verb=f"Not moved: {block.booking_ref}")

        def done(error: Exception | None) -> None:
            if not first_run[0]:
                self._after_undo(command, error)
            else:
                self.refresh()

        command = ServiceCommand(f"move of {block.booking_ref}", apply, here, there, None, done)
        error = command.first_run()
        first_run[0] = False
        if error is not None:
            return error
        self.undo_stack.push(command)
        which = "and the later ones of the series " if whole_series else ""
        self.message.setText(f"Moved {block.booking_ref} {which}to {space}, {start:%a} {day_text(start.date())} "
                             f"{start:%H:%M}–{end:%H:%M}. Ctrl+Z undoes it.")
        return None

    def on_cancel_clicked(self) -> None:
        block = self.canvas.selected_block()
        if block is None or block.status != "booked":
            self.message.setText("Choose a booking (not a cancelled one) first.")
            return
        dialog = CancelDialog(block, parent=self)
        watch_record(dialog, self.services, "bookings", "booking", block.booking_ref, f"Booking {block.booking_ref}")
        while dialog.exec() == QDialog.DialogCode.Accepted:
            reason, whole = dialog.values()
            try:
                done = perform(dialog, lambda reason=reason, whole=whole: self.services.bookings.cancel(
                    self.actor, block.occurrence_id, reason, whole_series=whole), doing="Cancelling…",
                    verb="Not cancelled")
            except FairfieldsError as exc:
                dialog.message.setText(error_text(exc, "Not cancelled"))
                continue
            self.refresh()
            hint = "" if self.show_cancelled.isChecked() else " Tick “Show cancelled” to see it struck through."
            self.message.setText(f"Cancelled {len(done)} date(s) of {block.booking_ref} ({block.who}): {reason}.{hint}")
            return

    def on_export_clicked(self) -> None:
        from .export_dialog import CalendarExportDialog

        dialog = CalendarExportDialog(self.services, self.actor, self.mode, self.space_combo.currentText(),
                                      self.class_combo.currentText(), self.day, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved_to:
            self.message.setText(f"Saved {dialog.events} booking(s) to {dialog.saved_to}.")

    def on_out_of_use_clicked(self) -> None:
        selected = self.canvas.selected_block()
        space = self.space_combo.currentText() if self.mode == "week" else (selected.space if selected else None)
        dialog = OutOfUseDialog(self.services, self.actor, space, self.day, parent=self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            name, first, last, reason = dialog.values()
            try:
                perform(dialog, lambda name=name, first=first, last=last, reason=reason:
                        self.services.bookings.set_out_of_use(self.actor, name, first, last, reason))
            except FairfieldsError as exc:
                dialog.message.setText(error_text(exc, "Not saved"))
                continue
            self.refresh()
            self.message.setText(f"{name} is out of use from {day_text(first)} to {day_text(last)}: {reason}. "
                                 "Bookings already made then are kept; move or cancel them.")
            return
