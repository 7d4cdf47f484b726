"""The Dashboard: what needs attention today for the person signed in; each item opens its record."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import FairfieldsError
from ...domain.permissions import allowed

TARGET_ROLE = Qt.ItemDataRole.UserRole + 3


class DashboardScreen(QWidget):
    open_requested = Signal(str, object)  # screen key, what to select there

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        heading = QLabel("Dashboard")
        heading.setObjectName("screenTitle")
        today = services.clock.today()
        settings = services.school.settings()
        why = services.school.calendar().why_not_school_day(today)
        greeting = QLabel(f"Welcome, {actor.display_name}. Today is {today:%A} {today.day} {today:%B %Y} at "
                          f"{settings.school_name}. " + ("A school day." if why is None else f"Not a school day ({why})."))
        greeting.setObjectName("greeting")
        greeting.setWordWrap(True)
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        self.chart = None
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(heading)
        self.layout_.addWidget(greeting)
        self.layout_.addWidget(scroll, 3)
        if allowed(actor.roles, "sessions.mark"):
            # the chart comes just after the first paint: what needs attention shows first
            QTimer.singleShot(0, self, self._add_chart)
        self.lists: dict[str, QListWidget] = {}
        self.dashboard = None
        self.reload()

    def _add_chart(self) -> None:
        from .sessions_chart import SessionsChart  # QtCharts loads only for the roles that see the chart

        self.chart = SessionsChart(self.services, self.actor)
        self.chart.setMinimumHeight(300)
        self.chart.reload()
        self.layout_.addWidget(self.chart, 2)
        self.chart.show()

    def reload(self) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.lists.clear()
        if self.chart is not None:
            self.chart.reload()
        try:
            self.dashboard = self.services.dashboard.for_actor(self.actor)
        except FairfieldsError as exc:
            self.grid.addWidget(QLabel(f"The dashboard could not be made: {exc}"), 0, 0)
            return
        bold = QFont()
        bold.setBold(True)
        for index, section in enumerate(self.dashboard.sections):
            box = QGroupBox(f"{section.title} ({section.count})")
            box_layout = QVBoxLayout(box)
            if not section.items:
                empty = QLabel(section.empty)
                empty.setObjectName("hint")
                box_layout.addWidget(empty)
            else:
                items = QListWidget()
                items.setWordWrap(True)
                items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
                items.setAccessibleName(section.title)
                items.setAccessibleDescription("Enter or double-click opens the record")
                for entry in section.items:
                    item = QListWidgetItem(entry.text)
                    item.setData(TARGET_ROLE, (entry.screen, entry.key))
                    item.setToolTip(entry.text)
                    if entry.urgent:
                        item.setFont(bold)
                    items.addItem(item)
                items.setMaximumHeight(min(40 + 24 * len(section.items), 220))
                items.itemActivated.connect(self.on_item_activated)
                box_layout.addWidget(items)
                self.lists[section.title] = items
                if section.more:
                    more = QLabel(f"…and {section.more} more on the {section.more_screen.title()} screen "
                                  "(the ones starting soonest are listed).")
                    more.setObjectName("hint")
                    box_layout.addWidget(more)
            self.grid.addWidget(box, index, 0)
        self.grid.setRowStretch(len(self.dashboard.sections), 1)

    def on_item_activated(self, item: QListWidgetItem) -> None:
        screen, key = item.data(TARGET_ROLE)
        self.open_requested.emit(screen, key)
