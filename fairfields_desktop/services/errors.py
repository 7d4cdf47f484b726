"""The database's own troubles, as the services let them out (translated once, where sessions open, in
store/database.py): the window and the command line name them from here, never from the store."""

from __future__ import annotations

from ..store.database import ConcurrentChange, DatabaseBusy, DatabaseError, DatabaseUnavailable

__all__ = ["ConcurrentChange", "DatabaseBusy", "DatabaseError", "DatabaseUnavailable"]
