"""The sign-in dialog: shown at once, usable while the database opens in the background.

It imports nothing heavy (no SQLAlchemy, no ReportLab) so that it paints within a second of launch.
Besides signing in it asks, in the same window, for a new password when an administrator has reset
it, and for the first administrator of a school that has no users yet. ``ChangePasswordDialog`` is
the window's own "Change password" form.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.passwords import RULE_TEXT

PASSWORD_HINT = f"A password has {RULE_TEXT}. A few words together are easy to remember."


def password_field(accessible_name: str, object_name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(object_name)
    field.setAccessibleName(accessible_name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def add_new_password_rows(form: QFormLayout, new_label: str = "&New password",
                          repeat_label: str = "&Repeat new password") -> tuple[QLineEdit, QLineEdit]:
    """Two password fields (typed twice) and the rule under them, added to ``form``."""
    new = password_field(new_label.replace("&", ""), "newPassword")
    repeat = password_field(repeat_label.replace("&", ""), "repeatPassword")
    hint = QLabel(PASSWORD_HINT)
    hint.setObjectName("hint")
    hint.setWordWrap(True)
    new.setAccessibleDescription(PASSWORD_HINT)
    form.addRow(new_label, new)
    form.addRow(repeat_label, repeat)
    form.addRow("", hint)
    new.returnPressed.connect(repeat.setFocus)
    return new, repeat


def who(actor) -> str:  # noqa: ANN001
    """The person and their username, once: "Helen Carter (hcarter)", or "admin"."""
    return actor.username if actor.display_name == actor.username else f"{actor.display_name} ({actor.username})"


def problems_text(problems, labels: dict[str, str]) -> str:  # noqa: ANN001
    """Problems from a service, each named by the field's label."""
    return " ".join(f"{labels.get(p.where, p.where)}: {p.message}." if p.where else f"{p.message}."
                    for p in problems)


class SignInDialog(QDialog):
    """Asks for a username and password; says plainly what is happening and what went wrong."""

    sign_in_requested = Signal(str, str)
    demo_requested = Signal()
    new_password_chosen = Signal(str, str)  # the new password, typed twice
    first_admin_requested = Signal(str, str, str, str)  # username, name, password, repeated

    FIELD_LABELS = {"new_password": "New password", "repeat_password": "Repeat new password",
                    "username": "Username", "name": "Your name", "password": "Password"}

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("Fairfields Desktop — sign in")
        self.setObjectName("signInDialog")
        self.setMinimumWidth(420)
        self.mode = "sign_in"

        title = QLabel("Fairfields Desktop")
        title.setObjectName("signInTitle")
        self.school_label = QLabel("Opening the school's database…")
        self.school_label.setObjectName("signInSchool")
        self.school_label.setWordWrap(True)

        # signing in
        self.sign_in_page = QWidget()
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setAccessibleName("Username")
        self.username.setPlaceholderText("your username")
        self.password = password_field("Password", "password")
        form = QFormLayout(self.sign_in_page)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)

        # a new password after an administrator's reset
        self.change_page = QWidget()
        self.change_intro = QLabel("")
        self.change_intro.setWordWrap(True)
        change_form = QFormLayout(self.change_page)
        change_form.setContentsMargins(0, 0, 0, 0)
        change_form.addRow(self.change_intro)
        self.new_password, self.repeat_password = add_new_password_rows(change_form)
        self.change_page.hide()

        # the first administrator of a school without users
        self.first_admin_page = QWidget()
        first_intro = QLabel("This school has no users yet. Create the first administrator: you. You can then "
                             "add everyone else under Settings → Users.")
        first_intro.setWordWrap(True)
        self.admin_username = QLineEdit()
        self.admin_username.setObjectName("adminUsername")
        self.admin_username.setAccessibleName("Username")
        self.admin_username.setPlaceholderText("e.g. jsmith")
        self.admin_name = QLineEdit()
        self.admin_name.setObjectName("adminName")
        self.admin_name.setAccessibleName("Your name")
        self.admin_name.setPlaceholderText("as colleagues know you")
        admin_form = QFormLayout(self.first_admin_page)
        admin_form.setContentsMargins(0, 0, 0, 0)
        admin_form.addRow(first_intro)
        admin_form.addRow("&Username", self.admin_username)
        admin_form.addRow("Your &name", self.admin_name)
        self.admin_password, self.admin_repeat = add_new_password_rows(admin_form, "&Password", "&Repeat password")
        self.first_admin_page.hide()

        self.message = QLabel("")
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Sign-in message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox()
        self.sign_in_button = QPushButton("&Sign in")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.setAccessibleName("Sign in")
        self.buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = self.buttons.addButton("&Quit", QDialogButtonBox.ButtonRole.RejectRole)
        self.demo_button = QPushButton("Open the &demo school")
        self.demo_button.setToolTip("Fill this empty database with the demo school and its demo users")
        self.demo_button.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.school_label)
        layout.addWidget(self.sign_in_page)
        layout.addWidget(self.change_page)
        layout.addWidget(self.first_admin_page)
        layout.addWidget(self.message)
        layout.addWidget(self.demo_button)
        layout.addWidget(self.buttons)

        self.buttons.accepted.connect(self.on_accept_clicked)
        self.buttons.rejected.connect(self.reject)
        self.demo_button.clicked.connect(self.demo_requested)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.on_sign_in_clicked)
        self.repeat_password.returnPressed.connect(self.on_new_password_clicked)
        self.admin_username.returnPressed.connect(self.admin_name.setFocus)
        self.admin_name.returnPressed.connect(self.admin_password.setFocus)
        self.admin_repeat.returnPressed.connect(self.on_first_admin_clicked)
        self._busy = False
        self._ready = False
        self._pending = False
        self.username.setFocus()

    # --- state shown to the person ---------------------------------------------------------------
    def set_ready(self, school_name: str, database: str) -> None:
        """The database is open: sign-in can be checked."""
        self._ready = True
        self.school_label.setText(f"{school_name}\n{database}")
        if self._pending:
            self._pending = False
            self.on_sign_in_clicked()

    def set_empty_database(self, database: str) -> None:
        self._ready = False
        self.school_label.setText(database)
        self.show_message("This database holds no school yet. Open the demo school, or load the school's "
                          "dataset with 'fairfields load FILE.json'.")
        self.demo_button.show()

    def set_failed(self, message: str) -> None:
        self._ready = False
        self._pending = False
        self.school_label.setText("The database could not be opened.")
        self.show_message(message)

    def show_message(self, message: str) -> None:
        self.message.setText(message)
        self._fit()

    def show_problems(self, problems) -> None:  # noqa: ANN001
        self.show_message(problems_text(problems, self.FIELD_LABELS))

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.sign_in_button.setEnabled(not busy)
        self.demo_button.setEnabled(not busy)

    def reset(self) -> None:
        """Ready for the next person: the passwords are cleared, the username kept."""
        self._show_page("sign_in")
        for field in (self.password, self.new_password, self.repeat_password):
            field.clear()
        self.message.clear()
        self.set_busy(False)
        (self.password if self.username.text() else self.username).setFocus()

    def ask_new_password(self, who: str) -> None:
        """The password was right but is temporary: ask for a new one, typed twice, before going on."""
        self._show_page("change")
        self.change_intro.setText(f"Welcome, {who}. Your password was set by an administrator: choose your "
                                  "own before you go on.")
        self._fit()
        self.new_password.clear()
        self.repeat_password.clear()
        self.message.clear()
        self.set_busy(False)
        self.new_password.setFocus()

    def ask_first_admin(self, school_name: str, database: str) -> None:
        """The school has no users: ask for the first administrator instead of signing in."""
        self._ready = True
        self._pending = False
        self.school_label.setText(f"{school_name}\n{database}")
        self._show_page("first_admin")
        self.message.clear()
        self.set_busy(False)
        self.admin_username.setFocus()

    def _show_page(self, mode: str) -> None:
        self.mode = mode
        self.sign_in_page.setVisible(mode == "sign_in")
        self.change_page.setVisible(mode == "change")
        self.first_admin_page.setVisible(mode == "first_admin")
        text, name, quit_text = {
            "sign_in": ("&Sign in", "Sign in", "&Quit"),
            "change": ("Save and &continue", "Save the new password and continue", "&Back"),
            "first_admin": ("&Create and sign in", "Create the administrator and sign in", "&Quit"),
        }[mode]
        self.sign_in_button.setText(text)
        self.sign_in_button.setAccessibleName(name)
        self.quit_button.setText(quit_text)
        self.setWindowTitle("Fairfields Desktop — " + {"sign_in": "sign in", "change": "choose a new password",
                                                        "first_admin": "the first administrator"}[mode])
        self._fit()

    def _fit(self) -> None:
        """Grow (or shrink) to show all the wrapped text of the page shown now."""
        for page in (self.sign_in_page, self.change_page, self.first_admin_page):
            page.layout().activate()
        self.layout().activate()
        self.adjustSize()

    # --- slots ----------------------------------------------------------------------------------
    def reject(self) -> None:
        if self.mode == "change":  # Back: sign in again (perhaps as someone else)
            self.reset()
            return
        super().reject()

    def on_accept_clicked(self) -> None:
        {"sign_in": self.on_sign_in_clicked, "change": self.on_new_password_clicked,
         "first_admin": self.on_first_admin_clicked}[self.mode]()

    def on_sign_in_clicked(self) -> None:
        if self._busy or self.mode != "sign_in":  # Enter in the password field and the default button both land here
            return
        username = self.username.text().strip()
        if not username:
            self.show_message("Enter your username.")
            self.username.setFocus()
            return
        if not self.password.text():
            self.show_message("Enter your password.")
            self.password.setFocus()
            return
        if not self._ready:
            self._pending = True
            self.show_message("Still opening the database: you will be signed in as soon as it is ready.")
            return
        self.show_message("Checking…")
        self.set_busy(True)
        self.sign_in_requested.emit(username, self.password.text())

    def on_new_password_clicked(self) -> None:
        if self._busy or self.mode != "change":
            return
        if not self._all_typed([(self.new_password, "Choose a new password."),
                                (self.repeat_password, "Type the new password again, to be sure of it.")]):
            return
        if self.new_password.text() != self.repeat_password.text():
            self.show_message("The two new passwords differ: type the same one twice.")
            self.repeat_password.clear()
            self.repeat_password.setFocus()
            return
        self.show_message("Saving…")
        self.set_busy(True)
        self.new_password_chosen.emit(self.new_password.text(), self.repeat_password.text())

    def _all_typed(self, fields: list[tuple[QLineEdit, str]]) -> bool:
        """Whether every field holds something; else say what to type in the first empty one."""
        for field, what in fields:
            if not field.text().strip():
                self.show_message(what)
                field.setFocus()
                return False
        return True

    def on_first_admin_clicked(self) -> None:
        if self._busy or self.mode != "first_admin":
            return
        if not self._all_typed([(self.admin_username, "Enter a username for yourself."),
                                (self.admin_name, "Enter your name."),
                                (self.admin_password, "Choose a password."),
                                (self.admin_repeat, "Type the password again, to be sure of it.")]):
            return
        if self.admin_password.text() != self.admin_repeat.text():
            self.show_message("The two passwords differ: type the same one twice.")
            self.admin_repeat.clear()
            self.admin_repeat.setFocus()
            return
        self.show_message("Creating the administrator…")
        self.set_busy(True)
        self.first_admin_requested.emit(self.admin_username.text(), self.admin_name.text(),
                                        self.admin_password.text(), self.admin_repeat.text())


class ChangePasswordDialog(QDialog):
    """The signed-in person changes their own password: the current one, then the new one twice."""

    FIELD_LABELS = {"current_password": "Current password", "new_password": "New password",
                    "repeat_password": "Repeat new password"}

    def __init__(self, who: str, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("Change your password")
        self.setObjectName("changePasswordDialog")
        self.setMinimumWidth(420)
        intro = QLabel(f"Change the password of {who}.")
        intro.setWordWrap(True)
        self.current_password = password_field("Current password", "currentPassword")
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow("&Current password", self.current_password)
        self.new_password, self.repeat_password = add_new_password_rows(form)
        self.message = QLabel("")
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        form.addRow(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Save password")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancel")
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.current_password.returnPressed.connect(self.new_password.setFocus)
        self.current_password.setFocus()

    def show_problems(self, problems) -> None:  # noqa: ANN001
        self.message.setText("Not changed. " + problems_text(problems, self.FIELD_LABELS))
        self.layout().activate()
        self.adjustSize()

    def values(self) -> tuple[str, str, str]:
        return self.current_password.text(), self.new_password.text(), self.repeat_password.text()
