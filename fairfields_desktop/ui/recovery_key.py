"""The database's recovery key, shown once when the key is made, to be printed and kept safe; and the
question for it when this computer's keyring has lost the key."""

from __future__ import annotations

from PySide6.QtGui import QFont, QGuiApplication, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class RecoveryKeyDialog(QDialog):
    """Shows a new recovery key once; closing needs the box "I have printed it or stored it safely"."""

    def __init__(self, recovery_key: str, where: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("The database's recovery key")
        self.recovery_key = recovery_key
        intro = QLabel(
            f"The school's records in {where} are encrypted. This computer's keyring holds the key; if the "
            "keyring is ever lost (a new user profile, a rebuilt PC), only this recovery key opens the "
            "database. Print it now and keep it somewhere safe, away from the computer (the school safe). "
            "It is shown only this once.")
        intro.setWordWrap(True)
        self.key_label = QLabel(recovery_key)
        self.key_label.setObjectName("recoveryKey")
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(font.pointSize() + 4)
        self.key_label.setFont(font)
        self.key_label.setAccessibleName("Recovery key")
        self.key_label.setTextInteractionFlags(self.key_label.textInteractionFlags().TextSelectableByMouse)
        self.print_button = QPushButton("&Print…")
        self.copy_button = QPushButton("&Copy")
        self.stored = QCheckBox("I have printed it or stored it &safely")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.key_label)
        layout.addWidget(self.print_button)
        layout.addWidget(self.copy_button)
        layout.addWidget(self.stored)
        layout.addWidget(self.buttons)
        self.stored.toggled.connect(self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled)
        self.buttons.accepted.connect(self.accept)
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(recovery_key))
        self.print_button.clicked.connect(self.on_print_clicked)

    def reject(self) -> None:  # Escape does not dismiss it before it is stored
        if self.stored.isChecked():
            super().reject()

    def document(self) -> QTextDocument:
        doc = QTextDocument()
        doc.setHtml("<h2>Fairfields Desktop: the database's recovery key</h2>"
                    f"<p style='font-family: monospace; font-size: 18pt'>{self.recovery_key}</p>"
                    "<p>Keep this sheet in a safe place. Type the key when the app asks for it, or give it in "
                    "the FAIRFIELDS_DB_KEY environment variable.</p>")
        return doc

    def print_to(self, printer: QPrinter) -> None:
        self.document().print_(printer)

    def on_print_clicked(self) -> None:
        printer = QPrinter()
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)


def ask_recovery_key(parent: QWidget | None, why: str) -> str | None:
    """Ask for the recovery key (None when the person cancels)."""
    text, ok = QInputDialog.getText(parent, "Recovery key needed", f"{why}\n\nType the recovery key:",
                                    QLineEdit.EchoMode.Normal)
    return text if ok and text.strip() else None
