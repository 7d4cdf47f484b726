"""Settings → Users (administrators only): who signs in, with which roles; new users, roles, deactivating,
unlocking and resetting passwords. The user service checks and records every change; this tab only
gathers the values and shows what the service said."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import FairfieldsError, StaleRecord
from ...domain.passwords import RULE_TEXT
from ...domain.school import ROLE_LABELS, ROLES, roles_text
from ..change_hub import watch_record
from ..forms import FormDialog, run_form
from ..operations import job, perform
from ..models.base import ITEM_ROLE, Column, FilterProxy, RowsModel, fit_columns, make_table
from ..shortcuts import add_shortcut

TEMPORARY_HINT = f"leave empty to generate one, shown once ({RULE_TEXT})"


class RolesBox(QWidget):
    """One check box per role."""

    def __init__(self, chosen: tuple[str, ...] = (), parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for number, role in enumerate(ROLES):
            box = QCheckBox(ROLE_LABELS[role])
            box.setChecked(role in chosen)
            box.setAccessibleName(f"Role {ROLE_LABELS[role]}")
            self.boxes[role] = box
            layout.addWidget(box, number // 3, number % 3)

    def roles(self) -> list[str]:
        return [role for role, box in self.boxes.items() if box.isChecked()]

    def set_roles(self, roles: list[str] | tuple[str, ...]) -> None:
        for role, box in self.boxes.items():
            box.setChecked(role in roles)


def temporary_password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText("leave empty to generate one")
    field.setToolTip("A temporary password you type and give them, or leave empty to generate one (shown "
                     f"once). They choose their own when they next sign in. A password has {RULE_TEXT}.")
    field.setAccessibleDescription(TEMPORARY_HINT)
    return field


def _when(moment: datetime | None, today) -> str:  # noqa: ANN001
    if moment is None:
        return ""
    return f"{moment:%H:%M}" if moment.date() == today else f"{moment:%d %b %Y %H:%M}"


class UsersTab(QWidget):
    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services, self.actor = services, actor
        today = services.clock.today()
        columns = [
            Column("Username", lambda u: u.username),
            Column("Staff member", lambda u: u.staff_name or "not a member of staff", lambda u: u.staff_name or ""),
            Column("Roles", lambda u: roles_text(frozenset(u.roles))),
            Column("Active", lambda u: "yes" if u.active else "no: deactivated", lambda u: u.active),
            Column("Locked until", lambda u: _when(u.locked_until, today),
                   lambda u: u.locked_until.isoformat() if u.locked_until else ""),
            Column("Password", lambda u: "temporary: to change at next sign-in" if u.must_change_password
                   else (f"{u.failed_attempts} wrong in a row" if u.failed_attempts else "their own"),
                   lambda u: (u.must_change_password, u.failed_attempts)),
        ]
        self.model = RowsModel(columns, self)
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table(self.proxy, "Users")
        self.table.setAccessibleDescription("Everyone who can sign in, with their roles and whether they are "
                                            "active or locked")

        self.new_button = QPushButton("N&ew user…")
        self.roles_button = QPushButton("Chan&ge roles…")
        self.active_button = QPushButton("Deact&ivate")
        self.unlock_button = QPushButton("Un&lock")
        self.reset_button = QPushButton("Re&set password…")
        add_shortcut(self.new_button, "Ctrl+N", "A new user with a temporary password")
        self.new_button.setToolTip("A new user for a member of staff, with a temporary password")
        self.active_button.setToolTip("A deactivated user can no longer sign in; they are kept for the record")
        self.unlock_button.setToolTip("End the wait after 5 wrong passwords now")
        self.reset_button.setToolTip("A temporary password they change when they next sign in (it also unlocks)")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.roles_button, self.active_button, self.unlock_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        hint = QLabel("Everyone who signs in. Users are never deleted: deactivate them. A new or reset password "
                      "is temporary: its owner chooses their own when they next sign in. After 5 wrong "
                      "passwords in a row an account waits 15 minutes, or until you unlock it.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.message = QLabel("")
        self.message.setObjectName("usersMessage")
        self.message.setAccessibleName("Users message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

        self.new_button.clicked.connect(self.on_new_clicked)
        self.roles_button.clicked.connect(self.on_roles_clicked)
        self.active_button.clicked.connect(self.on_active_clicked)
        self.unlock_button.clicked.connect(self.on_unlock_clicked)
        self.reset_button.clicked.connect(self.on_reset_clicked)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.update_buttons())
        self.table.doubleClicked.connect(lambda _index: self.on_roles_clicked())
        self.reload()

    # --- the list ---------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        current = self.current()
        wanted = select_id if select_id is not None else (current.id if current else None)
        self.model.set_rows(self.services.users.list_users(self.actor))
        fit_columns(self.table)
        if wanted is not None:
            self.select_user(wanted)
        self.update_buttons()

    def select_user(self, user_id: int) -> None:
        row = self.model.row_of(user_id)
        if row is not None:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def current(self):  # noqa: ANN201
        index = self.table.currentIndex()
        return self.proxy.data(index, ITEM_ROLE) if index.isValid() else None

    def update_buttons(self) -> None:
        user = self.current()
        for button in (self.roles_button, self.active_button, self.unlock_button, self.reset_button):
            button.setEnabled(user is not None)
        if user is None:
            return
        self.active_button.setText("Deact&ivate" if user.active else "React&ivate")
        self.active_button.setEnabled(user.username != self.actor.username)
        self.unlock_button.setEnabled(user.locked_until is not None or user.failed_attempts > 0)

    def _done(self, message: str, select_id: int | None = None) -> None:
        self.reload(select_id)
        self.message.setText(message)

    def _failed(self, exc: FairfieldsError) -> None:
        self.message.setText(f"Not done: {exc}")
        if isinstance(exc, StaleRecord):
            self.reload()

    # --- actions ---------------------------------------------------------------------------------
    def on_new_clicked(self) -> None:
        username = QLineEdit()
        username.setPlaceholderText("e.g. jsmith")
        staff = QComboBox()
        staff.addItem("(nobody: not a member of staff)", None)
        for member in self.services.users.staff_without_account(self.actor):
            staff.addItem(f"{member.name} ({member.role})", member.ext_id)
        roles = RolesBox()
        password = temporary_password_field()
        dialog = FormDialog("New user", [("username", "&Username", username), ("staff", "Member of &staff", staff),
                                         ("roles", "&Roles", roles), ("password", "Temporary &password", password)],
                            self)
        dialog.setMinimumWidth(560)

        def pick_username(index: int) -> None:  # the staff id is the usual username
            if not username.text() and staff.itemData(index):
                username.setText(staff.itemData(index))

        staff.currentIndexChanged.connect(pick_username)
        created = run_form(dialog, lambda: job(self.services.users.create_user,
            self.actor, {"username": username.text(), "staff": staff.currentData(), "roles": roles.roles(),
                         "password": password.text()}))
        dialog.deleteLater()
        if created is None:
            return
        account, generated = created
        self._done(f"{account.username} can now sign in as {roles_text(frozenset(account.roles))}, with a "
                   "temporary password to change at their first sign-in.", account.id)
        if generated:
            self.show_password_once(account.username, generated)

    def on_roles_clicked(self) -> None:
        user = self.current()
        if user is None:
            return
        roles = RolesBox(user.roles)
        dialog = FormDialog(f"Roles of {user.username}", [("roles", "&Roles", roles)], self)
        watch_record(dialog, self.services, "users", "user", user.username, f"{user.username}'s account")
        saved = run_form(dialog, lambda: job(self.services.users.set_roles, self.actor, user.id, roles.roles(),
                                             user.version))
        dialog.deleteLater()
        if saved is not None:
            self._done(f"{saved.username}'s roles are now {roles_text(frozenset(saved.roles))}.", saved.id)
        else:
            self.reload()  # a StaleRecord: show what is there now

    def on_active_clicked(self) -> None:
        user = self.current()
        if user is None:
            return
        if user.active:
            answer = QMessageBox.question(
                self, "Deactivate a user",
                f"Deactivate {user.username}? They can no longer sign in. Their account is kept for the record "
                "and can be reactivated.")
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            saved = perform(self, lambda: self.services.users.set_active(self.actor, user.id, not user.active, user.version))
        except FairfieldsError as exc:
            self._failed(exc)
            return
        state = "active again" if saved.active else "deactivated: they can no longer sign in"
        self._done(f"{saved.username} is {state}.", saved.id)

    def on_unlock_clicked(self) -> None:
        user = self.current()
        if user is None:
            return
        try:
            saved = perform(self, lambda: self.services.users.unlock(self.actor, user.id))
        except FairfieldsError as exc:
            self._failed(exc)
            return
        self._done(f"{saved.username} is unlocked: they can sign in again now.", saved.id)

    def on_reset_clicked(self) -> None:
        user = self.current()
        if user is None:
            return
        password = temporary_password_field()
        dialog = FormDialog(f"Reset the password of {user.username}",
                            [("password", "Temporary &password", password)], self)
        note = QLabel(f"{user.username} will choose their own password when they next sign in. A reset also "
                      "ends a lock after wrong passwords.")
        note.setWordWrap(True)
        dialog.layout().insertRow(0, note)
        dialog.setMinimumWidth(460)
        reset = self.services.users.reset_password
        done = run_form(dialog, lambda: job(lambda text: (reset(self.actor, user.id, text),), password.text()))
        dialog.deleteLater()
        if done is None:
            return
        (generated,) = done
        self._done(f"{user.username}'s password was reset: they choose their own at their next sign-in.", user.id)
        if generated:
            self.show_password_once(user.username, generated)

    def show_password_once(self, username: str, password: str) -> None:
        """The generated password, once, to be given to its owner (it is kept nowhere in the clear)."""
        box = QMessageBox(self)
        box.setWindowTitle("Temporary password")
        box.setIcon(QMessageBox.Icon.Information)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<p>The temporary password of <b>{escape(username)}</b> is</p>"
                    f"<p style='font-family: monospace; font-size: 16pt'>{escape(password)}</p>"
                    "<p>Give it to them now: it is shown only this once. They choose their own password when "
                    "they next sign in.</p>")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAccessibleName("Temporary password")
        box.exec()
        box.deleteLater()
