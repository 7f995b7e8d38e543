"""`salespipe backup` and `salespipe restore`: copies made with SQLite's online backup API.

A backup is consistent even while another salespipe writes (the API copies a snapshot, page by
page, under SQLite's own locking), is checked (``PRAGMA integrity_check``) before it is kept,
and is written through a temporary file (0600) renamed into place. A restore first checks the
file (a salespipe database, not newer than this salespipe, intact), keeps the current database
aside as a backup, then copies the file into the live database in one step.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from salespipe.domain.errors import InvalidValue, SalespipeError
from salespipe.services.files import check_output


@dataclass
class BackupResult:
    path: str
    bytes: int
    leads: int


def default_backup_path(database: Path, now: datetime) -> Path:
    """``backups/salespipe-YYYYMMDD-HHMMSS.db`` beside the database (``-2``, ``-3`` ... when
    that name is taken: a backup never replaces another)."""
    folder = database.parent / "backups"
    stem = f"salespipe-{now.strftime('%Y%m%d-%H%M%S')}"
    path, n = folder / f"{stem}.db", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.db"
    return path


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """``source`` into a new file at ``target`` (through a temporary file in its folder)."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        copy = sqlite3.connect(tmp)
        try:
            source.backup(copy)
            ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            copy.close()
        if ok != "ok":
            raise SalespipeError(f"the copy failed its integrity check ({ok}); nothing was kept")
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except OSError as exc:
        raise SalespipeError(f"cannot write {str(target)!r}: {exc.strerror}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def backup(conn: sqlite3.Connection, *, database: Path, target: Path) -> BackupResult:
    check_output(target, [database])
    _copy(conn, target)
    leads = int(conn.execute("SELECT count(*) FROM leads").fetchone()[0])
    return BackupResult(str(target), target.stat().st_size, leads)


def check_restorable(path: Path) -> int:
    """The number of leads in ``path`` if it can be restored; ``InvalidValue`` saying why not.
    The file is opened read-only and left as it is."""
    from salespipe.store.schema_version import SCHEMA_VERSION

    if not path.is_file():
        raise InvalidValue(f"{str(path)!r} is not a file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InvalidValue(f"cannot read {str(path)!r}: {exc}") from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "leads" not in tables or "_sqlite_migrations" not in tables or not conn.execute(
                "SELECT 1 FROM _sqlite_migrations WHERE migration_set = 'salespipe' LIMIT 1").fetchone():
            raise InvalidValue(f"{str(path)!r} is not a salespipe database")
        if version > SCHEMA_VERSION:
            raise InvalidValue(f"{str(path)!r} has schema version {version}, newer than this salespipe "
                               f"knows ({SCHEMA_VERSION}); upgrade salespipe")
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise InvalidValue(f"{str(path)!r} is damaged ({ok}); nothing was restored")
        return int(conn.execute("SELECT count(*) FROM leads").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise InvalidValue(f"{str(path)!r} is not a salespipe database ({exc})") from None
    finally:
        conn.close()


def restore(conn: sqlite3.Connection, *, database: Path, source: Path, aside: Path) -> int:
    """Copy ``source`` over the live database ``conn``; the current content goes to ``aside``."""
    if os.path.exists(database) and os.path.samefile(source, database):
        raise InvalidValue("that file is the database in use; nothing to restore")
    leads = check_restorable(source)
    _copy(conn, aside)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        src.backup(conn)
    finally:
        src.close()
    return leads
