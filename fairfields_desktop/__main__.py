"""Entry point: logging, the excepthook, then the command line or the window."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from datetime import date

from .config import LOG_FILE, log_file_path

__all__ = ["LOG_FILE", "log_file_path", "main", "setup_logging"]


def setup_logging() -> None:
    """Log to a rotating file in the user's log folder (ids only, never names or notes)."""
    from .config import log_dir

    root = logging.getLogger()
    if any(getattr(h, "_fairfields", False) for h in root.handlers):
        return
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / LOG_FILE, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._fairfields = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    setup_logging()
    from .cli.main import run

    return run(argv if argv is not None else sys.argv[1:], log_path=log_file_path, window=run_window)


def run_window(db_url: str | None, today: date | None, demo: bool = False) -> int:
    """The `gui` command: the window (ui/launch.py), handed to the command line, which never imports Qt."""
    from .ui.launch import run_window as run

    return run(db_url, today, demo=demo)


if __name__ == "__main__":
    sys.exit(main())
