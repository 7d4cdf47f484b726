"""The main window: navigation between the screens, who is signed in, and signing out."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import FairfieldsError
from ..domain.school import roles_text
from .change_hub import DETAIL_BANNER, ChangeHub, refresher, screens_for, shown_record, view_state_kept
from .views.dashboard_view import DashboardScreen
from .views.ehcp_view import EhcpScreen
from .views.placeholder import PlaceholderScreen
from .views.professionals_view import ProfessionalsScreen
from .views.pupils_view import PupilsScreen
from .views.requests_view import RequestsScreen
from .views.settings_view import SettingsScreen
from .views.timetable_view import TimetableScreen


@dataclass(frozen=True)
class ScreenInfo:
    key: str
    title: str
    description: str


SCREENS: tuple[ScreenInfo, ...] = (
    ScreenInfo("dashboard", "Dashboard",
               "What needs your attention today, for your role: requests awaiting the headteacher's decision, "
               "authorisations ending, annual reviews and advice due or overdue, today's bookings, visitors "
               "and pupils off site, safeguarding checks blocking or warning, and this week's sessions for "
               "a class. Each item will open the record it is about."),
    ScreenInfo("pupils", "Pupils",
               "The pupil register: search by name or UPN, filter by class, year group, EHCP and attendance; "
               "each pupil's class, attendance history, EHCP dates, areas of need, contacts, looked-after "
               "details, key worker, consent records and the team around the child."),
    ScreenInfo("professionals", "Professionals",
               "Statutory, commissioned and independent professionals with their safeguarding checks "
               "(valid, warning or blocking, and what renews them), and the visitors' sign-in log with an "
               "'on site now' list for a fire evacuation."),
    ScreenInfo("requests", "Requests",
               "Requests for independent therapy in the school day, each rule of the headteacher's policy "
               "checked with its figure, the headteacher's queue of decisions, suspensions, review meetings "
               "and the full history of every request."),
    ScreenInfo("spaces", "Spaces & bookings",
               "The timetable of shared spaces by day and by week, bookings that are never double-booked, "
               "weekly series over the school calendar, and priority for statutory and commissioned services."),
    ScreenInfo("ehcp", "EHCP & reviews",
               "Annual reviews and their deadlines, advice requests and chasing, EHC needs assessments, "
               "outcomes and targets, session records, and a month calendar of review meetings."),
    ScreenInfo("reports", "Reports",
               "Review packs for annual reviews, room timetables, the authorisations register, decision "
               "letters, the safeguarding checks register and the visits log: previewed, printed and saved "
               "as PDF."),
    ScreenInfo("settings", "Settings",
               "The database in use, the school's settings, and its terms and closures."),
)


class MainWindow(QMainWindow):
    signed_out = Signal()
    closed = Signal()  # closed by the person (not by signing out): the app ends
    screen_refreshed = Signal(str)  # a screen read its records again (after a change, when shown, F5)

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        settings = services.school.settings()
        self.setWindowTitle(f"Fairfields Desktop — {settings.school_name}")
        self.resize(1180, 760)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Screens")
        self.nav.setFixedWidth(210)
        self.stack = QStackedWidget()
        self.screens: dict[str, QWidget] = {}
        self.go_actions: list[QAction] = []
        for number, info in enumerate(SCREENS, start=1):
            item = QListWidgetItem(info.title)
            item.setData(Qt.ItemDataRole.UserRole, info.key)
            item.setToolTip(f"{info.title} (Ctrl+{number})")
            self.nav.addItem(item)
            screen = self._build_screen(info)
            self.screens[info.key] = screen
            self.stack.addWidget(screen)
            action = QAction(info.title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, key=info.key: self.show_screen(key))
            self.addAction(action)
            self.go_actions.append(action)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.itemClicked.connect(self.on_nav_clicked)
        self.stack.currentChanged.connect(self.on_stack_changed)
        self.nav.currentRowChanged.connect(self.on_screen_shown)
        # one truth, live: every commit (here, in another process, on another PC) refreshes what shows it
        self.stale: set[str] = set()
        self.hub = ChangeHub(services.db, self)
        self.hub.changed.connect(self.on_records_changed)

        header = QWidget()
        header.setObjectName("header")
        header_layout = QHBoxLayout(header)
        self.school_label = QLabel(settings.school_name)
        self.school_label.setObjectName("schoolName")
        self.user_label = QLabel(f"Signed in as {actor.display_name} — {roles_text(actor.roles)}")
        self.user_label.setObjectName("signedInAs")
        self.user_label.setAccessibleName("Signed-in user and role")
        # the header's buttons are always shown: they take Ctrl shortcuts, not Alt+letter mnemonics that
        # would clash with the screens' own
        self.sign_out_button = QPushButton("Sign out")
        self.sign_out_button.setObjectName("signOut")
        self.sign_out_button.setToolTip("Sign out and return to the sign-in dialog (Ctrl+Shift+L)")
        self.sign_out_button.setShortcut(QKeySequence("Ctrl+Shift+L"))
        header_layout.addWidget(self.school_label)
        header_layout.addStretch(1)
        header_layout.addWidget(self.user_label)
        header_layout.addWidget(self.sign_out_button)

        body = QWidget()
        body_layout = QHBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.nav)
        body_layout.addWidget(self.stack, 1)

        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(8, 4, 8, 4)
        central_layout.addWidget(header)
        # "Amara Osei's record was changed by Sarah Brown at 10:42 on another PC…": over the screen in view
        self.changed_banner = QLabel("")
        self.changed_banner.setObjectName("changedElsewhere")
        self.changed_banner.setWordWrap(True)
        self.changed_banner.setAccessibleName("Changed by someone else")
        self.changed_banner.hide()
        central_layout.addWidget(self.changed_banner)
        central_layout.addWidget(body, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage(f"Database: {services.db.description}")
        self.live_label = QLabel("")  # "Brought up to date: a change by Sarah Brown at 10:42 on another PC"
        self.live_label.setObjectName("liveStatus")
        self.live_label.setAccessibleName("Latest change from elsewhere")
        self.statusBar().addPermanentWidget(self.live_label)

        self.sign_out_button.clicked.connect(self.on_sign_out_clicked)
        self.nav.setCurrentRow(0)
        self.on_stack_changed(self.stack.currentIndex())
        self.show_counts()

        # sign-in protection (ui/idle_lock.py): the window locks when idle; "Change password" beside "Sign out"
        from .idle_lock import IdleLock, change_password_button

        self.idle_lock = IdleLock(self, services, actor)
        self.change_password_button = change_password_button(self, services, actor, self.idle_lock)
        header_layout.insertWidget(header_layout.indexOf(self.sign_out_button), self.change_password_button)

        # help (ui/help_view.py): a "Help" button in the header — the role's guide (F1), all guides, About
        from .help_view import install_help

        install_help(self, header_layout, actor)
        self._build_menus()

    def _build_menus(self) -> None:
        """The menu bar (F10): the window, the screens, this screen's actions with their keys, help.

        Menu titles carry no Alt+letter mnemonic: each screen's buttons use those letters.
        """
        from .shortcuts import screen_actions

        bar = self.menuBar()
        bar.setAccessibleName("Menu bar")
        window_menu = bar.addMenu("Fairfields")
        password = window_menu.addAction("Change password…")
        password.triggered.connect(self.change_password_button.click)
        self.lock_action = QAction("Lock the window now", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.idle_lock.lock_now)
        self.addAction(self.lock_action)
        window_menu.addAction(self.lock_action)
        window_menu.addSeparator()
        sign_out = window_menu.addAction("Sign out\tCtrl+Shift+L")
        sign_out.triggered.connect(self.sign_out_button.click)
        self.quit_action = QAction("Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        self.addAction(self.quit_action)
        window_menu.addAction(self.quit_action)

        go_menu = bar.addMenu("Go")
        for action in self.go_actions:
            go_menu.addAction(action)
        go_menu.addSeparator()
        # F5 is handled in keyPressEvent, so a screen's own F5 button (Reports: preview) keeps its key
        reload_action = go_menu.addAction("Reload this screen\tF5")
        reload_action.triggered.connect(self.reload_current_screen)

        self.actions_menu = bar.addMenu("Actions")
        self.actions_menu.setToolTipsVisible(True)

        def fill_actions() -> None:
            self.actions_menu.clear()
            entries = screen_actions(self.stack.currentWidget())
            for entry in entries:
                item = self.actions_menu.addAction(f"{entry.label}\t{entry.keys}" if entry.keys else entry.label)
                item.setEnabled(entry.enabled)
                item.triggered.connect(entry.trigger)
            if not entries:
                self.actions_menu.addAction("Nothing to do on this screen").setEnabled(False)

        self.actions_menu.aboutToShow.connect(fill_actions)

        help_menu = bar.addMenu("Help")
        help_menu.addAction(self.guide_action)
        for action in self.help_button.menu().actions():
            if action is not self.guide_action:
                help_menu.addAction(action)

        open_menu = QAction("Open the menu bar", self)
        open_menu.setShortcut(QKeySequence("F10"))
        open_menu.triggered.connect(lambda: (bar.setFocus(), bar.setActiveAction(bar.actions()[0])))
        self.addAction(open_menu)

    def _build_screen(self, info: ScreenInfo) -> QWidget:
        if info.key == "dashboard":
            screen = DashboardScreen(self.services, self.actor)
            screen.open_requested.connect(self.open_record)
            screen.reloaded.connect(self.show_counts)  # the navigation's counts follow every refresh
            return screen
        if info.key == "pupils":
            return PupilsScreen(self.services, self.actor)
        if info.key == "professionals":
            return ProfessionalsScreen(self.services, self.actor)
        if info.key == "spaces":
            return TimetableScreen(self.services, self.actor)
        if info.key == "requests":
            return RequestsScreen(self.services, self.actor)
        if info.key == "ehcp":
            screen = EhcpScreen(self.services, self.actor)
            screen.open_requested.connect(self.open_record)
            return screen
        if info.key == "reports":
            from .views.reports_view import ReportsScreen

            return ReportsScreen(self.services, self.actor)
        if info.key == "settings":
            screen = SettingsScreen(self.services, self.actor)
            screen.settings_saved.connect(self.on_settings_saved)
            screen.database_restored.connect(self.on_sign_out_clicked)
            return screen
        return PlaceholderScreen(info.title, info.description)

    def on_nav_clicked(self, item: QListWidgetItem) -> None:
        """A screen with a count opens on the list counted (the checks blocking or warning, what is due...)."""
        dashboard = self.screens["dashboard"].dashboard
        key = item.data(Qt.ItemDataRole.UserRole)
        if dashboard is not None and dashboard.counts.get(key) and dashboard.lists.get(key) is not None:
            self.open_record(key, dashboard.lists[key])

    def on_stack_changed(self, index: int) -> None:
        """Only the screen shown sets how small the window may be: a wide table on a hidden screen (the pupil
        register at 150 % text) must not push the dashboard past the edge of a 1280-pixel screen."""
        for i in range(self.stack.count()):
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            self.stack.widget(i).setSizePolicy(policy, policy)
        self.stack.updateGeometry()

    def show_screen(self, key: str) -> None:
        keys = [s.key for s in SCREENS]
        self.nav.setCurrentRow(keys.index(key))

    def open_record(self, screen: str, key: object) -> None:
        """Show ``screen`` with the record ``key`` selected (a UPN, a request id, a professional id, a date)."""
        self.show_screen(screen)
        widget = self.screens[screen]
        if key is None:
            return
        if screen == "pupils":
            summary = widget.model.find(lambda p: p.upn == key)
            if summary is not None:
                widget.select_pupil(summary.id)
        elif screen == "requests":
            widget.select_request(str(key))
        elif screen == "professionals" and key in ("warning", "blocking"):  # the register, filtered by checks
            widget.tabs.setCurrentIndex(0)
            widget.level_filter.setCurrentIndex(max(0, widget.level_filter.findData(key)))
        elif screen == "professionals" and key == "visitors":
            if widget.tabs.count() > 1:
                widget.tabs.setCurrentIndex(1)
        elif screen == "ehcp" and key in ("due", "sessions"):  # a dashboard list: the whole of it
            tab = widget.due_table if key == "due" else getattr(widget, "sessions_table", widget.due_table)
            widget.tabs.setCurrentWidget(next(widget.tabs.widget(i) for i in range(widget.tabs.count())
                                              if widget.tabs.widget(i).isAncestorOf(tab)))
        elif screen == "professionals":
            found = widget.model.find(lambda p: p.ext_id == key)
            if found is not None:
                widget.select_professional(found.id)
        elif screen == "ehcp":
            widget.open_record(str(key))
        elif screen == "spaces":
            from datetime import date

            widget.set_day(date.fromisoformat(str(key)))
        elif screen == "settings" and key == "backups" and hasattr(widget, "backups_tab"):
            widget.tabs.setCurrentWidget(widget.backups_tab)

    def show_counts(self) -> None:
        """What waits on each screen, shown on the navigation (in words for screen readers too)."""
        counts = self.screens["dashboard"].dashboard.counts if self.screens["dashboard"].dashboard else {}
        for row, info in enumerate(SCREENS):
            count = counts.get(info.key, 0)
            item = self.nav.item(row)
            item.setText(f"{info.title} ({count})" if count else info.title)
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         f"{info.title}, {count} waiting" if count else info.title)

    # --- live: changes from anywhere -------------------------------------------------------------------
    def on_records_changed(self, changes) -> None:  # noqa: ANN001 (store.changes.Changes)
        """Refresh the screens showing what changed: the dashboard (and the counts) and the screen in view
        now; the others when next shown."""
        current = self.current_screen_key()
        if changes.remote:
            try:
                who = self.services.changes.latest()
            except FairfieldsError:
                who = None
            if who is not None:
                self.live_label.setText(f"Brought up to date: a change by {who} on another PC or window")
        shown = shown_record(current, self.screens[current]) if changes.remote else None
        ids = changes.ids(shown[0]) if shown is not None else None  # None: which ones is not known
        touched = shown is not None and ids is not None and shown[1] in ids
        for key in screens_for(changes):
            if key == "dashboard" or key == current:
                self.refresh_screen(key)
            else:
                self.stale.add(key)
        if touched:
            try:
                _last, who = self.services.changes.stamp(shown[2], shown[3])
            except FairfieldsError:
                who = "someone else"
            self.changed_banner.setText(DETAIL_BANNER.format(what=shown[4], who=who))
            self.changed_banner.show()

    def on_screen_shown(self, row: int) -> None:
        """A screen shown is read again: at once if a change touched it while hidden, and otherwise too
        (a change nobody announced: a restored backup, a tool outside the app), except the timetable,
        which reads itself again when shown."""
        key = SCREENS[row].key if 0 <= row < len(SCREENS) else None
        if hasattr(self, "changed_banner"):
            self.changed_banner.hide()
        if key is not None and (key in self.stale or key not in ("spaces", "dashboard")):
            self.refresh_screen(key)

    def refresh_screen(self, key: str) -> None:
        """Read the screen ``key``'s records again, keeping its selection, sort and scroll position."""
        self.stale.discard(key)
        screen = self.screens.get(key)
        refresh = refresher(key, screen) if screen is not None else None
        if refresh is None:
            return
        with view_state_kept(screen):
            refresh()
        if key == "dashboard":
            self.show_counts()
        self.screen_refreshed.emit(key)

    def reload_current_screen(self) -> None:
        """F5: the screen in view read again, and the dashboard's counts with it."""
        key = self.current_screen_key()
        self.refresh_screen(key)
        if key != "dashboard":
            self.refresh_screen("dashboard")

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802
        if event.key() == Qt.Key.Key_F5 and not event.modifiers():
            self.reload_current_screen()
            event.accept()
            return
        super().keyPressEvent(event)

    def current_screen_key(self) -> str:
        return SCREENS[self.stack.currentIndex()].key

    def on_settings_saved(self) -> None:
        name = self.services.school.settings().school_name
        self.school_label.setText(name)
        self.setWindowTitle(f"Fairfields Desktop — {name}")

    def on_sign_out_clicked(self) -> None:
        self._signing_out = True
        self.close()
        self.signed_out.emit()

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().closeEvent(event)
        self.hub.close()
        if not getattr(self, "_signing_out", False):
            self.closed.emit()
