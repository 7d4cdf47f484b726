"""The 3-2-1 habit: the automatic backup copied to a second folder and checked there; what the
administrator is warned about when copies are missing, old or failing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed
from fairfields_desktop.services.backups import BackupHealth


class TestSecondFolder:
    def test_each_daily_backup_is_copied_and_checked(self, sqlite_school, actor, tmp_path):
        admin = actor(sqlite_school, "admin")
        server = tmp_path / "server"
        server.mkdir()
        said = sqlite_school.backups.set_second_folder(admin, server)
        assert said.startswith(f"Each automatic backup will be copied to {server} and checked there.")
        assert "same disk" in said  # a temporary folder is on the database's disk: the caution is given
        made = sqlite_school.backups.daily()
        copy = server / "fairfields-school" / made.path.name
        assert copy.read_bytes() == made.path.read_bytes()
        health = sqlite_school.backups.health()
        assert health.second_error is None and health.second_copied is not None and health.last_verified
        assert health.warnings(sqlite_school.clock.now()) == []

    def test_a_copy_that_does_not_check_out_is_not_kept(self, sqlite_school, actor, tmp_path, monkeypatch):
        admin = actor(sqlite_school, "admin")
        server = tmp_path / "server"
        server.mkdir()
        sqlite_school.backups.set_second_folder(admin, server)
        from fairfields_desktop.services import backups as module

        real = module._file_counts
        monkeypatch.setattr(module, "_file_counts",  # the copy reads back one row short
                            lambda path, key: {**real(path, key), "pupils": -1} if path.name.endswith(".part")
                            else real(path, key))
        assert sqlite_school.backups.daily() is not None  # the backup on this PC stands
        assert list((server / "fairfields-school").iterdir()) == []  # no copy, no .part left behind
        health = sqlite_school.backups.health()
        assert "does not hold what" in health.second_error
        monkeypatch.setattr(module, "_file_counts", real)
        with pytest.raises(InvalidInput, match="a folder it may write in|not there"):
            sqlite_school.backups.set_second_folder(admin, tmp_path / "missing")
        assert sqlite_school.backups.copy_to_second_folder(actor=admin) is not None  # tried again by hand
        assert sqlite_school.backups.health().second_error is None

    def test_only_an_administrator_sets_it(self, sqlite_school, actor, tmp_path):
        with pytest.raises(NotAllowed):
            sqlite_school.backups.set_second_folder(actor(sqlite_school, "hcarter"), tmp_path)

    def test_a_relative_or_missing_folder_is_refused_by_name(self, sqlite_school, actor, tmp_path):
        admin = actor(sqlite_school, "admin")
        with pytest.raises(InvalidInput, match="second backup folder: give the whole path"):
            sqlite_school.backups.set_second_folder(admin, "usb")
        with pytest.raises(InvalidInput, match="plug the disk in"):
            sqlite_school.backups.set_second_folder(admin, tmp_path / "nowhere")


class TestWarnings:
    NOW = datetime(2026, 11, 23, 9, 0)

    def health(self, **changes) -> BackupHealth:  # noqa: ANN003
        values = dict(automatic=True, last_verified=self.NOW - timedelta(hours=3), second_folder=None,
                      second_copied=None, second_error=None)
        values.update(changes)
        return BackupHealth(**values)

    def test_what_is_said(self, tmp_path):
        assert self.health(second_folder=tmp_path, second_copied=self.NOW).warnings(self.NOW) == []
        assert self.health(automatic=False).warnings(self.NOW) == []  # PostgreSQL: the server's backups
        assert "none is newer than a day" in self.health(
            last_verified=self.NOW - timedelta(days=2), second_folder=tmp_path,
            second_copied=self.NOW).warnings(self.NOW)[0]
        assert "No backup of this database has been made and checked yet" in self.health(
            last_verified=None, second_folder=tmp_path, second_copied=self.NOW).warnings(self.NOW)[0]
        assert self.health().warnings(self.NOW)[0].startswith("Backups are kept on this PC's disk only")
        assert "is the disk plugged in" in self.health(
            second_folder=tmp_path, second_copied=self.NOW - timedelta(days=3)).warnings(self.NOW)[0]
        assert "failed: no room" in self.health(second_folder=tmp_path, second_error="no room").warnings(self.NOW)[0]
