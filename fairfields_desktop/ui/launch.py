"""Starting the window: the sign-in dialog first, the database opened behind it.

Only Qt is imported before the first paint. SQLAlchemy, Alembic and the migrations load in a worker
thread while the person types; sign-in waits for them only if it is quicker than they are.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from .errors import explain
from .sign_in import SignInDialog
from .workers import run_in_background

log = logging.getLogger(__name__)


def load_style(app: QApplication) -> None:
    from ..config import resources_dir

    from .contrast import luminance

    sheets = ["style.qss"]
    window = app.palette().color(app.palette().ColorRole.Window).name()
    if luminance(window) < 0.2:  # a dark or high-contrast palette: boxes that Fusion would draw black on black
        sheets.append("style-dark.qss")
    try:
        app.setStyleSheet("\n".join((resources_dir() / name).read_text(encoding="utf-8") for name in sheets))
    except OSError:
        log.warning("style sheet not found in %s", resources_dir())


class AppController(QObject):
    """Sign-in → main window → sign-out → sign-in, over one opened database."""

    def __init__(self, db_url: str | None, today: date | None, demo: bool = False) -> None:
        super().__init__()
        self.db_url = db_url
        self.today = today
        self.demo = demo
        self.services: Any = None
        self.window: Any = None
        self.recovery_text: str | None = None  # a recovery key typed when the keyring lost the key
        self.dialog = SignInDialog()
        self.dialog.sign_in_requested.connect(self.on_sign_in_requested)
        self.dialog.demo_requested.connect(self.on_demo_requested)
        self.dialog.rejected.connect(self.on_dialog_rejected)
        self.dialog.new_password_chosen.connect(self.on_new_password_chosen)
        self.dialog.first_admin_requested.connect(self.on_first_admin_requested)
        self._signing_in: tuple[Any, str] | None = None  # (actor, temporary password) until it is changed
        self.assistant: Any = None  # the first-run assistant while it is open

    def start(self) -> None:
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        run_in_background(self._open, self.on_database_opened, self.on_database_failed)

    # --- background jobs (no widgets touched here) ----------------------------------------------
    def _open(self) -> tuple[Any, bool, str, bool]:
        from ..app import open_services

        services = open_services(self.db_url, today=self.today, ask_key=lambda _prompt: self.recovery_text)
        empty = services.dataset.is_empty()
        if empty and self.demo:
            services.dataset.load_demo()
            empty = False
        has_users = empty or services.users.has_users()
        if not empty:
            try:  # the first start of the day backs the database up (SQLite); a failure must not stop work
                services.backups.daily()
            except Exception:
                log.warning("the daily backup could not be made", exc_info=True)
        return services, empty, services.school.settings().school_name, has_users

    # --- results --------------------------------------------------------------------------------
    def on_database_opened(self, result: tuple[Any, bool, str, bool]) -> None:
        self.services, empty, school_name, has_users = result
        description = self.services.db.description
        if self.services.new_recovery_key:
            self.show_new_recovery_key()
        if empty:
            self.show_first_run(description)
        elif not has_users:  # a school loaded without users: its first administrator signs up here
            self.dialog.ask_first_admin(school_name, description)
        else:
            self.dialog.set_ready(school_name, description)

    def show_first_run(self, description: str) -> None:
        """An empty database: the first-run assistant (ui/first_run.py) instead of signing in; on
        Cancel, the sign-in dialog's empty state."""
        from .first_run import FirstRunAssistant

        self.dialog.school_label.setText(description)
        self.assistant = FirstRunAssistant(self.dialog, services=self.services, today=self.today)
        self.assistant.setModal(True)
        self.assistant.finished.connect(lambda result: self.on_first_run_finished(result, description))
        self.assistant.open()

    def on_first_run_finished(self, result: int, description: str) -> None:
        assistant, self.assistant = self.assistant, None
        assistant.deleteLater()
        if not result or assistant.outcome is None:
            self.dialog.set_empty_database(description)
            return
        if assistant.services is not self.services:  # the school was made in another database
            self.services.close()
            self.services = assistant.services
        school_name, description = assistant.school_name, self.services.db.description
        self.dialog.demo_button.hide()
        if not self.services.users.has_users():
            self.dialog.ask_first_admin(school_name, description)
            return
        self.dialog.set_ready(school_name, description)
        if assistant.admin_username:
            self.dialog.username.setText(assistant.admin_username)
            self.dialog.password.setFocus()
        self.dialog.show_message(assistant.notice)

    def on_database_failed(self, exc: BaseException) -> None:
        from ..services.secrets import KEY_VARIABLE
        from .recovery_key import ask_recovery_key

        if KEY_VARIABLE in str(exc) and not getattr(self, "_asked_for_key", False):
            self._asked_for_key = True  # ask once; a wrong key is then explained, not asked again
            self.recovery_text = ask_recovery_key(self.dialog, explain(exc))
            if self.recovery_text:
                run_in_background(self._open, self.on_database_opened, self.on_database_failed)
                return
        self.dialog.set_failed(explain(exc))

    def show_new_recovery_key(self) -> None:
        """A key was just made for this database: show its recovery key, once, to be printed."""
        from .recovery_key import RecoveryKeyDialog

        key, self.services.new_recovery_key = self.services.new_recovery_key, None
        RecoveryKeyDialog(key, self.services.db.description, self.dialog).exec()

    def on_demo_requested(self) -> None:
        if self.services is None:
            return
        self.dialog.set_busy(True)
        self.dialog.show_message("Filling the database with the demo school…")
        services = self.services

        def job() -> str:
            services.dataset.load_demo()
            return services.school.settings().school_name

        def done(school_name: str) -> None:
            self.dialog.demo_button.hide()
            self.dialog.set_busy(False)
            self.dialog.show_message("The demo school is ready: sign in with a demo user (see the README).")
            self.dialog.set_ready(school_name, services.db.description)

        def failed(exc: BaseException) -> None:
            self.dialog.set_busy(False)
            self.dialog.show_message(explain(exc))

        run_in_background(job, done, failed)

    def on_sign_in_requested(self, username: str, password: str) -> None:
        services = self.services
        self._signing_in = None

        def signed_in(actor: Any) -> None:
            if actor.must_change_password:  # reset by an administrator: their own password first
                self._signing_in = (actor, password)
                self.dialog.ask_new_password(actor.display_name)
                return
            self.on_signed_in(actor)

        run_in_background(lambda: services.auth.sign_in(username, password), signed_in, self.on_sign_in_failed)

    def on_new_password_chosen(self, new: str, repeated: str) -> None:
        if self._signing_in is None:
            return
        services, (actor, current) = self.services, self._signing_in
        run_in_background(lambda: services.auth.change_own_password(actor, current, new, repeated),
                          self.on_signed_in, self.on_new_password_failed)

    def on_new_password_failed(self, exc: BaseException) -> None:
        from ..domain.errors import InvalidInput

        self.dialog.set_busy(False)
        if isinstance(exc, InvalidInput):
            self.dialog.show_problems(exc.problems)
            self.dialog.new_password.setFocus()
            return
        self._signing_in = None  # locked or deactivated meanwhile: back to signing in, saying why
        self.dialog.reset()
        self.dialog.show_message(explain(exc))

    def on_first_admin_requested(self, username: str, name: str, password: str, repeated: str) -> None:
        services = self.services
        run_in_background(lambda: services.users.create_first_admin(username, name, password, repeated),
                          self.on_signed_in, self.on_first_admin_failed)

    def on_first_admin_failed(self, exc: BaseException) -> None:
        from ..domain.errors import InvalidInput, Refused

        self.dialog.set_busy(False)
        if isinstance(exc, InvalidInput):
            self.dialog.show_problems(exc.problems)
        elif isinstance(exc, Refused) and self.services is not None and self.services.users.has_users():
            self.dialog.reset()  # another PC made the first administrator meanwhile: sign in instead
            self.dialog.show_message(explain(exc))
        else:
            self.dialog.show_message(explain(exc))

    def on_signed_in(self, actor: Any) -> None:
        from .main_window import MainWindow

        self._signing_in = None
        log.info("opening the main window")
        self.window = MainWindow(self.services, actor)
        self.window.signed_out.connect(self.on_signed_out)
        self.window.closed.connect(self.on_window_closed)
        self.dialog.hide()
        self.dialog.reset()
        self.window.show()

    def on_sign_in_failed(self, exc: BaseException) -> None:
        self.dialog.set_busy(False)
        self.dialog.password.clear()
        self.dialog.password.setFocus()
        self.dialog.show_message(explain(exc))

    def on_signed_out(self) -> None:
        if self.window is not None:
            self.window.deleteLater()
            self.window = None
        self.dialog.reset()
        self.dialog.show()

    def on_window_closed(self) -> None:
        QApplication.instance().quit()

    def on_dialog_rejected(self) -> None:
        if self.window is None:
            QApplication.instance().quit()

    def shutdown(self) -> None:
        if self.services is not None:
            self.services.close()


def _install_excepthook() -> None:
    shown = {"done": False}

    def hook(kind, value, trace) -> None:  # noqa: ANN001
        log.critical("uncaught exception", exc_info=(kind, value, trace))
        if not shown["done"] and QApplication.instance() is not None:
            shown["done"] = True
            QMessageBox.critical(None, "Fairfields Desktop", explain(value))

    sys.excepthook = hook


def _set_icon(app: QApplication) -> None:
    from PySide6.QtGui import QIcon

    from ..config import resources_dir

    icon = QIcon()
    for size in (32, 256):
        path = resources_dir() / "icons" / f"fairfields-{size}.png"
        if path.exists():
            icon.addFile(str(path))
    app.setWindowIcon(icon)


def run_window(db_url: str | None = None, today: date | None = None, demo: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Fairfields Desktop")
    app.setOrganizationName("Fairfields")
    app.setDesktopFileName("fairfields-desktop")  # matches packaging/linux/fairfields-desktop.desktop
    _set_icon(app)
    load_style(app)
    _install_excepthook()
    controller = AppController(db_url, today, demo)
    app.setQuitOnLastWindowClosed(False)
    probe = os.environ.get("FAIRFIELDS_STARTUP_PROBE")
    controller.start()
    if probe:  # benchmark hook: record when the dialog accepts input, then leave
        def record() -> None:
            focused = controller.dialog.focusWidget() is controller.dialog.username
            heavy = ",".join(m for m in ("reportlab", "alembic", "sqlalchemy") if m in sys.modules) or "-"
            with open(probe, "w", encoding="utf-8") as out:
                out.write(f"{time.time()} {int(focused and controller.dialog.isVisible())} {heavy}\n")
            app.quit()

        QTimer.singleShot(0, record)
    code = app.exec()
    from .workers import wait_for_background

    wait_for_background()
    controller.shutdown()
    return code
