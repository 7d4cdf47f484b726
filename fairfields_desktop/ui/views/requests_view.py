"""The Requests screen: the headteacher's queue, a request's rules, overrides and history, and decisions.

The verdicts are the service's: the rule panel shows what ``RequestService`` returns and the decision
buttons only open the forms; the service decides whether a decision is allowed and says why not.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.checks import day_text
from ...domain.errors import FairfieldsError, InvalidInput, Problem
from ...domain.lifecycle import ACTIONS, DECISIONS, NOT_RECORDED, allowed_actions, compare, requirements
from ...domain.permissions import allowed
from ...domain.rules import RuleResult
from ...services.requests import DecisionResult, HistoryEntry, RequestView, sessions_summary
from ..shortcuts import add_shortcut
from ..models.base import ITEM_ROLE, fit_columns, tune_table
from ..models.requests import (
    SETTING_WORDS,
    RequestFilterProxy,
    RequestsModel,
    history_model,
    overrides_model,
    period_text,
    rule_label,
    sessions_text,
    state_text,
    verdict_text,
)
from ..change_hub import watch_record
from ..operations import Job, job
from .people_view import run_form
from .request_dialogs import (
    ActingHeadDialog,
    AttendeesPicker,
    DecisionDialog,
    RequestDialog,
    RulePanel,
    date_edit,
)

UNDECIDED_FILTER, ALL_FILTER = "undecided", "all"


def _table(name: str, model) -> QTableView:  # noqa: ANN001
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class RequestsScreen(QWidget):
    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.can_check = allowed(actor.roles, "requests.check")
        self.can_edit = allowed(actor.roles, "requests.edit")
        self.decide_problem = services.requests.can_decide(actor)
        self.can_review = self.decide_problem is None or allowed(actor.roles, "requests.review_meeting")
        self.current: RequestView | None = None

        heading = QLabel("Requests")
        heading.setObjectName("screenTitle")
        self.filter = QComboBox()
        self.filter.setAccessibleName("Show which requests")
        self.filter.addItem("Awaiting a decision", UNDECIDED_FILTER)
        self.filter.addItem("All", ALL_FILTER)
        self.filter.setCurrentIndex(0 if self.decide_problem is None else 1)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by pupil or professional")
        self.search.setAccessibleName("Search requests")
        self.search.setClearButtonEnabled(True)
        show_label, search_label = QLabel("Sho&w"), QLabel("Sea&rch")
        show_label.setBuddy(self.filter)
        search_label.setBuddy(self.search)
        self.new_button = QPushButton("&New request…")
        self.new_button.setToolTip("A new request for independent therapy (Ctrl+N)")
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setToolTip("Change a draft or a request awaiting decision (Ctrl+E)")
        self.new_button.setEnabled(self.can_edit)
        self.acting_button = QPushButton("Acting &head…")
        self.acting_button.setToolTip("Name who decides requests while you are away")
        self.acting_button.setVisible(allowed(actor.roles, "requests.delegate"))
        top = QHBoxLayout()
        top.addWidget(show_label)
        top.addWidget(self.filter)
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.acting_button)

        self.message = QLabel("")
        self.message.setObjectName("requestsMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("What the service said")
        self.model = RequestsModel(self)
        self.proxy = RequestFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = _table("Requests", self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(RequestsModel.PERIOD, Qt.SortOrder.AscendingOrder)
        tune_table(self.table)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self._detail_pane())
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([240, 560])
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)

        self.filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.search.textChanged.connect(self.proxy.set_search)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self.show_selected())
        self.new_button.clicked.connect(self.on_new_clicked)
        self.edit_button.clicked.connect(self.on_edit_clicked)
        self.acting_button.clicked.connect(self.on_acting_head_clicked)
        add_shortcut(self.new_button, "Ctrl+N")
        add_shortcut(self.edit_button, "Ctrl+E")
        if not self.can_check:
            for widget in (self.filter, self.search, self.table):
                widget.setEnabled(False)
            self.message.setText("The list of requests and their rules are for the headteacher and the SENCO."
                                 + (" You can make a new request (Ctrl+N)." if self.can_edit else ""))
        self.reload()

    # --- the detail pane ---------------------------------------------------------------------------
    def _detail_pane(self) -> QWidget:
        pane = QWidget()
        self.summary = QLabel("Choose a request to see its rules.")
        self.summary.setObjectName("requestSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                             | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName("The chosen request")
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for action in DECISIONS:  # the request's life (domain.lifecycle) gives the buttons and their words
            button = QPushButton(ACTIONS[action].label)
            button.setToolTip(ACTIONS[action].help)
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, a=action: self.on_decision(a))
            self.buttons[action] = button
            row.addWidget(button)
        row.addStretch(1)
        self.decider_hint = QLabel("" if self.decide_problem is None else f"Decisions: {self.decide_problem}.")
        self.decider_hint.setObjectName("hint")
        self.decider_hint.setWordWrap(True)
        self.panel = RulePanel("Rules")
        self.overrides = overrides_model(self)
        self.overrides_table = _table("Overrides", self.overrides)
        self.history = history_model(self)
        self.history_table = _table("History", self.history)
        # the rules on the left; beside them the overrides, then the history (read in that order)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.panel)
        records = QSplitter(Qt.Orientation.Vertical)
        for title, widget in (("Overrides", self.overrides_table), ("History", self.history_table)):
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(QLabel(f"<b>{title}</b>"))
            box.addWidget(widget, 1)
            records.addWidget(holder)
        records.setStretchFactor(0, 1)
        records.setStretchFactor(1, 2)
        splitter.addWidget(records)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self._sessions_label())
        layout.addLayout(row)
        layout.addWidget(self.decider_hint)
        layout.addWidget(splitter, 1)
        return pane

    # --- loading -----------------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        select = select or (self.current.ref if self.current else None)
        if self.can_check:
            try:
                rows = self.services.requests.list_requests(
                    self.actor, undecided_only=self.filter.currentData() == UNDECIDED_FILTER)
            except FairfieldsError as exc:
                rows = []
                self.message.setText(f"The requests could not be read: {exc}")
            self.model.set_rows(rows)
            fit_columns(self.table)
        self.select_request(select)

    def select_request(self, ref: str | None) -> None:
        source = self.model.row_of(ref) if ref else None
        index = self.proxy.mapFromSource(self.model.index(source, 0)) if source is not None else None
        if index is None or not index.isValid():
            index = self.proxy.index(0, 0)
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.show_selected()

    def selected(self) -> RequestView | None:
        index = self.table.currentIndex()
        return self.proxy.data(index, ITEM_ROLE) if index.isValid() else None

    def show_selected(self) -> None:
        chosen = self.selected()
        view = None
        if chosen is not None:
            try:
                view = self.services.requests.get(self.actor, chosen.ref)
            except FairfieldsError as exc:
                self.message.setText(f"{chosen.ref} could not be read: {exc}")
        self.current = view
        self.show_request(view)

    def show_request(self, view: RequestView | None) -> None:
        if view is None:
            self.summary.setText("No request chosen." if self.can_check else "")
            self.panel.model.set_rows([])
            self.panel.title.setText("<b>Rules</b>")
            self.panel.summary.setText("")
            self.overrides.set_rows([])
            self.history.set_rows([])
        else:
            where = SETTING_WORDS.get(view.setting, view.setting)
            if view.setting == "in_school":
                where += f", {view.space or 'in the classroom'}"
                where += f"; class staff: {view.class_staff or 'none named'}"
            extends = f"<br>Extends {escape(view.extends)}" if view.extends else ""
            outside = view.outside_school_day or "not recorded"
            self.summary.setText(
                f"<b>{escape(view.ref)}: {escape(view.pupil)} ({escape(view.class_name)}) with "
                f"{escape(view.professional)}</b><br>{escape(period_text(view))}<br>{escape(where)}{extends}<br>"
                f"Outside the school day: {escape(outside)}<br>"
                f"Status: <b>{escape(state_text(view.state))}</b> · {escape(verdict_text(view))}")
            self.show_rules(view)
            self.overrides.set_rows(list(view.overrides))
            self.history.set_rows(self.history_rows(view))
            for table in (self.overrides_table, self.history_table):
                table.resizeColumnsToContents()
                table.resizeRowsToContents()
        self.show_sessions(view)
        self.update_buttons()

    def show_rules(self, view: RequestView) -> None:
        """Undecided: the rules today. Decided: the rules as they stood at the decision, each with its
        override, and today's result beside it where it differs (never instead)."""
        if not view.decided or view.decision_at is None:
            self.panel.title.setText("<b>Rules</b>")
            self.panel.set_results(view.results)
            return
        when = f"{view.decision} on {day_text(view.decision_at.date())}"
        if view.verdicts_then is None:
            self.panel.title.setText(f"<b>Rules today</b> ({NOT_RECORDED}; {escape(when)})")
            self.panel.set_results(view.results)
            return
        overrides = {o[0]: o[1] for o in view.overrides}
        rows = []
        for line in compare(view.verdicts_then, view.results, overrides):
            detail = line.detail
            if line.override:
                detail += f" — overridden: {line.override}"
            if line.now_detail is not None:
                detail += f"\nNow: {'met' if line.now_ok else 'NOT MET'}: {line.now_detail}"
            rows.append(RuleResult(line.rule, line.ok, detail))
        self.panel.title.setText(f"<b>Rules at the decision</b> ({escape(when)}; today's shown beside where "
                                 "they differ)")
        self.panel.set_results(rows)

    def history_rows(self, view: RequestView) -> list[HistoryEntry]:
        """The request's events, with each letter sent to the family about one of them, in time order."""
        try:
            sent = self.services.reports.letters_sent(self.actor, view.ref)
        except FairfieldsError:
            sent = ()
        letters = [HistoryEntry(s.printed_at, s.printed_by, "letter sent", s.words, {"event": s.event_id})
                   for s in sent]
        return sorted([*view.history, *letters], key=lambda e: e.at)

    # --- the request's sessions (the bookings it made) ------------------------------------------------
    def _sessions_label(self) -> QLabel:
        self.sessions = QLabel("")
        self.sessions.setObjectName("requestSessions")
        self.sessions.setWordWrap(True)
        self.sessions.setAccessibleName("The request's sessions")
        self.sessions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                              | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sessions.setVisible(False)
        return self.sessions

    def show_sessions(self, view: RequestView | None) -> None:
        """"Sessions: 10 booked in Therapy Room 2 (2 cancelled: …)", each date in the tooltip; for a decided
        request only (an undecided one has no bookings yet)."""
        if view is None or view.status in ("draft", "submitted", "declined"):
            self.sessions.setVisible(False)
            return
        try:
            found = self.services.requests.sessions_of(self.actor, view.ref)
        except FairfieldsError as exc:
            self.sessions.setText(f"Sessions could not be read: {exc}")
        else:
            self.sessions.setText(f"<b>Sessions:</b> {escape(sessions_summary(found))}")
            self.sessions.setToolTip("\n".join(s.text() for s in found))
        self.sessions.setVisible(True)

    def update_buttons(self) -> None:
        """Exactly the actions the request's status allows (domain.lifecycle), for who may take them."""
        possible = allowed_actions(self.current.status) if self.current else ()
        for action, button in self.buttons.items():
            may = self.can_review if action == "review-meeting" else self.decide_problem is None
            button.setEnabled(bool(may and action in possible))
        self.edit_button.setEnabled(self.can_edit and self.current is not None
                                    and self.current.status in ("draft", "submitted"))

    # --- new and edit ------------------------------------------------------------------------------
    def on_new_clicked(self) -> None:
        self._edit(None)

    def on_edit_clicked(self) -> None:
        if self.current is None or self.current.status not in ("draft", "submitted"):
            self.message.setText("Choose a draft or a request awaiting decision to edit.")
            return
        self._edit(self.current)

    def _edit(self, view: RequestView | None) -> None:
        if not self.can_edit:
            return
        dialog = RequestDialog(self.services, self.actor, view, self)
        saved = run_form(dialog, lambda: job(self.services.requests.save_draft,
            self.actor, dialog.values(), view.ref if view else None, submit=dialog.submit))
        if saved is None:
            return
        if saved.status == "draft":
            where = "saved as a draft"
        elif dialog.submit and (view is None or view.status == "draft"):
            where = "submitted for the headteacher's decision"
        else:
            where = "saved: still awaiting the headteacher's decision"
        self.message.setText(f"{saved.ref} {where}.")
        if self.can_check:
            if self.filter.currentData() == UNDECIDED_FILTER and saved.status not in ("draft", "submitted"):
                self.filter.setCurrentIndex(self.filter.findData(ALL_FILTER))
            self.reload(saved.ref)

    # --- decisions ---------------------------------------------------------------------------------
    def on_decision(self, action: str) -> None:
        view = self.current
        if view is None:
            return
        dialog, call = self._decision_form(action, view)
        watch_record(dialog, self.services, "requests", "request", view.ref, f"Request {view.ref}", refused=False)
        result = run_form(dialog, call)
        if result is None:
            return
        self.message.setText(self.outcome_text(action, view, result))
        if self.filter.currentData() == UNDECIDED_FILTER and result.request.status not in ("draft", "submitted"):
            self.filter.blockSignals(True)
            self.filter.setCurrentIndex(self.filter.findData(ALL_FILTER))
            self.filter.blockSignals(False)
        self.reload(view.ref)

    def _decision_form(self, action: str, view: RequestView):  # noqa: ANN202
        """The form for ``action`` built from what the request's life asks for (domain.lifecycle); the
        service decides and its refusal is what the form shows."""
        today = self.services.clock.today()
        service = self.services.requests
        spec = ACTIONS[action]
        failed = [r for r in view.results if not r.ok] if action == "approve" else []
        fields: list[tuple[str, str, QWidget]] = []
        required: list[str] = []
        for need in requirements(action):
            if need.kind == "overrides":
                for r in failed:
                    fields.append((r.rule, f"{rule_label(r.rule)} override reason", QLineEdit()))
                    required.append(r.rule)
                continue
            label = need.label if need.required else f"{need.label} (optional)"
            widget: QWidget
            if need.kind == "date":
                widget = date_edit(view.last_session + timedelta(weeks=4) if need.key == "until" else today)
            elif need.kind == "attendees":
                widget = AttendeesPicker(service.known_people(self.actor, view.ref))
            else:
                widget = QLineEdit()
                widget.setPlaceholderText(need.help)
            widget.setToolTip(need.help)
            fields.append((need.key, label, widget))
            if need.required:
                required.append(need.key)
        intro = escape(spec.help, quote=False)
        if action == "approve":
            intro = ("Every rule is met." if not failed else
                     "Rules not met — give a reason for overriding each one (all required):<br>"
                     + "<br>".join(f"✗ <b>{escape(rule_label(r.rule))}</b>: {escape(r.detail)}" for r in failed))
        elif action == "extend":
            intro = f"The sessions now end on {day_text(view.last_session)}. " + intro
        ok_text = spec.ok_text
        title = f"{view.ref}: {view.pupil} with {view.professional}"
        heading = "Review meeting for" if action == "review-meeting" else ok_text
        dialog = DecisionDialog(f"{heading} {title}", intro, fields, tuple(required), ok_text, self)
        dialog.setMinimumWidth(720)
        keys = {need.key: need for need in requirements(action)}
        ref = view.ref

        def call() -> Job:
            """The decision with what the form says, read here: made off the UI thread by run_form."""
            kwargs: dict = {}
            for key, need in keys.items():
                if need.kind == "overrides":
                    kwargs["overrides"] = {r.rule: dialog.text(r.rule) for r in failed}
                elif need.kind == "date":
                    kwargs[key] = dialog.date(key)
                else:
                    kwargs[key] = dialog.text(key) or None
            return job(service.decide, self.actor, ref, action, **kwargs)
        return dialog, call

    @staticmethod
    def outcome_text(action: str, view: RequestView, result: DecisionResult) -> str:
        ref = view.ref
        if action == "approve":
            booked = f": {sessions_text(result.booked)} booked" if result.booked else ""
            return f"{ref} approved{booked}."
        if action == "decline":
            return f"{ref} declined."
        if action == "extend":
            new = result.request
            return (f"{ref} extended: {new.ref} runs to {day_text(new.last_session)} "
                    f"({state_text(new.state)}).")
        if action == "suspend":
            return f"{ref} suspended: {sessions_text(result.cancelled, 'future session')} cancelled."
        if action == "review-meeting":
            return f"Review meeting for {ref} recorded."
        if action == "reinstate":
            text = f"{ref} reinstated: {sessions_text(result.booked)} re-booked."
            if result.not_rebooked:
                text += " Not re-booked: " + "; ".join(result.not_rebooked) + "."
            return text
        return f"{ref} ended: {sessions_text(result.cancelled, 'future session')} cancelled."

    # --- the acting head ---------------------------------------------------------------------------
    def on_acting_head_clicked(self) -> None:
        dialog = ActingHeadDialog(self.services, self.actor, self)

        def call() -> str:
            user = dialog.user.currentText().strip()
            if not user:
                raise InvalidInput(Problem("delegate", "give the user name of the acting head"))
            starts, ends = dialog.starts.date().toPython(), dialog.ends.date().toPython()
            service = self.services.requests

            def delegate() -> str:  # off the UI thread (run_form)
                service.delegate(self.actor, user, starts, ends)
                return f"{user} is acting head from {day_text(starts)} to {day_text(ends)}."
            return job(delegate)

        done = run_form(dialog, call)
        if done is not None:
            self.message.setText(done)
