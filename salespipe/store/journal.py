"""The change journal behind `salespipe undo` and `salespipe history`.

Triggers on the journaled tables (see ``migrations.create_journal_triggers``) write the SQL
that reverts each row change into ``undo_log``, under the command that is running
(``journal_state.change_id``). A command opens its change with ``begin`` and closes it with
``end`` inside its own transaction, so the journal and the change commit or roll back together.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_TABLE_RE = re.compile(r"^(?:DELETE FROM|UPDATE|INSERT INTO) (\w+)")


def begin(conn: sqlite3.Connection, command: str, at: str) -> int:
    change_id = int(conn.execute("INSERT INTO changes (command, at) VALUES (?, ?)", (command, at)).lastrowid or 0)
    conn.execute("UPDATE journal_state SET change_id = ?", (change_id,))
    return change_id


def current(conn: sqlite3.Connection) -> int | None:
    """The change being recorded, or None."""
    return conn.execute("SELECT change_id FROM journal_state").fetchone()[0]


def end(conn: sqlite3.Connection) -> None:
    """Stop recording; a command that changed nothing leaves no entry."""
    change_id = current(conn)
    conn.execute("UPDATE journal_state SET change_id = NULL")
    if change_id is not None and not conn.execute(
            "SELECT 1 FROM undo_log WHERE change_id = ? LIMIT 1", (change_id,)).fetchone():
        conn.execute("DELETE FROM changes WHERE id = ?", (change_id,))


@contextmanager
def paused(conn: sqlite3.Connection) -> Iterator[int | None]:
    """Stop row-by-row recording (a bulk write records one statement of its own instead)."""
    change_id = current(conn)
    conn.execute("UPDATE journal_state SET change_id = NULL")
    try:
        yield change_id
    finally:
        conn.execute("UPDATE journal_state SET change_id = ?", (change_id,))


def record(conn: sqlite3.Connection, change_id: int | None, sql: str) -> None:
    if change_id is not None:
        conn.execute("INSERT INTO undo_log (change_id, sql) VALUES (?, ?)", (change_id, sql))


def summary(conn: sqlite3.Connection, change_id: int) -> dict[str, int]:
    """How many row changes per table the change made (what undoing it will revert)."""
    counts: Counter[str] = Counter()
    for (sql,) in conn.execute("SELECT sql FROM undo_log WHERE change_id = ?", (change_id,)):
        m = _TABLE_RE.match(sql)
        counts[m.group(1) if m else "?"] += 1
    return dict(counts)


def history(conn: sqlite3.Connection, limit: int) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT id, command, at FROM changes ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [{**dict(r), "rows": summary(conn, r["id"])} for r in rows]


def last(conn: sqlite3.Connection) -> dict[str, Any] | None:
    row = conn.execute("SELECT id, command, at FROM changes ORDER BY id DESC LIMIT 1").fetchone()
    return {**dict(row), "rows": summary(conn, row["id"])} if row else None


def revert(conn: sqlite3.Connection, change_id: int) -> None:
    """Run the change's undo SQL newest first, without recording, and forget the change.
    Foreign keys are checked at commit, after every row is back."""
    conn.execute("PRAGMA defer_foreign_keys = ON")
    with paused(conn):
        for (sql,) in conn.execute("SELECT sql FROM undo_log WHERE change_id = ? ORDER BY id DESC",
                                   (change_id,)).fetchall():
            conn.execute(sql)
    conn.execute("DELETE FROM undo_log WHERE change_id = ?", (change_id,))
    conn.execute("DELETE FROM changes WHERE id = ?", (change_id,))
