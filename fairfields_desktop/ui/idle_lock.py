"""The window's sign-in protection: it locks after a while without input, and people change their password.

``IdleLock`` watches every keyboard and mouse event of the application (an event filter on the
QApplication). After the school's ``idle_lock_minutes`` without any, it draws an opaque curtain over
every open window of the app, so a passer-by sees no pupil data, and asks for the password in a small
application-modal dialog. Nothing under the curtain is touched: every screen, open form and typed text
is as it was when the right password unlocks it. Wrong passwords count like wrong sign-ins; once the
account is locked only "Sign out" remains.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import FairfieldsError, InvalidInput, NotAllowed
from .sign_in import ChangePasswordDialog, password_field, who

log = logging.getLogger(__name__)

#: the events that count as someone at the keyboard or the mouse
INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate, QEvent.Type.TabletPress, QEvent.Type.TabletMove,
})

SIGNING_OUT = "Signing out closes the window: changes not yet saved are lost."


class Curtain(QWidget):
    """An opaque cover over one window while the app is locked; it follows the window's size."""

    def __init__(self, window: QWidget, text: str) -> None:
        super().__init__(window)
        self.setObjectName("lockCurtain")
        self.setAccessibleName("Locked")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        self.setStyleSheet("QWidget#lockCurtain { background: #1a3a5c; } "
                           "QLabel { color: #ffffff; font-size: 16pt; font-weight: 600; }")
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 48, 24, 24)
        layout.addWidget(label)
        layout.addStretch(1)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and watched is self.parent():
            self.setGeometry(self.parentWidget().rect())
            self.raise_()
        return False


class UnlockDialog(QDialog):
    """Asks the signed-in person for their password; only they (or signing out) end the lock."""

    unlock_requested = Signal(str)
    sign_out_requested = Signal()

    def __init__(self, person: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self.setWindowTitle("Fairfields Desktop — locked")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setMinimumWidth(420)
        self._closing = False
        title = QLabel("Fairfields Desktop is locked")
        title.setObjectName("signInTitle")
        self.intro = QLabel(f"{person} was away for a while. Type your password to carry on where you left "
                            "off: everything you had open is kept.")
        self.intro.setWordWrap(True)
        self.password = password_field("Password", "unlockPassword")
        self.form = QFormLayout()
        self.form.addRow("&Password", self.password)
        self.message = QLabel("")
        self.message.setObjectName("signInMessage")
        self.message.setAccessibleName("Unlock message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setDefault(True)
        self.sign_out_button = QPushButton("Sign &out")
        self.sign_out_button.setAutoDefault(False)
        self.sign_out_button.setToolTip(f"Someone else? {SIGNING_OUT}")
        buttons = QDialogButtonBox()
        buttons.addButton(self.unlock_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.sign_out_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.unlock_button.clicked.connect(self.on_unlock_clicked)
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.password.setFocus()

    def on_unlock_clicked(self) -> None:
        if not self.unlock_button.isVisible():
            return
        if not self.password.text():
            self.message.setText("Type your password.")
            self.password.setFocus()
            return
        self.unlock_requested.emit(self.password.text())

    def show_refused(self, message: str) -> None:
        self.password.clear()
        self.password.setFocus()
        self.message.setText(message)
        self.adjustSize()

    def show_account_locked(self, message: str) -> None:
        """Too many wrong passwords: the password can no longer be tried here, only signing out remains."""
        self.password.clear()
        self.password.setEnabled(False)
        self.form.setRowVisible(self.password, False)
        self.unlock_button.hide()
        self.intro.setText("The password cannot be tried again here for now: only signing out remains.")
        self.sign_out_button.setDefault(True)
        self.sign_out_button.setFocus()
        self.message.setText(message)
        self.adjustSize()

    def finish(self) -> None:
        self._closing = True
        self.hide()

    def reject(self) -> None:  # Escape and the close button do not unlock
        if self._closing:
            super().reject()

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802
        if self._closing:
            super().closeEvent(event)
        else:
            event.ignore()


class IdleLock(QObject):
    """Locks ``window`` (and every other window of the app) after the school's idle time without input."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: QWidget, services, actor, timeout_ms: int | None = None) -> None:  # noqa: ANN001
        super().__init__(window)
        self.window = window
        self.services = services
        self.actor = actor
        self.dialog: UnlockDialog | None = None
        self._curtains: list[Curtain] = []
        self._focus: QWidget | None = None
        self._last_input = time.monotonic()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._check)
        self.timeout_ms = timeout_ms if timeout_ms is not None else self._setting_ms()
        QApplication.instance().installEventFilter(self)
        settings_screen = getattr(window, "screens", {}).get("settings")
        if hasattr(settings_screen, "settings_saved"):
            settings_screen.settings_saved.connect(self.reload_setting)
        self.timer.start(self.timeout_ms)

    # --- the idle time ----------------------------------------------------------------------------
    def _setting_ms(self) -> int:
        try:
            minutes = self.services.school.settings().idle_lock_minutes
        except FairfieldsError as exc:
            log.warning("idle lock: the setting could not be read (%s): 10 minutes", exc)
            minutes = 10
        return max(1, int(minutes)) * 60_000

    def set_timeout_ms(self, milliseconds: int) -> None:
        """Lock after this long without input (tests use a short time)."""
        self.timeout_ms = max(1, int(milliseconds))
        self._last_input = time.monotonic()
        if not self.is_locked:
            self.timer.start(self.timeout_ms)

    def reload_setting(self) -> None:
        """The school's setting changed (Settings screen): use it from now."""
        self.set_timeout_ms(self._setting_ms())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in INPUT_EVENTS:
            self._last_input = time.monotonic()
        return False

    def _check(self) -> None:
        if self.is_locked:
            return
        idle_ms = (time.monotonic() - self._last_input) * 1000
        if idle_ms >= self.timeout_ms and self.window.isVisible():
            self.lock_now()
        else:
            self.timer.start(max(1, int(self.timeout_ms - idle_ms)) if idle_ms < self.timeout_ms
                             else self.timeout_ms)

    # --- locking and unlocking ----------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def lock_now(self) -> None:
        """Cover every window of the app and ask for the password (what is open stays as it was)."""
        if self.is_locked:
            return
        self.timer.stop()
        self._focus = QApplication.focusWidget()
        while (popup := QApplication.activePopupWidget()) is not None:  # menus, open drop-down lists
            popup.close()
        school = self.window.windowTitle().removeprefix("Fairfields Desktop — ")
        for top in QApplication.topLevelWidgets():
            if top.isVisible() and top.isWindow() and not isinstance(top, UnlockDialog) \
                    and top.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
                text = f"{school}\nFairfields Desktop is locked" if top is self.window else "Locked"
                self._curtains.append(Curtain(top, text))
        self.dialog = UnlockDialog(who(self.actor), self.window)
        self.dialog.unlock_requested.connect(self.try_unlock)
        self.dialog.sign_out_requested.connect(self.sign_out)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        self.dialog.password.setFocus()
        log.info("window locked after %s ms without input", self.timeout_ms)
        self.locked.emit()

    def try_unlock(self, password: str) -> None:
        if self.dialog is None:
            return
        from ..services.auth import AccountLocked

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.services.auth.sign_in(self.actor.username, password)
        except AccountLocked as exc:
            self.dialog.show_account_locked(f"{exc} {SIGNING_OUT}")
            return
        except NotAllowed:
            self.dialog.show_refused(f"That is not the password of {self.actor.username}. Try again, or sign out.")
            return
        except FairfieldsError as exc:
            self.dialog.show_refused(str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._end_lock()
        focus = self._focus
        self._focus = None
        if focus is not None:
            try:
                focus.setFocus()
            except RuntimeError:  # closed meanwhile
                pass
        log.info("window unlocked")
        self.unlocked.emit()

    def sign_out(self) -> None:
        """Leave the locked window: open forms are closed unsaved, then the usual sign-out."""
        for top in QApplication.topLevelWidgets():
            if isinstance(top, QDialog) and top.isVisible() and not isinstance(top, UnlockDialog):
                top.reject()
        self._end_lock()
        self._focus = None
        self.timer.stop()
        button = getattr(self.window, "sign_out_button", None)
        if button is not None:
            button.click()
        else:
            self.window.close()

    def _end_lock(self) -> None:
        for curtain in self._curtains:
            try:
                curtain.parentWidget().removeEventFilter(curtain)
                curtain.hide()
                curtain.deleteLater()
            except RuntimeError:  # its window was closed meanwhile
                pass
        self._curtains = []
        if self.dialog is not None:
            self.dialog.finish()
            self.dialog.deleteLater()
            self.dialog = None
        self._last_input = time.monotonic()
        self.timer.start(self.timeout_ms)


def change_password_button(window: QWidget, services, actor,  # noqa: ANN001
                           idle_lock: IdleLock | None = None) -> QPushButton:
    """The header's "Change password" button: the current password, then the new one twice."""
    button = QPushButton("Change password…")
    button.setObjectName("changePassword")
    button.setToolTip("Change your own password (also in the Fairfields menu)")
    button.clicked.connect(lambda: change_own_password(window, services, actor, idle_lock))
    return button


def change_own_password(window: QWidget, services, actor, idle_lock: IdleLock | None = None) -> bool:  # noqa: ANN001
    from ..services.auth import AccountLocked

    dialog = ChangePasswordDialog(who(actor), window)
    try:
        while dialog.exec() == QDialog.DialogCode.Accepted:
            current, new, repeated = dialog.values()
            try:
                services.auth.change_own_password(actor, current, new, repeated)
            except InvalidInput as exc:
                dialog.show_problems(exc.problems)
                continue
            except AccountLocked as exc:  # five wrong current passwords: as at sign-in, only signing out remains
                dialog.reject()
                if idle_lock is not None:
                    idle_lock.lock_now()
                    idle_lock.dialog.show_account_locked(f"{exc} {SIGNING_OUT}")
                return False
            except FairfieldsError as exc:
                dialog.message.setText(f"Not changed: {exc}")
                dialog.current_password.clear()
                dialog.current_password.setFocus()
                continue
            if hasattr(window, "statusBar"):
                window.statusBar().showMessage("Your password was changed.", 15_000)
            return True
        return False
    finally:
        dialog.deleteLater()
