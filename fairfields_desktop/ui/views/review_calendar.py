"""A month of review meetings and the pupils' deadlines (reviews due, advice, assessments, authorisations
ending, review paperwork), Monday to Sunday, with the chosen day's entries in full beside it.

The reviews service gives the month's entries (``ReviewService.month`` over the due service's items); this
screen only lays them out. Every cell says in words what it holds (day, entries, "OVERDUE", "today"), so a
screen reader and a colour-blind reader get what the colours show.
"""

from __future__ import annotations

import calendar as month_calendar
import re
from datetime import date, timedelta

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain import deadlines
from ...domain.checks import day_text
from ...domain.errors import FairfieldsError
from ..contrast import readable
from ..shortcuts import add_shortcut

#: what each kind of entry is, in a cell ("Review due: Ben Hughes") and in the day's list
KIND_SHORT = {"meeting": "Review meeting", "annual_review": "Review due", "advice": "Advice due",
              "assessment": "Assessment", "authorisation_ending": "Sessions end",
              "review_paperwork": "Paperwork"}
KIND_WORDS = {"meeting": "Review meeting", "annual_review": "Annual review due", "advice": "Advice due",
              "assessment": "EHC needs assessment", "authorisation_ending": "Authorisation ending",
              "review_paperwork": "Review paperwork"}
#: a review paperwork step or an assessment stage, shorter (found in the entry's text)
STEP_SHORT = {deadlines.INVITATIONS: "Invitations", deadlines.CIRCULATION: "Circulate advice",
              deadlines.REPORT: "Report to LA", deadlines.LA_DECISION: "LA decision",
              deadlines.AMENDMENT_COMMENTS: "Comments end", deadlines.FINAL_AMENDED_PLAN: "Amended plan",
              deadlines.DECISION_TO_ASSESS: "Decide to assess", deadlines.DECISION_TO_ISSUE: "Decide to issue",
              deadlines.DRAFT_COMMENTS: "Draft comments", deadlines.FINAL_PLAN: "Final plan"}
TIME = re.compile(r"\b\d{2}:\d{2}\b")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

ARROWS = {Qt.Key.Key_Up: -7, Qt.Key.Key_Down: 7, Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}

#: AA contrast on their fills (the day cells paint their own light fills, whatever the palette); text drawn on
#: the palette's background (the title, the message, the day's list) goes through `readable`
TEXT = "#1a1a1a"
DIM_TEXT = "#4a5560"
WEEKEND_FILL = "#f1f2f4"
TODAY_FILL = "#fff4d6"
TODAY_EDGE = "#8a5a00"
SELECTED_FILL = "#dce8f7"
FOCUS = "#1a5fb4"
OVERDUE_TEXT = "#8a1c1c"
MEETING_TEXT = "#1a3a5c"
GRID = "#c5ccd3"

#: the day of a cell (None outside the month) and its entries
DAY_ROLE = Qt.ItemDataRole.UserRole + 10
ENTRIES_ROLE = Qt.ItemDataRole.UserRole + 11


def short_line(entry, names: dict[str, str]) -> str:  # noqa: ANN001
    """An entry as a cell shows it: "OVERDUE Advice due: Chloe Nowak"."""
    what = KIND_SHORT.get(entry.kind, entry.kind.replace("_", " ").capitalize())
    if entry.kind in ("review_paperwork", "assessment"):
        what = next((short for step, short in STEP_SHORT.items() if f"{step} " in entry.text), what)
    who = names.get(entry.pupil_upn) or entry.text.split(":")[0]
    line = f"{what}: {who}"
    at = TIME.search(entry.text) if entry.kind == "meeting" else None
    if at:
        line += f" {at.group(0)}"
    return ("OVERDUE " if entry.overdue else "") + line


def full_line(entry) -> str:  # noqa: ANN001
    """An entry as the day's list shows it, in full."""
    what = KIND_WORDS.get(entry.kind, entry.kind.replace("_", " ").capitalize())
    return f"{what}" + (" — OVERDUE" if entry.overdue else "") + f"\n{entry.text}"


def month_title(year: int, month: int) -> str:
    return f"{month_calendar.month_name[month]} {year}"


class MonthModel(QAbstractTableModel):
    """The weeks of a month (Monday first) by the seven days; a day outside the month is an empty cell."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.year, self.month = 2000, 1
        self.today = date.today()
        self.weeks: list[list[date | None]] = []
        self.entries: dict[date, list] = {}
        self.names: dict[str, str] = {}

    def set_month(self, year: int, month: int, today: date, entries: list, names: dict[str, str]) -> None:
        self.beginResetModel()
        self.year, self.month, self.today, self.names = year, month, today, names
        self.weeks = [[d if d.month == month else None for d in week]
                      for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)]
        self.entries = {}
        for entry in entries:
            self.entries.setdefault(entry.day, []).append(entry)
        self.endResetModel()

    def day_at(self, index: QModelIndex | QPersistentModelIndex) -> date | None:
        if not index.isValid():
            return None
        return self.weeks[index.row()][index.column()]

    def index_of(self, day: date) -> QModelIndex:
        for row, week in enumerate(self.weeks):
            if day in week:
                return self.index(row, week.index(day))
        return QModelIndex()

    def lines(self, day: date) -> list[str]:
        return [short_line(e, self.names) for e in self.entries.get(day, [])]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.weeks)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 7

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if self.day_at(index) is None:
            return Qt.ItemFlag.NoItemFlags  # the keyboard skips the days of other months
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802, ANN201
        if orientation == Qt.Orientation.Horizontal and role in (Qt.ItemDataRole.DisplayRole,
                                                                  Qt.ItemDataRole.AccessibleTextRole):
            return WEEKDAYS[section]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole and self.weeks:
            first = next(d for d in self.weeks[section] if d is not None)
            return f"Week {first.isocalendar()[1]}"
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        day = self.day_at(index)
        if day is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "\n".join([str(day.day) + (" (today)" if day == self.today else ""), *self.lines(day)])
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.spoken(day)
        if role == Qt.ItemDataRole.ToolTipRole:
            entries = self.entries.get(day, [])
            return "\n".join([f"{day:%A} {day_text(day)}", *(("OVERDUE: " if e.overdue else "") + e.text
                                                               for e in entries)])
        if role == DAY_ROLE:
            return day
        if role == ENTRIES_ROLE:
            return list(self.entries.get(day, []))
        return None

    def spoken(self, day: date) -> str:
        """The cell as a screen reader says it: "Monday 9 November 2026, today: 1 entry: OVERDUE Review due: …"."""
        lines = self.lines(day)
        text = f"{day:%A} {day.day} {day:%B} {day.year}" + (", today" if day == self.today else "")
        if not lines:
            return text + ": nothing due"
        return text + f": {len(lines)} {'entry' if len(lines) == 1 else 'entries'}: " + "; ".join(lines)


class DayDelegate(QStyledItemDelegate):
    """Paints a day: its number, "Today", and one line per entry (overdue ones in words and in red)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        model = index.model()
        day = index.data(DAY_ROLE)
        rect = option.rect
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if day is None:
            painter.fillRect(rect, QColor("#fafafa"))
            painter.restore()
            return
        weekend = day.weekday() >= 5
        today = day == getattr(model, "today", None)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        fill = SELECTED_FILL if selected else TODAY_FILL if today else WEEKEND_FILL if weekend else "#ffffff"
        painter.fillRect(rect, QColor(fill))
        if today:
            painter.setPen(QPen(QColor(TODAY_EDGE), 2))
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        if selected and option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(QPen(QColor(FOCUS), 2, Qt.PenStyle.SolidLine))
            painter.drawRect(rect.adjusted(2, 2, -3, -3))

        inner = rect.adjusted(6, 4, -6, -4)
        font = QFont(option.font)
        bold = QFont(font)
        bold.setBold(True)
        metrics = QFontMetrics(font)
        line_height = metrics.height()
        painter.setFont(bold)
        painter.setPen(QColor(DIM_TEXT if weekend else TEXT))
        painter.drawText(QRect(inner.left(), inner.top(), inner.width(), line_height),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(day.day))
        if today:
            painter.setPen(QColor(TODAY_EDGE))
            painter.drawText(QRect(inner.left(), inner.top(), inner.width(), line_height),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "Today")

        entries = index.data(ENTRIES_ROLE) or []
        names = getattr(model, "names", {})
        y = inner.top() + line_height + 2
        wrap = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        for number, entry in enumerate(entries):
            left = len(entries) - number
            entry_font = bold if entry.overdue or entry.kind == "meeting" else font
            text = short_line(entry, names)
            width = inner.width() - 7  # a stripe of the entry's colour, then its words
            height = QFontMetrics(entry_font).boundingRect(QRect(0, 0, width, 10_000), wrap, text).height()
            if y + height > inner.bottom() + 1 or (left > 1 and y + height + line_height > inner.bottom() + 1):
                if y + line_height <= inner.bottom() + 1:  # no room for them all: say how many more
                    painter.setFont(font)
                    painter.setPen(QColor(DIM_TEXT))
                    painter.drawText(QRect(inner.left(), y, inner.width(), line_height),
                                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                     f"+{left} more…")
                break
            colour = QColor(OVERDUE_TEXT if entry.overdue else MEETING_TEXT if entry.kind == "meeting" else TEXT)
            painter.fillRect(QRect(inner.left(), y + 1, 3, height - 2),
                             colour if entry.overdue or entry.kind == "meeting" else QColor(GRID))
            painter.setFont(entry_font)
            painter.setPen(colour)
            painter.drawText(QRect(inner.left() + 7, y, width, height), wrap, text)
            y += height + 3
        painter.setPen(QPen(QColor(GRID), 1))
        painter.drawLine(rect.topRight(), rect.bottomRight())
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        height = QFontMetrics(option.font).height()
        return QSize(120, height * 4 + 10)


class ReviewCalendar(QWidget):
    """The month calendar; ``open_requested("pupils", upn)`` when an entry is opened."""

    open_requested = Signal(str, object)

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        today = services.clock.today()
        self.year, self.month = today.year, today.month
        self.selected_day: date | None = today
        self._due: list | None = None
        self._names: dict[str, str] = {}

        self.previous_button = QPushButton("‹ &Previous month")
        add_shortcut(self.previous_button, "Alt+Left", "The previous month (Alt+Left, or Page Up in the calendar)")
        self.today_button = QPushButton("&This month")
        add_shortcut(self.today_button, "Ctrl+T", "Back to today (Ctrl+T, or Ctrl+Home in the calendar)")
        self.next_button = QPushButton("&Next month ›")
        add_shortcut(self.next_button, "Alt+Right", "The next month (Alt+Right, or Page Down in the calendar)")
        for button in (self.previous_button, self.today_button, self.next_button):
            button.setAccessibleDescription(button.toolTip())
        self.title = QLabel("")
        self.title.setObjectName("calendarTitle")
        self.title.setStyleSheet(f"font-size: 14pt; font-weight: 600; color: {readable(MEETING_TEXT)}")
        self.title.setAccessibleName("Month shown")
        self.summary = QLabel("")
        self.summary.setObjectName("hint")
        self.message = QLabel("")
        self.message.setObjectName("screenMessage")
        self.message.setStyleSheet(f"color: {readable(OVERDUE_TEXT)}")
        self.message.setWordWrap(True)
        self.message.setVisible(False)

        self.model = MonthModel(self)
        self.grid = QTableView()
        self.grid.setModel(self.model)
        self.grid.setObjectName("reviewCalendarGrid")
        self.grid.setAccessibleName("Review meetings and deadlines by day")
        self.grid.setItemDelegate(DayDelegate(self.grid))
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setTabKeyNavigation(False)
        self.grid.setShowGrid(False)
        self.grid.setWordWrap(False)
        self.grid.setMouseTracking(True)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.horizontalHeader().setMinimumSectionSize(90)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setMinimumSectionSize(QFontMetrics(self.grid.font()).height() * 3 + 10)
        self.grid.verticalHeader().hide()
        self.grid.setMinimumSize(640, 380)
        self.grid.installEventFilter(self)

        self.day_title = QLabel("")
        self.day_title.setStyleSheet("font-weight: 600")
        self.day_title.setWordWrap(True)
        self.day_list = QListWidget()
        self.day_list.setAccessibleName("Entries on the chosen day")
        self.day_list.setWordWrap(True)
        self.day_list.setSpacing(3)
        self.day_list.setAlternatingRowColors(True)
        self.day_list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.day_title.setBuddy(self.day_list)
        hint = QLabel("Double-click an entry, or press Enter, to open the pupil.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        side = QWidget()
        side.setMinimumWidth(240)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        side_layout.addWidget(self.day_title)
        side_layout.addWidget(self.day_list, 1)
        side_layout.addWidget(hint)

        top = QHBoxLayout()
        for button in (self.previous_button, self.today_button, self.next_button):
            top.addWidget(button)
        top.addSpacing(16)
        top.addWidget(self.title)
        top.addSpacing(16)
        top.addWidget(self.summary, 1)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.grid)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([860, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(self.go_today)
        self.grid.activated.connect(self.on_day_activated)
        self.grid.selectionModel().currentChanged.connect(self.on_grid_current_changed)
        self.day_list.itemActivated.connect(self.on_entry_activated)
        self.reload()

    # --- what is shown -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Fetch what is due again (after a change elsewhere) and show the month again."""
        self._due = None
        self.show_month(self.year, self.month)

    def show_month(self, year: int, month: int) -> None:
        self.year, self.month = year, month
        today = self.services.clock.today()
        entries: list = []
        self.message.setVisible(False)
        try:
            if self._due is None:
                self._due = self.services.due.due(self.actor, None)
                self._names = {p.upn: f"{p.first_name} {p.last_name}"
                               for p in self.services.pupils.list_pupils(self.actor)}
            entries = self.services.reviews.month(self.actor, year, month, self._due)
        except FairfieldsError as exc:
            self._due = None
            self.message.setText(f"The calendar cannot be shown: {exc}")
            self.message.setVisible(True)
        self.model.set_month(year, month, today, entries, self._names)
        title = month_title(year, month)
        self.title.setText(title)
        self.grid.setAccessibleDescription(f"{title}, Monday to Sunday; Page Up and Page Down change the month")
        overdue = sum(e.overdue for e in entries)
        self.summary.setText("Nothing due and no review meetings this month." if not entries else
                             f"{len(entries)} {'entry' if len(entries) == 1 else 'entries'} this month"
                             + (f", {overdue} OVERDUE." if overdue else "."))
        # keep to the same day of the month (today, after "This month")
        if self.selected_day is None and (today.year, today.month) == (year, month):
            wanted = today
        else:
            day = self.selected_day.day if self.selected_day else 1
            wanted = date(year, month, min(day, month_calendar.monthrange(year, month)[1]))
        self.select_day(wanted)

    def select_day(self, day: date) -> None:
        if (day.year, day.month) != (self.year, self.month):
            self.selected_day = day
            self.show_month(day.year, day.month)
            return
        index = self.model.index_of(day)
        self.grid.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.show_day(day)

    def show_day(self, day: date | None) -> None:
        self.selected_day = day
        self.day_list.clear()
        if day is None:
            self.day_title.setText("")
            return
        entries = self.model.entries.get(day, [])
        self.day_title.setText(f"{day:%A} {day_text(day)}" + (" (today)" if day == self.model.today else "")
                               + f": {len(entries) or 'nothing'} "
                               + ("due or planned" if not entries else "entry" if len(entries) == 1 else "entries"))
        for entry in entries:
            item = QListWidgetItem(full_line(entry))
            item.setData(Qt.ItemDataRole.UserRole, entry)
            item.setToolTip(entry.text)
            if entry.overdue:
                item.setForeground(QColor(readable(OVERDUE_TEXT)))
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.day_list.addItem(item)
        if entries:
            self.day_list.setCurrentRow(0)

    # --- moving about --------------------------------------------------------------------------------
    def step(self, months: int) -> None:
        total = self.year * 12 + self.month - 1 + months
        self.show_month(total // 12, total % 12 + 1)

    def go_today(self) -> None:
        self.selected_day = None
        today = self.services.clock.today()
        self.show_month(today.year, today.month)

    def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
        if watched is self.grid and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown) and plain:
                self.step(-1 if key == Qt.Key.Key_PageUp else 1)
                return True
            if key == Qt.Key.Key_Home and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.go_today()
                return True
            if key in ARROWS and plain and self.selected_day is not None:
                # a day at a time, a week at a time, and on into the next or previous month
                self.select_day(self.selected_day + timedelta(days=ARROWS[key]))
                return True
        return super().eventFilter(watched, event)

    # --- opening -------------------------------------------------------------------------------------
    def on_grid_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        day = self.model.day_at(current)
        if day is not None and day != self.selected_day:
            self.show_day(day)

    def on_day_activated(self, index: QModelIndex) -> None:
        """Enter or double-click on a day: open its one pupil, or go to the list of its entries."""
        entries = self.model.entries.get(self.model.day_at(index), []) if index.isValid() else []
        upns = {e.pupil_upn for e in entries}
        if len(upns) == 1:
            self.open_requested.emit("pupils", upns.pop())
        elif entries:
            self.day_list.setFocus()

    def on_entry_activated(self, item: QListWidgetItem) -> None:
        entry = item.data(Qt.ItemDataRole.UserRole)
        if entry is not None:
            self.open_requested.emit("pupils", entry.pupil_upn)
