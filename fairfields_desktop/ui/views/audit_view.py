"""Settings → Audit trail (the administrator and the headteacher): who changed what and when, searched
by who, what kind of record, dates and words; and a check that the trail is as it was written."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import FairfieldsError
from ..contrast import error_style
from ..models.base import (
    ITEM_ROLE,
    Column,
    FilterProxy,
    RowsModel,
    fit_columns,
    make_table,
)

#: at most this many entries are shown at once (the latest); a narrower search finds older ones
LIMIT = 500


def _words(action: str) -> str:
    return action.replace("_", " ")


class AuditTab(QWidget):
    def __init__(self, services, actor, parent=None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor = actor
        today = services.clock.today()

        intro = QLabel("Every change, export and report of personal data leaves an entry here. Each entry is "
                       "sealed to the one before it, so a change or a removal afterwards shows when the trail "
                       "is checked.")
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        self.who = QComboBox()
        self.who.setAccessibleName("Who")
        self.kind = QComboBox()
        self.kind.setAccessibleName("What kind of record")
        self.use_since = QCheckBox("&From")
        self.since = QDateEdit(QDate(today.year, today.month, 1))
        self.use_until = QCheckBox("T&o")
        self.until = QDateEdit(QDate(today.year, today.month, today.day))
        for check, edit, name in ((self.use_since, self.since, "From date"), (self.use_until, self.until, "To date")):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
            edit.setEnabled(False)
            edit.setAccessibleName(name)
            check.toggled.connect(edit.setEnabled)
        self.text = QLineEdit()
        self.text.setPlaceholderText("Words in the entry: a value, a note, a record's id")
        self.text.setAccessibleName("Search the audit trail")
        self.text.setClearButtonEnabled(True)
        self.search_button = QPushButton("&Search")
        self.check_button = QPushButton("C&heck the trail")
        self.check_button.setToolTip("Recompute every entry's seal and follow the chain: says whether any entry "
                                     "was changed or removed after it was written")
        self.count_label = QLabel("")
        self.count_label.setObjectName("hint")
        self.check_result = QLabel("")
        self.check_result.setObjectName("auditCheck")
        self.check_result.setWordWrap(True)
        self.check_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = RowsModel([
            Column("When", lambda e: f"{e.at:%d/%m/%Y %H:%M}", lambda e: e.id),
            Column("Who", lambda e: e.who),
            Column("Action", lambda e: _words(e.action)),
            Column("What", lambda e: e.kind),
            Column("Record", lambda e: e.record),
            Column("Changes", lambda e: e.changes),
        ], self)
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table(self.proxy, "Audit trail", sort_column=None)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.detail = QTextBrowser()
        self.detail.setObjectName("auditDetail")
        self.detail.setAccessibleName("The chosen entry")

        filters = QHBoxLayout()
        for label, widget in (("&Who", self.who), ("&Kind", self.kind)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        for widget in (self.use_since, self.since, self.use_until, self.until):
            filters.addWidget(widget)
        filters.addStretch(1)
        search = QHBoxLayout()
        search.addWidget(self.text, 1)
        search.addWidget(self.search_button)
        search.addWidget(self.check_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(filters)
        layout.addLayout(search)
        layout.addWidget(self.check_result)
        layout.addWidget(self.count_label)
        layout.addWidget(splitter, 1)

        self._fill_filters()
        self.who.currentIndexChanged.connect(self.reload)
        self.kind.currentIndexChanged.connect(self.reload)
        for widget in (self.use_since, self.use_until):
            widget.toggled.connect(self.reload)
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self.reload)
        self.text.returnPressed.connect(self.reload)
        self.search_button.clicked.connect(self.reload)
        self.check_button.clicked.connect(self.on_check_clicked)
        self.table.selectionModel().currentRowChanged.connect(self.on_current_changed)
        self.reload()
        fit_columns(self.table)

    def _fill_filters(self) -> None:
        self.who.addItem("Anyone", None)
        for username in self.services.audit.users(self.actor):
            self.who.addItem(username, username)
        self.kind.addItem("Any kind", None)
        for key, words in self.services.audit.kinds(self.actor):
            self.kind.addItem(words, key)

    def filters(self) -> dict:
        return {
            "who": self.who.currentData(), "entity": self.kind.currentData(),
            "since": self.since.date().toPython() if self.use_since.isChecked() else None,
            "until": self.until.date().toPython() if self.use_until.isChecked() else None,
            "text": self.text.text().strip() or None,
        }

    def reload(self, *_args) -> None:
        try:
            entries = self.services.audit.search(self.actor, limit=LIMIT, **self.filters())
        except FairfieldsError as exc:
            self.count_label.setText(f"Not shown: {exc}")
            return
        self.model.set_rows(entries)
        count = len(entries)
        if count >= LIMIT:
            self.count_label.setText(f"The latest {LIMIT} entries are shown: narrow the search to find older ones.")
        else:
            self.count_label.setText(f"{count} entr{'y' if count == 1 else 'ies'}.")
        self.detail.clear()

    def on_current_changed(self, current, _previous=None) -> None:
        entry = self.proxy.data(current, ITEM_ROLE) if current.isValid() else None
        if entry is None:
            self.detail.clear()
            return
        lines = [f"<b>Entry {entry.id}</b>: {entry.at:%d %b %Y %H:%M}, {_escape(entry.who)}, "
                 + _escape(f"{_words(entry.action)} {entry.record}")]
        if entry.changes:
            lines.append(_escape(entry.changes))
        if entry.note:
            lines.append(f"<i>{_escape(entry.note)}</i>")
        self.detail.setHtml("<br/>".join(lines))

    def on_check_clicked(self) -> None:
        try:
            result = self.services.audit.verify(self.actor)
        except FairfieldsError as exc:
            self.check_result.setText(f"Not checked: {exc}")
            return
        if result.intact:
            self.check_result.setText(result.message)
            self.check_result.setStyleSheet("")
            return
        count = len(result.problems)
        self.check_result.setText(
            f"The audit trail has {count} problem{'s' if count != 1 else ''} ({result.checked} entries checked):\n"
            + "\n".join(f"• {p[:1].upper()}{p[1:]}." for p in result.problems))
        self.check_result.setStyleSheet(error_style())


def _escape(value: str) -> str:
    return escape(value)
