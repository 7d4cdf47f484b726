"""Settings → Backups: the automatic backups kept, a backup now (off the UI thread, with a progress bar
and a cancel button), and a restore after the file is checked (then everyone signs in again)."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.checks import day_text
from ...domain.errors import Cancelled, FairfieldsError
from ...domain.permissions import allowed
from ..shortcuts import add_shortcut
from ..models.base import Column, RowsModel, fit_columns, make_table
from ..workers import run_in_background


class _Progress(QObject):
    moved = Signal(int, int)


class BackupsTab(QWidget):
    restored = Signal()  # the database was replaced: the window signs everyone out

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.can_backup = allowed(actor.roles, "backup.run")
        self.can_restore = allowed(actor.roles, "backup.restore")
        where = services.backups.folder()
        intro = QLabel(
            f"An automatic backup is made at the first start of each day (SQLite), encrypted like the "
            f"database and checked before it is kept, 14 daily and 8 weekly copies in {where}. A backup on the "
            "same disk does not survive the disk: choose a second folder below (a USB disk or the school's "
            "server), and each automatic backup is copied there too and checked.")
        intro.setWordWrap(True)
        self.model = RowsModel([
            Column("Made on", lambda b: day_text(b.made_on), lambda b: b.made_on),
            Column("Kind", lambda b: b.kind),
            Column("Size", lambda b: f"{b.size / 1_048_576:.1f} MB", lambda b: b.size),
            Column("File", lambda b: b.path.name),
        ], self)
        self.table = make_table(self.model, "Automatic backups", None)
        self.backup_button = QPushButton("Bac&k up now…")
        self.backup_button.setToolTip("Write a backup of the whole database to a file you choose")
        self.restore_button = QPushButton("R&estore…")
        self.restore_button.setToolTip("Put a backup back, after checking it; the database it replaces is kept")
        self.cancel_button = QPushButton("Cancel")
        add_shortcut(self.cancel_button, "Esc", "Stop the backup or restore under way; nothing is changed")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Backup progress")
        self.progress.setVisible(False)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.backup_button.setEnabled(self.can_backup)
        self.restore_button.setEnabled(self.can_restore)
        row = QHBoxLayout()
        for widget in (self.backup_button, self.restore_button, self.progress, self.cancel_button):
            row.addWidget(widget)
        row.addStretch(1)
        # the 3-2-1 habit: a second copy of each automatic backup elsewhere, checked there
        self.second_label = QLabel("")
        self.second_label.setWordWrap(True)
        self.second_label.setAccessibleName("Second backup folder")
        self.second_button = QPushButton("Second &folder…")
        self.second_button.setToolTip("Choose a folder on a USB disk or the school's server: each automatic "
                                      "backup is copied there too and checked (Alt+F)")
        self.copy_second_button = QPushButton("Cop&y there now")
        self.copy_second_button.setToolTip("Copy the newest automatic backup to the second folder now and check it "
                                           "(Alt+Y)")
        self.stop_second_button = QPushButton("Stop copying")
        self.stop_second_button.setToolTip("Keep the backups on this PC only (not recommended)")
        for button in (self.second_button, self.copy_second_button, self.stop_second_button):
            button.setEnabled(self.can_backup)
        second_row = QHBoxLayout()
        for widget in (self.second_button, self.copy_second_button, self.stop_second_button):
            second_row.addWidget(widget)
        second_row.addStretch(1)
        self.health_label = QLabel("")
        self.health_label.setWordWrap(True)
        self.health_label.setAccessibleName("State of the backups")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.health_label)
        layout.addLayout(row)
        layout.addWidget(self.second_label)
        layout.addLayout(second_row)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self._cancel = threading.Event()
        self._relay = _Progress(self)
        self._relay.moved.connect(self._on_progress)
        self.backup_button.clicked.connect(self.on_backup_clicked)
        self.restore_button.clicked.connect(self.on_restore_clicked)
        self.cancel_button.clicked.connect(self._cancel.set)
        self.second_button.clicked.connect(self.on_second_folder_clicked)
        self.copy_second_button.clicked.connect(self.on_copy_second_clicked)
        self.stop_second_button.clicked.connect(self.on_stop_second_clicked)
        self.running = False
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(self.services.backups.list_backups())
        fit_columns(self.table)
        self.show_health()

    def show_health(self) -> None:
        backups = self.services.backups
        health = backups.health()
        folder = health.second_folder
        if folder is None:
            self.second_label.setText("Second copy: none. Each automatic backup stays on this PC's disk only.")
        elif health.second_error:
            self.second_label.setText(f"Second copy to {folder}: the last copy failed: {health.second_error}")
        elif health.second_copied:
            self.second_label.setText(f"Second copy to {folder}: the last one was made and checked on "
                                      f"{health.second_copied:%d %b %Y at %H:%M}.")
        else:
            self.second_label.setText(f"Second copy to {folder}: none made yet.")
        self.copy_second_button.setEnabled(self.can_backup and folder is not None and not self.running)
        self.stop_second_button.setEnabled(self.can_backup and folder is not None and not self.running)
        if not health.automatic:
            self.health_label.setText("This database is on a PostgreSQL server: the server's own backups keep it "
                                      "(see the README); a backup made here is a full copy you choose where to keep.")
            return
        warnings = health.warnings(self.services.clock.now())
        if warnings:
            self.health_label.setText(" ".join(warnings))
        elif health.last_verified:
            self.health_label.setText(f"The newest backup was made and checked on "
                                      f"{health.last_verified:%d %b %Y at %H:%M}, and has a second copy elsewhere.")

    def ask_second_folder(self) -> str | None:
        name = QFileDialog.getExistingDirectory(self, "Copy each automatic backup to this folder too")
        return name or None

    def on_second_folder_clicked(self) -> None:
        folder = self.ask_second_folder()
        if folder is None:
            return
        try:
            said = self.services.backups.set_second_folder(self.actor, folder)
        except FairfieldsError as exc:
            self.message.setText(f"Not set: {exc}")
            return
        self.message.setText(said)
        self.on_copy_second_clicked()

    def on_copy_second_clicked(self) -> None:
        if not self.services.backups.list_backups():
            self.message.setText(self.message.text() + " There is no automatic backup to copy yet.")
            self.show_health()
            return
        self._busy(True, "Copying the newest backup to the second folder…")
        services, actor = self.services, self.actor
        run_in_background(lambda: services.backups.copy_to_second_folder(actor=actor), self._copied, self._failed)

    def _copied(self, target: Path | None) -> None:
        self._busy(False, f"Copied to {target} and checked." if target else "Nothing was copied.")
        self.reload()

    def on_stop_second_clicked(self) -> None:
        try:
            self.message.setText(self.services.backups.set_second_folder(self.actor, None))
        except FairfieldsError as exc:
            self.message.setText(f"Not changed: {exc}")
        self.show_health()

    # --- asking (tests replace these) ----------------------------------------------------------------
    def ask_backup_file(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, "Back up the database to", "fairfields-backup.fdb",
                                              "Fairfields backups (*.fdb);;All files (*)")
        return Path(name) if name else None

    def ask_restore_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, "Restore the database from", "",
                                              "Fairfields backups (*.fdb *.sqlite3);;All files (*)")
        return Path(name) if name else None

    def confirm_restore(self, path: Path) -> bool:
        answer = QMessageBox.question(
            self, "Restore the database",
            f"Replace the whole database with the backup {path.name}? Everything changed since that backup "
            "is replaced (the current database is kept beside it). Everyone must sign in again.")
        return answer == QMessageBox.StandardButton.Yes

    # --- backing up ----------------------------------------------------------------------------------
    def on_backup_clicked(self) -> None:
        target = self.ask_backup_file()
        if target is None:
            return
        self._cancel.clear()
        self._busy(True, "Backing up…")
        services, actor, relay, cancel = self.services, self.actor, self._relay, self._cancel

        def job() -> Path:
            def progress(done: int, total: int) -> bool:
                relay.moved.emit(done, total)
                return not cancel.is_set()

            return services.backups.backup(actor, target, progress=progress)

        run_in_background(job, self._backup_done, self._failed)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _backup_done(self, target: Path) -> None:
        self._busy(False, f"Backup written to {target}.")
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self._busy(False, "The backup was cancelled: nothing was kept.")
        elif isinstance(exc, FairfieldsError):
            self._busy(False, f"Not done: {exc}")
        else:
            self._busy(False, f"Not done: an unexpected error ({type(exc).__name__}); see the log.")

    def _busy(self, busy: bool, text: str) -> None:
        self.running = busy
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)
        self.cancel_button.setEnabled(busy)
        self.backup_button.setEnabled(self.can_backup and not busy)
        self.restore_button.setEnabled(self.can_restore and not busy)
        self.second_button.setEnabled(self.can_backup and not busy)
        self.message.setText(text)
        if not busy:
            self.show_health()

    # --- restoring -----------------------------------------------------------------------------------
    def on_restore_clicked(self) -> None:
        source = self.ask_restore_file()
        if source is None:
            return
        try:
            self.services.backups.check(source)
        except FairfieldsError as exc:
            self.message.setText(f"Not restored: {exc}")
            return
        if not self.confirm_restore(source):
            return
        self._busy(True, "Restoring…")
        services, actor = self.services, self.actor
        run_in_background(lambda: services.backups.restore(actor, source), self._restored, self._failed)

    def _restored(self, kept: Path | None) -> None:
        self._busy(False, "Restored." + (f" The database it replaced is kept as {kept}." if kept else ""))
        self.restored.emit()
