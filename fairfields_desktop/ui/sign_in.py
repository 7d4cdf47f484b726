"""The sign-in dialog: shown at once, usable while the database opens in the background.

It imports nothing heavy (no SQLAlchemy, no ReportLab) so that it paints within a second of launch.
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
)


class SignInDialog(QDialog):
    """Asks for a username and password; says plainly what is happening and what went wrong."""

    sign_in_requested = Signal(str, str)
    demo_requested = Signal()

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("Fairfields Desktop — sign in")
        self.setObjectName("signInDialog")
        self.setMinimumWidth(380)

        title = QLabel("Fairfields Desktop")
        title.setObjectName("signInTitle")
        self.school_label = QLabel("Opening the school's database…")
        self.school_label.setObjectName("signInSchool")
        self.school_label.setWordWrap(True)

        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setAccessibleName("Username")
        self.username.setPlaceholderText("your username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)

        form = QFormLayout()
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)

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
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.demo_button)
        layout.addWidget(self.buttons)

        self.buttons.accepted.connect(self.on_sign_in_clicked)
        self.buttons.rejected.connect(self.reject)
        self.demo_button.clicked.connect(self.demo_requested)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.on_sign_in_clicked)
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

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.sign_in_button.setEnabled(not busy)
        self.demo_button.setEnabled(not busy)

    def reset(self) -> None:
        """Ready for the next person: the password is cleared, the username kept."""
        self.password.clear()
        self.message.clear()
        self.set_busy(False)
        (self.password if self.username.text() else self.username).setFocus()

    # --- slots ----------------------------------------------------------------------------------
    def on_sign_in_clicked(self) -> None:
        if self._busy:  # Enter in the password field and the default button both land here
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
