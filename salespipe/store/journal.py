"""The change journal behind `salespipe undo` and `salespipe history`.

Triggers on the journaled tables (see ``migrations.create_row_image_triggers``) record each
row change as data: table, operation and rowid in ``undo_log``, the old values in
``undo_values``, under the command that is running (``journal_state.change_id``). A command
opens its change with ``begin`` and closes it with ``end`` inside its own transaction, so the
journal and the change commit or roll back together.

``revert`` builds the reverting statements in code, for salespipe's own tables and their real
columns only; nothing read from the database file is ever run as SQL (a received file could
carry planted undo data).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from salespipe.domain.errors import SalespipeError

# The tables undo may touch (the journaled ones; migrations.JOURNALED).
TABLES = (
    "leads",
    "stage_events",
    "activities",
    "tasks",
    "lead_criteria",
    "stages",
    "settings",
    "targets",
    "rules",
    "rule_runs",
    "estimate_history",
    "forecast_snapshots",
    "orgs",
    "people",
    "surveys",
)


if TYPE_CHECKING:
    from salespipe.domain.records import Change


def begin(conn: sqlite3.Connection, command: str, at: str) -> int:
    """Start recording a change; changes past the retention (``services.privacy``) are forgotten."""
    _prune(conn, at)
    change_id = int(conn.execute("INSERT INTO changes (command, at) VALUES (?, ?)", (command, at)).lastrowid or 0)
    conn.execute("UPDATE journal_state SET change_id = ?", (change_id,))
    return change_id


def _prune(conn: sqlite3.Connection, at: str) -> None:
    from datetime import datetime, timedelta

    from salespipe.store.privacy import DEFAULT_DAYS, DEFAULT_KEEP, prune_journal

    def setting(key: str, default: int) -> int:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        text = str(row[0]) if row else ""
        if text.isascii() and text.isdigit() and 1 <= int(text) <= 1_000_000:
            return int(text)
        return default  # a bad value: the default

    since = datetime.fromisoformat(at.replace("Z", "+00:00")) - timedelta(days=setting("journal.days", DEFAULT_DAYS))
    prune_journal(conn, keep=setting("journal.keep", DEFAULT_KEEP) - 1, since=since.strftime("%Y-%m-%dT%H:%M:%SZ"))


def current(conn: sqlite3.Connection) -> int | None:
    """The change being recorded, or None."""
    return conn.execute("SELECT change_id FROM journal_state").fetchone()[0]


def end(conn: sqlite3.Connection) -> None:
    """Stop recording; a command that changed nothing leaves no entry."""
    change_id = current(conn)
    conn.execute("UPDATE journal_state SET change_id = NULL")
    if (
        change_id is not None
        and not conn.execute("SELECT 1 FROM undo_log WHERE change_id = ? LIMIT 1", (change_id,)).fetchone()
    ):
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


RECORDING = "(SELECT change_id FROM journal_state) IS NOT NULL"


def insert_trigger_sql(table: str) -> str:
    """The journal's INSERT trigger on ``table`` (one of TABLES), as the migrations create it."""
    return (
        f"CREATE TRIGGER journal_{table}_insert AFTER INSERT ON {table} WHEN {RECORDING} BEGIN "
        "INSERT INTO undo_log (change_id, tbl, op, row_id) "
        f"VALUES ((SELECT change_id FROM journal_state), '{table}', 'insert', new.rowid); END"
    )


def drop_insert_triggers(conn: sqlite3.Connection, tables: tuple[str, ...] = ("leads", "stage_events")) -> list[str]:
    """For a bulk insert that the caller journals as one range (``record_inserted_range``) and
    that writes nothing else to ``tables``: their INSERT triggers are dropped, so none runs per
    row, inside the caller's transaction (a failure rolls the drop back). Returns the tables
    for ``restore_insert_triggers``, which makes them again from code."""
    for table in tables:
        conn.execute(f"DROP TRIGGER journal_{table}_insert")
    return list(tables)


def restore_insert_triggers(conn: sqlite3.Connection, tables: list[str]) -> None:
    for table in tables:
        conn.execute(insert_trigger_sql(table))


def record_inserted_range(conn: sqlite3.Connection, change_id: int | None, table: str, first: int, end: int) -> None:
    """A bulk insert of rowids ``first`` .. ``end - 1`` (undo deletes them in one statement)."""
    if change_id is not None and end > first:
        conn.execute(
            "INSERT INTO undo_log (change_id, tbl, op, row_id, row_id_end) VALUES (?, ?, 'insert_range', ?, ?)",
            (change_id, table, first, end),
        )


def summary(conn: sqlite3.Connection, change_id: int) -> dict[str, int]:
    """How many rows per table the change touched (what undoing it will revert): a row
    changed several times in one command (a lead edited, then relinked) counts once."""
    counts: Counter[str] = Counter()
    single: set[tuple[str, int]] = set()
    for table, op, first, end in conn.execute(
        "SELECT tbl, op, row_id, row_id_end FROM undo_log WHERE change_id = ?", (change_id,)
    ):
        if op == "insert_range":
            counts[str(table)] += int(end) - int(first)
        elif (str(table), int(first)) not in single:
            single.add((str(table), int(first)))
            counts[str(table)] += 1
    return dict(counts)


def history(conn: sqlite3.Connection, limit: int) -> list[Change]:
    rows = conn.execute("SELECT id, command, at FROM changes ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [{"id": r["id"], "at": r["at"], "command": r["command"], "rows": summary(conn, r["id"])} for r in rows]


def last(conn: sqlite3.Connection) -> Change | None:
    changes = history(conn, 1)
    return changes[0] if changes else None


def revert(conn: sqlite3.Connection, change_id: int) -> None:
    """Revert the change newest row first, without recording, and forget it. Foreign keys are
    checked at commit, after every row is back. Undo data that names another table, a column
    the table does not have or an unknown operation is refused, and nothing is reverted."""
    conn.execute("PRAGMA defer_foreign_keys = ON")
    entries = conn.execute(
        "SELECT id, tbl, op, row_id, row_id_end FROM undo_log WHERE change_id = ? ORDER BY id DESC", (change_id,)
    ).fetchall()
    columns = {t: [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')] for t in TABLES}
    statements = [_statement(conn, columns, *entry) for entry in entries]
    with paused(conn):
        for sql, params in statements:
            conn.execute(sql, params)
    conn.execute("DELETE FROM changes WHERE id = ?", (change_id,))


def _statement(
    conn: sqlite3.Connection,
    columns: dict[str, list[str]],
    entry_id: int,
    table: Any,
    op: Any,
    row_id: Any,
    row_id_end: Any,
) -> tuple[str, tuple[Any, ...]]:
    if table not in columns or not isinstance(row_id, int):
        raise SalespipeError(
            f"the undo data of this change names {table!r}, which is not a salespipe "
            "table; nothing was undone (the database file may have been tampered with)"
        )
    name = f'"{table}"'  # one of TABLES: no quoting problem
    if op == "insert":
        return f"DELETE FROM {name} WHERE rowid = ?", (row_id,)
    if op == "insert_range" and isinstance(row_id_end, int):
        return f"DELETE FROM {name} WHERE rowid >= ? AND rowid < ?", (row_id, row_id_end)
    if op not in ("update", "delete"):
        raise SalespipeError(f"the undo data of this change holds an unknown operation {op!r}; nothing was undone")
    image = dict(conn.execute("SELECT col, value FROM undo_values WHERE entry_id = ?", (entry_id,)).fetchall())
    known = columns[table]
    if not image or set(image) - set(known):
        raise SalespipeError(
            f"the undo data of this change names columns that {table} does not have; "
            "nothing was undone (the database file may have been tampered with)"
        )
    cols = [c for c in known if c in image]  # the real column names, in the table's order
    values = tuple(image[c] for c in cols)
    if op == "update":
        assignments = ", ".join(f'"{c}" = ?' for c in cols)
        return f"UPDATE {name} SET {assignments} WHERE rowid = ?", (*values, row_id)
    return (
        f"INSERT INTO {name} (rowid, {', '.join(chr(34) + c + chr(34) for c in cols)}) "
        f"VALUES (?, {', '.join('?' for _ in cols)})",
        (row_id, *values),
    )
