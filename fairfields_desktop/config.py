"""Where things live: the data folder, the log folder, the settings file and the database URL.

`$FAIRFIELDS_HOME` overrides every folder (tests and portable installs use it).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

APP_NAME = "Fairfields Desktop"
APP_AUTHOR = "Fairfields"
DB_FILENAME = "fairfields.sqlite3"


def _platform_dir(kind: str) -> Path:
    import platformdirs

    getter = {"data": platformdirs.user_data_dir, "log": platformdirs.user_log_dir,
              "config": platformdirs.user_config_dir}[kind]
    return Path(getter(APP_NAME, APP_AUTHOR))


def home_override() -> Path | None:
    value = os.environ.get("FAIRFIELDS_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    home = home_override()
    return home / "data" if home else _platform_dir("data")


def log_dir() -> Path:
    home = home_override()
    return home / "logs" if home else _platform_dir("log")


LOG_FILE = "fairfields.log"


def log_file_path() -> str:
    """The rotating log file (the window names it in a bug's message, the command line in its errors)."""
    return str(log_dir() / LOG_FILE)


def config_dir() -> Path:
    home = home_override()
    return home / "config" if home else _platform_dir("config")


def settings_path() -> Path:
    return config_dir() / "settings.json"


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / DB_FILENAME}"


@dataclass
class LocalSettings:
    """Settings of this PC (not of the school): which database it uses, and where the automatic backup's
    second copy goes (a USB disk or a folder on the school server: the 3-2-1 habit)."""

    database_url: str | None = None
    second_backup_folder: str | None = None
    #: each user's day view on this PC: {"username": {"order": "school"|"busiest"|"chosen", "chosen": [names]}}
    day_views: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> LocalSettings:
        path = settings_path()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError):
            return cls()
        views = raw.get("day_views")
        return cls(database_url=raw.get("database_url") or None,
                   second_backup_folder=raw.get("second_backup_folder") or None,
                   day_views={k: v for k, v in views.items() if isinstance(v, dict)} if isinstance(views, dict) else {})

    def save(self) -> None:
        path = settings_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        raw: dict[str, Any] = {"database_url": self.database_url, "second_backup_folder": self.second_backup_folder}
        if self.day_views:
            raw["day_views"] = self.day_views
        tmp.write_text(json.dumps(raw, indent=2), encoding="utf-8")
        tmp.replace(path)


def day_view_of(username: str) -> dict[str, Any]:
    """How ``username`` arranged the day view's spaces on this PC ({} when they never did)."""
    return dict(LocalSettings.load().day_views.get(username) or {})


def keep_day_view(username: str, order: str, chosen: list[str]) -> None:
    """Keep ``username``'s day view arrangement on this PC (read fresh first: other settings stay)."""
    settings = LocalSettings.load()
    settings.day_views[username] = {"order": order, "chosen": list(chosen)}
    settings.save()


def resolve_database_url(cli_url: str | None = None) -> str:
    """`--db`, else `$FAIRFIELDS_DB`, else the settings file, else the embedded SQLite default."""
    return (cli_url or os.environ.get("FAIRFIELDS_DB") or LocalSettings.load().database_url
            or default_database_url())


def resources_dir() -> Path:
    """The `resources/` folder: beside the package in a checkout, inside the bundle when frozen."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def reports_dir() -> Path:
    """Where the window keeps the reports it prints in one action (the fire list): a PDF beside each print."""
    home = home_override()
    return home / "reports" if home else _platform_dir("data") / "reports"
