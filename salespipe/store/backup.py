"""SQLite's online backup API, and read-only checks of a database file (backup, restore)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import NamedTuple


class FileCheck(NamedTuple):
    salespipe: bool  # a salespipe database (its migrations are recorded)
    version: int  # PRAGMA user_version
    integrity: str  # "ok", or what PRAGMA integrity_check found
    leads: int


def read_only(path: Path) -> sqlite3.Connection:
    """``path`` opened read-only (``#``, ``?`` and ``%`` in the name escaped in the URI)."""
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)


def copy_to_file(source: sqlite3.Connection, target: str) -> str:
    """A consistent snapshot of ``source`` into the new file ``target``, in rollback-journal mode
    (one self-contained file); returns its integrity check ("ok" when sound)."""
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        copy.execute("PRAGMA journal_mode = DELETE")
        return str(result)
    finally:
        copy.close()


def check_file(path: Path) -> FileCheck:
    conn = read_only(path)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        ours = (
            "leads" in tables
            and "_sqlite_migrations" in tables
            and conn.execute("SELECT 1 FROM _sqlite_migrations WHERE migration_set = 'salespipe' LIMIT 1").fetchone()
            is not None
        )
        if not ours:
            return FileCheck(False, version, "", 0)
        integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        leads = int(conn.execute("SELECT count(*) FROM leads").fetchone()[0])
        return FileCheck(True, version, integrity, leads)
    finally:
        conn.close()


def copy_into(conn: sqlite3.Connection, source: Path) -> None:
    """Replace the database behind ``conn`` with the file ``source``, in one step."""
    src = read_only(source)
    try:
        src.backup(conn)
    finally:
        src.close()


def count_leads(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM leads").fetchone()[0])
