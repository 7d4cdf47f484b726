"""EHCP & reviews: what is due, annual review meetings and their paperwork, the month calendar, needs
assessments, outcomes and targets, the class team's strategies, advice requests and the sessions to mark
as delivered or not. Each section is its own widget; this screen puts them in tabs."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.deadlines import ASKED_LATE, advice_asked_late
from ...domain.errors import FairfieldsError
from ..operations import perform
from ..undo import install_undo
from ...domain.permissions import allowed
from ...services.sessions import NOT_DELIVERED_REASONS
from ..models.base import ITEM_ROLE, Column, FilterProxy, RowsModel, fit_columns, make_table
from ..shortcuts import add_shortcut
from .assessments_panel import AssessmentsPanel
from .outcomes_panel import OutcomesPanel, StrategiesPanel
from .review_calendar import ReviewCalendar
from .reviews_panel import ReviewsPanel

KIND_WORDS = {"annual_review": "Annual review", "review_paperwork": "Review paperwork", "advice": "Advice",
              "assessment": "Assessment", "authorisation_ending": "Authorisation ending", "dbs": "DBS check", "insurance": "Insurance",
              "registration": "Registration"}


class EhcpScreen(QWidget):
    open_requested = Signal(str, object)

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        heading = QLabel("EHCP & reviews")
        heading.setObjectName("screenTitle")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("EHCP and reviews sections")
        self.tabs.setToolTip("Ctrl+Tab and Ctrl+Shift+Tab move between the sections")
        self.panels: dict[str, QWidget] = {}
        self.undo_stack = install_undo(self)  # one history for the screen's panels (Ctrl+Z)
        self.tabs.addTab(self._due_tab(), "What is &due")
        if allowed(actor.roles, "reviews.view"):
            self._add_panel("reviews", ReviewsPanel(services, actor, undo_stack=self.undo_stack), "Revie&ws")
            self._add_panel("calendar", ReviewCalendar(services, actor), "Calendar")
        if allowed(actor.roles, "assessments.manage"):
            self._add_panel("assessments", AssessmentsPanel(services, actor), "Needs assessments")
        if allowed(actor.roles, "outcomes.view"):
            self._add_panel("outcomes", OutcomesPanel(services, actor, undo_stack=self.undo_stack), "Outcomes")
            self._add_panel("strategies", StrategiesPanel(services, actor), "Strategies")
        if allowed(actor.roles, "advice.manage"):
            self.tabs.addTab(self._advice_tab(), "&Advice requests")
        if allowed(actor.roles, "sessions.mark"):
            self.tabs.addTab(self._sessions_tab(), "Sessions to &mark")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)
        self.reload()

    def _add_panel(self, key: str, panel: QWidget, title: str) -> None:
        self.panels[key] = panel
        panel.open_requested.connect(self.open_requested)
        self.tabs.addTab(panel, title)

    def open_record(self, key: str) -> None:
        """Show what a dashboard item is about: "review:UPN", "advice:UPN", "assessment:UPN", "outcomes:UPN"."""
        what, _, upn = key.partition(":")
        if what in ("review", "outcomes") and what + ("s" if what == "review" else "") in self.panels:
            panel = self.panels["reviews" if what == "review" else "outcomes"]
            self.tabs.setCurrentWidget(panel)
            panel.show_pupil(upn)
        elif what == "assessment" and "assessments" in self.panels:
            panel = self.panels["assessments"]
            self.tabs.setCurrentWidget(panel)
            panel.select_pupil(upn)
        elif what == "advice" and hasattr(self, "advice_table"):
            self.tabs.setCurrentWidget(self.advice_table.parentWidget())
            proxy = self.advice_table.model()
            for row in range(proxy.rowCount()):
                if proxy.index(row, 0).data(ITEM_ROLE).pupil_upn == upn:
                    self.advice_table.selectRow(row)
                    break

    # --- what is due ------------------------------------------------------------------------------------
    def _due_tab(self) -> QWidget:
        tab = QWidget()
        self.within = QComboBox()
        self.within.setAccessibleName("Look ahead")
        for days in (14, 42, 90, 365):
            self.within.addItem(f"Due within {days} days (and overdue)", days)
        self.within.setCurrentIndex(1)
        self.due_model = RowsModel([
            Column("Due by", lambda i: f"{i.due.day} {i.due:%b %Y}", lambda i: i.due),
            Column("State", lambda i: "OVERDUE" if i.overdue else "coming up", lambda i: int(not i.overdue)),
            Column("What", lambda i: KIND_WORDS.get(i.kind, i.kind)),
            Column("Detail", lambda i: i.detail),
        ], self)
        proxy = FilterProxy(self)
        proxy.setSourceModel(self.due_model)
        self.due_table = make_table(proxy, "What is due")
        self.due_table.doubleClicked.connect(self.on_due_activated)
        row = QHBoxLayout()
        row.addWidget(self.within)
        row.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(QLabel("Double-click an item to open the pupil or professional it is about."))
        layout.addWidget(self.due_table, 1)
        self.within.currentIndexChanged.connect(lambda _i: self.reload())
        return tab

    def on_due_activated(self, index) -> None:  # noqa: ANN001
        item = index.data(ITEM_ROLE)
        screen = "professionals" if item.kind in ("dbs", "insurance", "registration") else "pupils"
        self.open_requested.emit(screen, item.subject)

    # --- advice requests ----------------------------------------------------------------------------------
    def _advice_tab(self) -> QWidget:
        tab = QWidget()
        today = self.services.clock.today()
        self.advice_model = RowsModel([
            Column("Due", lambda a: f"{a.due.day} {a.due:%b %Y}", lambda a: a.due),
            Column("State", lambda a: "OVERDUE" if a.due < today else (
                ASKED_LATE if advice_asked_late(a.kind, a.requested_on, a.due) else "awaited"),
                lambda a: int(a.due >= today)),
            Column("Pupil", lambda a: a.pupil),
            Column("Asked", lambda a: f"{a.professional}, {a.requested_on.day} {a.requested_on:%b %Y}"),
            Column("For", lambda a: "needs assessment" if a.kind == "needs_assessment" else "annual review"),
            Column("Chased", lambda a: "; ".join(f"{d.day} {d:%b} ({how or 'chased'}, {by})" for d, how, by in a.chases)
                   or "not yet"),
        ], self)
        proxy = FilterProxy(self)
        proxy.setSourceModel(self.advice_model)
        self.advice_table = make_table(proxy, "Advice requests awaited")
        self.chase_button = QPushButton("&Chase…")
        self.received_button = QPushButton("&Received today")
        add_shortcut(self.chase_button, "Ctrl+Shift+C", "Record that you chased the chosen advice")
        self.advice_message = QLabel("")
        self.advice_message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.chase_button)
        row.addWidget(self.received_button)
        row.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.advice_message)
        layout.addWidget(self.advice_table, 1)
        self.chase_button.clicked.connect(self.on_chase_clicked)
        self.received_button.clicked.connect(self.on_received_clicked)
        return tab

    def _selected_advice(self):  # noqa: ANN202
        index = self.advice_table.currentIndex()
        if not index.isValid():
            self.advice_message.setText("Choose an advice request first.")
            return None
        return index.data(ITEM_ROLE)

    def on_chase_clicked(self) -> None:
        advice = self._selected_advice()
        if advice is None:
            return
        how, ok = QInputDialog.getText(self, "Chase advice", f"How was {advice.professional} chased?",
                                       text="email")
        if not ok:
            return
        try:
            perform(self, lambda: self.services.advice.chase(self.actor, advice.id, how))
        except FairfieldsError as exc:
            self.advice_message.setText(f"Not recorded: {exc}")
            return
        self.reload()
        self.advice_message.setText(f"Chase of {advice.professional} for {advice.pupil} recorded.")

    def on_received_clicked(self) -> None:
        advice = self._selected_advice()
        if advice is None:
            return
        try:
            today = self.services.clock.today()
            perform(self, lambda: self.services.advice.mark_received(self.actor, advice.id, today))
        except FairfieldsError as exc:
            self.advice_message.setText(f"Not recorded: {exc}")
            return
        self.reload()
        self.advice_message.setText(f"Advice from {advice.professional} for {advice.pupil} received.")

    # --- sessions to mark ---------------------------------------------------------------------------------
    def _sessions_tab(self) -> QWidget:
        tab = QWidget()
        self.sessions_model = RowsModel([
            Column("When", lambda s: f"{s.start:%a} {s.start.day} {s.start:%b %H:%M}", lambda s: s.start),
            Column("Where", lambda s: s.space),
            Column("Professional", lambda s: s.professional),
            Column("Pupils", lambda s: ", ".join(s.pupils)),
            Column("Title", lambda s: s.title or ""),
        ], self)
        self.sessions_table = make_table(self.sessions_model, "Sessions to mark", None)
        self.delivered_button = QPushButton("Deli&vered…")
        add_shortcut(self.delivered_button, "Ctrl+D", "Mark the chosen session delivered, with a progress note")
        self.not_delivered_button = QPushButton("&Not delivered…")
        self.sessions_message = QLabel("")
        self.sessions_message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.delivered_button)
        row.addWidget(self.not_delivered_button)
        row.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.sessions_message)
        layout.addWidget(self.sessions_table, 1)
        self.delivered_button.clicked.connect(lambda: self.mark(True))
        self.not_delivered_button.clicked.connect(lambda: self.mark(False))
        return tab

    def mark(self, delivered: bool) -> None:
        index = self.sessions_table.currentIndex()
        if not index.isValid():
            self.sessions_message.setText("Choose a session first.")
            return
        item = self.sessions_model.row(index.row())
        reason = None
        if not delivered:
            labels = list(NOT_DELIVERED_REASONS.values())
            choice, ok = QInputDialog.getItem(self, "Not delivered", "Why?", labels, 0, False)
            if not ok:
                return
            reason = list(NOT_DELIVERED_REASONS)[labels.index(choice)]
        note, ok = QInputDialog.getText(self, "Session", "Short progress note (optional):")
        if not ok:
            return
        target_id = None
        if note.strip() and allowed(self.actor.roles, "outcomes.view"):
            targets = self.services.outcomes.targets_for_session(self.actor, item.occurrence_id)
            if targets:
                labels = ["(not against a target)", *(text for _id, text in targets)]
                choice, ok = QInputDialog.getItem(self, "Progress note", "Against which target?", labels, 0, False)
                if not ok:
                    return
                if choice in labels[1:]:
                    target_id = targets[labels.index(choice) - 1][0]
        try:
            perform(self, lambda: self.services.sessions.mark(self.actor, item.occurrence_id, delivered, reason=reason,
                                                              note=note, target_id=target_id))
        except FairfieldsError as exc:
            self.sessions_message.setText(f"Not recorded: {exc}")
            return
        self.reload()
        self.sessions_message.setText(f"Recorded: {item.professional}, {item.start:%a %d %b %H:%M} — "
                                      + ("delivered." if delivered else f"not delivered ({NOT_DELIVERED_REASONS[reason]})."))

    def reload(self) -> None:
        try:
            self.due_model.set_rows(self.services.due.due(self.actor, self.within.currentData()))
        except FairfieldsError as exc:
            self.due_model.set_rows([])
            self.tabs.setTabToolTip(0, str(exc))
        fit_columns(self.due_table)
        if hasattr(self, "advice_model"):
            self.advice_model.set_rows(self.services.advice.list_advice(self.actor))
            fit_columns(self.advice_table)
        if hasattr(self, "sessions_model"):
            self.sessions_model.set_rows(self.services.sessions.to_mark(self.actor))
            fit_columns(self.sessions_table)
