"""Errors in the window's words: a known error says what to do, a bug says where its details are."""

from __future__ import annotations

import logging

log = logging.getLogger("fairfields_desktop.ui.launch")  # the logger these messages always went to


def explain(exc: BaseException) -> str:
    """A known error's own message; for a bug, where the details are."""
    from ..domain.errors import FairfieldsError

    if isinstance(exc, FairfieldsError):
        return str(exc)
    log.error("unexpected failure", exc_info=(type(exc), exc, exc.__traceback__))
    from ..config import log_file_path

    return f"Something went wrong that should not have (a bug). Details are in {log_file_path()}."
