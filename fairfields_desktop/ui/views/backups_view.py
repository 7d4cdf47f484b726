"""Settings → Backups: the automatic backups kept, a backup now (off the UI thread, with a progress bar
and a cancel button), a restore after the file is checked (then everyone signs in again), and a second
destination for the automatic backups (a USB disk or the school server: the 3-2-1 habit)."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
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
from ..models.base import Column, FilterProxy, RowsModel, fit_columns, make_table
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
            f"database and read back before it is kept, 14 daily and 8 weekly copies in {where}. A backup on "
            "the same disk does not survive the disk: choose a second copy below (a USB disk or the school's "
            "server) and each automatic backup is copied there too, checked the same way.")
        intro.setWordWrap(True)
        self.model = RowsModel([
            Column("Made on", lambda b: day_text(b.made_on), lambda b: b.made_on),
            Column("Kind", lambda b: b.kind),
            Column("Size", lambda b: f"{b.size / 1_048_576:.1f} MB", lambda b: b.size),
            Column("File", lambda b: b.path.name),
        ], self)
        proxy = FilterProxy(self)
        proxy.setSourceModel(self.model)
        self.table = make_table(proxy, "Automatic backups", 0)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # the newest first
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
        self.second_label = QLabel("")
        self.second_label.setWordWrap(True)
        self.second_button = QPushButton("Second cop&y…")
        self.second_button.setToolTip("Choose a second folder (a USB disk, a folder on the school server) that "
                                      "takes a checked copy of each automatic backup")
        self.second_off_button = QPushButton("No second copy")
        self.second_off_button.setToolTip("Stop copying the automatic backups to the second folder")
        self.second_button.setEnabled(self.can_backup)
        self.health = QLabel("")
        self.health.setWordWrap(True)
        self.health.setObjectName("warning")
        self.backup_button.setEnabled(self.can_backup)
        self.restore_button.setEnabled(self.can_restore)
        row = QHBoxLayout()
        for widget in (self.backup_button, self.restore_button, self.progress, self.cancel_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.message)
        second = QHBoxLayout()
        second.addWidget(self.second_label, 1)
        second.addWidget(self.second_button)
        second.addWidget(self.second_off_button)
        layout.addLayout(second)
        layout.addWidget(self.health)
        layout.addWidget(self.table, 1)
        self._cancel = threading.Event()
        self._relay = _Progress(self)
        self._relay.moved.connect(self._on_progress)
        self.backup_button.clicked.connect(self.on_backup_clicked)
        self.restore_button.clicked.connect(self.on_restore_clicked)
        self.second_button.clicked.connect(self.on_second_clicked)
        self.second_off_button.clicked.connect(self.on_second_off_clicked)
        self.cancel_button.clicked.connect(self._cancel.set)
        self.running = False
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(self.services.backups.list_backups())
        fit_columns(self.table)
        health = self.services.backups.health()
        if health.second_folder is None:
            text = "Second copy: none. Choose a USB disk or a folder on the school server for a second copy."
        else:
            text = f"Second copy of each automatic backup: {health.second_folder}"
            if health.second_copied:
                text += f" (last copied {day_text(health.second_copied.date())} {health.second_copied:%H:%M})"
        self.second_label.setText(text)
        self.second_off_button.setEnabled(self.can_backup and health.second_folder is not None)
        self.health.setText("\n".join(w[:1].upper() + w[1:] + "." for w in health.warnings))
        self.health.setVisible(bool(health.warnings))

    # --- asking (tests replace these) ----------------------------------------------------------------
    def ask_backup_file(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, "Back up the database to", "fairfields-backup.fdb",
                                              "Fairfields backups (*.fdb);;All files (*)")
        return Path(name) if name else None

    def ask_restore_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, "Restore the database from", "",
                                              "Fairfields backups (*.fdb *.sqlite3);;All files (*)")
        return Path(name) if name else None

    def ask_second_folder(self) -> Path | None:
        name = QFileDialog.getExistingDirectory(self, "A second folder for the automatic backups")
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
        self.second_button.setEnabled(self.can_backup and not busy)
        self.restore_button.setEnabled(self.can_restore and not busy)
        self.message.setText(text)

    # --- the second destination -------------------------------------------------------------------------
    def on_second_clicked(self) -> None:
        folder = self.ask_second_folder()
        if folder is not None:
            self._set_second(folder)

    def on_second_off_clicked(self) -> None:
        self._set_second(None)

    def _set_second(self, folder: Path | None) -> None:
        self._busy(True, "Copying the backups to the second folder…" if folder else "")
        services, actor = self.services, self.actor
        run_in_background(lambda: services.backups.set_second_folder(actor, folder),
                          lambda _none: self._second_set(folder), self._failed)

    def _second_set(self, folder: Path | None) -> None:
        self._busy(False, f"The automatic backups are copied to {folder} as well." if folder
                   else "The automatic backups are no longer copied to a second folder.")
        self.reload()

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
