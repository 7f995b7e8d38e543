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
from salespipe.store import backup as store


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
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as exc:
        raise SalespipeError(f"cannot write {str(target)!r}: {exc.strerror}") from None
    try:
        integrity = store.copy_to_file(source, tmp)
        if integrity != "ok":
            raise SalespipeError(f"the copy failed its integrity check ({integrity}); nothing was kept")
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        raise SalespipeError(f"cannot write {str(target)!r}: {getattr(exc, 'strerror', None) or exc}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def backup(conn: sqlite3.Connection, *, database: Path, target: Path) -> BackupResult:
    check_output(target, [database])
    if target.exists() and not target.is_file() and not target.is_dir():
        # the copy is renamed over its target: it would replace the device (/dev/null) itself
        raise SalespipeError(
            f"cannot back up to {str(target)!r}: it is not a file (a device, a pipe or a socket); give a file name"
        )
    _copy(conn, target)
    return BackupResult(str(target), target.stat().st_size, store.count_leads(conn))


def check_restorable(path: Path) -> int:
    """The number of leads in ``path`` if it can be restored; ``InvalidValue`` saying why not.
    The file is opened read-only and left as it is."""
    from salespipe.store.schema_version import SCHEMA_VERSION

    if not path.is_file():
        raise InvalidValue(f"{str(path)!r} is not a file")
    try:
        found = store.check_file(path)
    except sqlite3.DatabaseError as exc:
        raise InvalidValue(f"{str(path)!r} is not a salespipe database ({exc})") from None
    if not found.salespipe:
        raise InvalidValue(f"{str(path)!r} is not a salespipe database")
    if found.version > SCHEMA_VERSION:
        raise InvalidValue(
            f"{str(path)!r} has schema version {found.version}, newer than this salespipe "
            f"knows ({SCHEMA_VERSION}); upgrade salespipe"
        )
    if found.integrity != "ok":
        raise InvalidValue(f"{str(path)!r} is damaged ({found.integrity}); nothing was restored")
    return found.leads


def restore(conn: sqlite3.Connection, *, database: Path, source: Path, aside: Path) -> int:
    """Copy ``source`` over the live database ``conn``; the current content goes to ``aside``."""
    if database.exists() and os.path.samefile(source, database):
        raise InvalidValue("that file is the database in use; nothing to restore")
    leads = check_restorable(source)
    _copy(conn, aside)
    store.copy_into(conn, source)
    return leads
