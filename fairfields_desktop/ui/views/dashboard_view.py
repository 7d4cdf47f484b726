"""The Dashboard: what needs attention today for the person signed in; each item opens its record.

The lists come first and take the screen; the chart of sessions is a tab of its own, drawn the first time it
is shown. Each section's heading says how many items it holds and is a link to the screen with the whole list,
as is its "…and N more"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import FairfieldsError
from ...domain.permissions import allowed
from ..operations import perform

TARGET_ROLE = Qt.ItemDataRole.UserRole + 3
NOTICE_ROLE = Qt.ItemDataRole.UserRole + 4  # a booking notice's id: its person can be marked told here

#: a screen key in words, for the links ("the EHCP & reviews screen")
SCREEN_WORDS = {"requests": "Requests", "ehcp": "EHCP & reviews", "professionals": "Professionals",
                "spaces": "Spaces & bookings", "pupils": "Pupils", "settings": "Settings"}


class FittedList(QListWidget):
    """A list as tall as its items (wrapped to the width it has): the page scrolls, never the list, so a
    section shows every item it lists, at any text size."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setSpacing(2)  # wrapped items told apart
        self._width = -1

    def fit(self) -> None:
        """Fix the height to the items as the list lays them out, wrapped at its width."""
        if not self.count():
            return
        self.doItemsLayout()
        first, last = self.visualItemRect(self.item(0)), self.visualItemRect(self.item(self.count() - 1))
        self.setFixedHeight(last.bottom() - first.top() + 1 + 2 * self.frameWidth() + 2 * self.spacing() + 4)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001
        super().resizeEvent(event)
        if event.size().width() != self._width:  # wrapped lines change with the width only
            self._width = event.size().width()
            self.doItemsLayout()
            self.fit()


class DashboardScreen(QWidget):
    open_requested = Signal(str, object)  # screen key, what to select there
    reloaded = Signal()  # the dashboard was read again: its counts (the navigation's) may have changed

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        heading = QLabel("Dashboard")
        heading.setObjectName("screenTitle")
        self.greeting = QLabel("")
        self.greeting.setObjectName("greeting")
        self.greeting.setWordWrap(True)
        self.message = QLabel("")  # what the last action on an item did
        self.message.setWordWrap(True)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(4, 4, 4, 4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)
        self.scroll = scroll
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Dashboard pages")
        self.tabs.addTab(scroll, "What needs your attention")
        self.chart = None
        self.chart_page: QWidget | None = None
        self._chart_stale = True
        if allowed(actor.roles, "sessions.mark"):
            # the chart gives way to the lists: a tab of its own, built when first shown
            self.chart_page = QWidget()
            QVBoxLayout(self.chart_page).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(self.chart_page, "Sessions this term (chart)")
            self.tabs.currentChanged.connect(self.on_tab_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.greeting)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        self.lists: dict[str, QListWidget] = {}
        self.links: dict[str, QPushButton] = {}  # section title → its heading link (with the count)
        self.told_buttons: dict[str, QPushButton] = {}  # section title → its "Mark … told" button
        self.dashboard = None
        self._problem: str | None = None
        self._built = False  # the lists are built at the first reload, shown or not
        self._lists_stale = False
        self.reload()

    # --- the chart ---------------------------------------------------------------------------------------------
    def show_chart(self) -> None:
        self.tabs.setCurrentWidget(self.chart_page)

    def on_tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.chart_page and self.chart_page is not None:
            self._ensure_chart()

    def _ensure_chart(self) -> None:
        if self.chart is None:
            from .sessions_chart import SessionsChart  # QtCharts loads only for the roles that see the chart

            self.chart = SessionsChart(self.services, self.actor)
            self.chart_page.layout().addWidget(self.chart)
            self.chart.show()
            self._chart_stale = False
        elif self._chart_stale:
            self.chart.reload()
            self._chart_stale = False

    # --- the lists ---------------------------------------------------------------------------------------------
    def _greeting_text(self) -> str:
        today = self.services.clock.today()
        settings = self.services.school.settings()
        why = self.services.school.calendar().why_not_school_day(today)
        return (f"Welcome, {self.actor.display_name}. Today is {today:%A} {today.day} {today:%B %Y} at "
                f"{settings.school_name}. " + ("A school day." if why is None else f"Not a school day ({why})."))

    def reload(self) -> None:
        """Read the dashboard again (one service call: ``dashboard`` and its counts are current when this
        returns) and show it. Hidden behind another screen, the lists are rebuilt when next shown, and the
        chart, if drawn, is read again when its tab is next shown: a refresh costs little when unseen."""
        self.greeting.setText(self._greeting_text())
        self._chart_stale = True
        if self.chart is not None and self.tabs.currentWidget() is self.chart_page and self.isVisible():
            self._ensure_chart()
        try:
            self.dashboard = self.services.dashboard.for_actor(self.actor)
            self._problem = None
        except FairfieldsError as exc:
            self.dashboard = None
            self._problem = str(exc)
        if self.isVisible() or not self._built:
            self._rebuild()
        else:
            self._lists_stale = True
        self.reloaded.emit()

    def showEvent(self, event) -> None:  # noqa: N802, ANN001
        super().showEvent(event)
        if self._lists_stale:
            self._rebuild()
        if self.chart is not None and self.tabs.currentWidget() is self.chart_page:
            self._ensure_chart()

    def _rebuild(self) -> None:
        self._lists_stale = False
        self._built = True
        self.body.setUpdatesEnabled(False)
        try:
            self._show_sections()
        finally:
            self.body.setUpdatesEnabled(True)

    def _show_sections(self) -> None:
        while self.body_layout.count():
            widget = self.body_layout.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.lists.clear()
        self.links.clear()
        self.told_buttons.clear()
        if self.dashboard is None:
            self.body_layout.addWidget(QLabel(f"The dashboard could not be made: {self._problem}"))
            self.tabs.setTabText(0, "What needs your attention")
            return
        self.tabs.setTabText(0, f"What needs your attention ({self.dashboard.total})")
        bold = QFont()
        bold.setBold(True)
        for section in self.dashboard.sections:
            self.body_layout.addWidget(self._section_widget(section, bold))
        self.body_layout.addStretch(1)

    def _section_widget(self, section, bold: QFont) -> QWidget:  # noqa: ANN001
        box = QFrame()
        box.setObjectName("dashSection")
        box.setAccessibleName(section.title)
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 2, 0, 6)
        box_layout.setSpacing(2)
        where = SCREEN_WORDS.get(section.more_screen or "", "")
        title = QPushButton(f"{section.title} ({section.count})")
        title.setObjectName("sectionLink")
        title.setFlat(True)
        title.setCursor(Qt.CursorShape.PointingHandCursor)
        if section.more_screen:
            title.setToolTip(f"Open the {where} screen with this list")
            title.clicked.connect(lambda _=False, s=section: self.open_requested.emit(s.more_screen, s.more_key))
        else:
            title.setEnabled(False)
        box_layout.addWidget(title)
        self.links[section.title] = title
        if not section.items:
            empty = QLabel(section.empty)
            empty.setObjectName("hint")
            box_layout.addWidget(empty)
            return box
        items = FittedList()
        items.setAccessibleName(section.title)
        items.setAccessibleDescription("Enter or double-click opens the record")
        for entry in section.items:
            item = QListWidgetItem(entry.text)
            item.setData(TARGET_ROLE, (entry.screen, entry.key))
            item.setData(NOTICE_ROLE, entry.notice_id)
            item.setToolTip(entry.text)
            if entry.urgent:
                item.setFont(bold)
            items.addItem(item)
        items.itemActivated.connect(self.on_item_activated)
        box_layout.addWidget(items)
        self.lists[section.title] = items
        if any(entry.notice_id is not None for entry in section.items):
            told = QPushButton("Mark the chosen person as &told")
            told.setObjectName("markTold")
            told.setToolTip("Choose a person in the list above once they have been told, then press this")
            told.setAccessibleName(f"Mark the chosen person as told ({section.title})")
            told.setEnabled(False)
            items.currentItemChanged.connect(
                lambda current, _previous, button=told: button.setEnabled(
                    current is not None and current.data(NOTICE_ROLE) is not None))
            told.clicked.connect(lambda _=False, found=items: self.on_mark_told_clicked(found))
            box_layout.addWidget(told)
            self.told_buttons[section.title] = told
        if section.more:
            more = QPushButton(f"…and {section.more} more on the {where} screen")
            more.setObjectName("moreLink")
            more.setFlat(True)
            more.setCursor(Qt.CursorShape.PointingHandCursor)
            more.setToolTip(f"Open the {where} screen with the whole list")
            more.clicked.connect(lambda _=False, s=section: self.open_requested.emit(s.more_screen, s.more_key))
            box_layout.addWidget(more)
        return box

    def on_mark_told_clicked(self, items: QListWidget) -> None:
        """The chosen person has been told of the changed booking: recorded, and the item leaves the list."""
        item = items.currentItem()
        notice_id = item.data(NOTICE_ROLE) if item is not None else None
        if notice_id is None:
            self.message.setText("Choose the person who has been told.")
            return
        try:
            notice = perform(self, lambda: self.services.bookings.mark_told(self.actor, notice_id))
        except FairfieldsError as exc:
            self.message.setText(f"Not recorded: {exc}")
            return
        self.message.setText(f"{notice.who} marked as told at {notice.told_at:%H:%M}.")
        self.reload()

    def on_item_activated(self, item: QListWidgetItem) -> None:
        screen, key = item.data(TARGET_ROLE)
        self.open_requested.emit(screen, key)
