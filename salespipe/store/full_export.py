"""Reading and writing whole tables for `export --all` (the only SQL of that feature)."""

from __future__ import annotations

import sqlite3
from typing import Any

from salespipe.store.journal import TABLES as JOURNALED

# In the order they are written and restored (parents before children).
TABLES = (
    "stages",
    "settings",
    "targets",
    "rules",
    "orgs",
    "people",
    "leads",
    "stage_events",
    "activities",
    "tasks",
    "lead_criteria",
    "rule_runs",
    "estimate_history",
    "forecast_snapshots",
    "surveys",
)
assert set(TABLES) == set(JOURNALED)
MAX_ROWID = 2**63 - 1


def read_tables(conn: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, with its rowid as ``_rowid`` (rows come back in the same places)."""
    return {
        table: [dict(r) for r in conn.execute(f"SELECT rowid AS _rowid, * FROM {table} ORDER BY rowid")]
        for table in TABLES
    }


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def is_fresh(conn: sqlite3.Connection) -> bool:
    """A database nothing was done in yet: no leads, no targets, no recorded change."""
    return not any(
        conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() for table in ("leads", "targets", "changes")
    )


def replace_tables(conn: sqlite3.Connection, tables: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Empty salespipe's tables and insert ``tables`` (already checked: known tables and
    columns, plain values); values are bound, never spliced into SQL. References are checked
    after every row is in (all of them: leads.stage, leads.org_id, leads.person_id,
    people.org_id ...), so a dangling one is counted, not an error of the first insert."""
    conn.execute("PRAGMA defer_foreign_keys = ON")  # until the commit, which a broken file never reaches
    for table in reversed(TABLES):
        conn.execute(f"DELETE FROM {table}")
    counts = {}
    for table in TABLES:
        rows = tables.get(table, [])
        for row in rows:
            names = ["rowid" if c == "_rowid" else c for c in row]
            conn.execute(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})", list(row.values())
            )
        counts[table] = len(rows)
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    return {**counts, "_broken_references": len(problems)}
