"""``undo``: the last change, and reverting it as a whole."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from salespipe.domain.errors import NotFound
from salespipe.store import journal

if TYPE_CHECKING:
    from salespipe.domain.records import Change


def last_change(conn: sqlite3.Connection) -> Change:
    change = journal.last(conn)
    if change is None:
        raise NotFound("nothing to undo: no change recorded yet")
    return change


def undo(conn: sqlite3.Connection, change_id: int) -> None:
    """Revert change ``change_id``, which must still be the last one (the person was shown it
    and may have been asked while another command ran)."""
    latest = journal.last(conn)
    if latest is None or latest["id"] != change_id:
        raise NotFound("the history changed while you were asked; run salespipe undo again")
    journal.revert(conn, change_id)


def history(conn: sqlite3.Connection, limit: int) -> list[Change]:
    """The latest changes, newest first: what undo would revert."""
    return journal.history(conn, limit)
