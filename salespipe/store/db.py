"""Finding, opening and migrating the database file.

Opening is on every command's hot path, so it uses the standard library's ``sqlite3`` and reads
``PRAGMA user_version`` (the number of migrations applied). Only when that is behind does it
import the sqlite-utils migration machinery (``salespipe.store.migrations``).

The journal is WAL with ``synchronous = NORMAL``. Each command runs in one transaction (``transaction``), so a failing command leaves the file as
it was. This is the same BEGIN/COMMIT/ROLLBACK as sqlite-utils' ``db.atomic()``, which the
migrations and bulk writes use; the plain version saves simple commands importing sqlite-utils
(about 100 ms of start-up).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from salespipe.domain.errors import SalespipeError

T = TypeVar("T")
ENV_VAR = "SALESPIPE_DB"
BUSY_TIMEOUT_S = 2.0  # then the command says it is waiting, and waits up to LONG_WAIT_S
LONG_WAIT_S = 300.0


class DbLocation(NamedTuple):
    path: Path
    reason: str  # for people: "from --db"
    source: str = "default"  # for `config show`: "flag --db", "environment SALESPIPE_DB", "file PATH"


def expand_path(text: str | Path) -> Path:
    """``~`` and ``~user`` expanded; an unknown user is a clear error, not a crash."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        raise SalespipeError(f"cannot expand {str(text)!r}: no such user's home folder") from None


def file_path(text: str) -> Path:
    """A database path as written, expanded; a folder (``newdir/``) is refused."""
    from salespipe.domain.paths import folder_words

    why = folder_words(text, "salespipe.db")
    if why:
        raise SalespipeError(f"database path {why}")
    return expand_path(text)


def resolve_path(
    flag: str | None, environ: Mapping[str, str] = os.environ, configured: tuple[str, Path] | None = None
) -> DbLocation:
    """``--db`` beats ``$SALESPIPE_DB`` beats the config file's ``database`` (``configured``:
    the path as written and the config file) beats ``$XDG_DATA_HOME/salespipe/salespipe.db``."""
    if flag is not None:
        if not flag.strip():
            raise SalespipeError("--db needs a path to a database file")
        return DbLocation(file_path(flag), "from --db", "flag --db")
    if environ.get(ENV_VAR):
        return DbLocation(file_path(environ[ENV_VAR]), f"from ${ENV_VAR}", f"environment {ENV_VAR}")
    if configured:
        text, config_file = configured
        return DbLocation(file_path(text), f"from the config file {config_file}", f"file {config_file}")
    xdg = environ.get("XDG_DATA_HOME")
    if xdg:
        return DbLocation(Path(xdg) / "salespipe" / "salespipe.db", "from $XDG_DATA_HOME", "default ($XDG_DATA_HOME)")
    return DbLocation(
        Path.home() / ".local" / "share" / "salespipe" / "salespipe.db",
        "default (~/.local/share/salespipe; set --db, $SALESPIPE_DB or database in the config file to change)",
        "default",
    )


IN_PART = 500  # values bound in one IN (...) list, well under SQLite's limit


def parts(values: Iterable[T]) -> Iterator[list[T]]:
    """``values`` in lists small enough for one ``IN (...)``."""
    items = list(values)
    for start in range(0, len(items), IN_PART):
        yield items[start : start + IN_PART]


def marks(part: list[Any]) -> str:
    """The ``?, ?, ?`` of an ``IN (...)`` list for ``part``."""
    return ", ".join("?" * len(part))


def plain_rows(
    conn: sqlite3.Connection, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` as plain tuples: for the queries that read tens of thousands of rows
    by position (a ``sqlite3.Row`` per row costs about half a microsecond more, a third of such
    a query's time)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params).fetchall()


def wait_up_to(conn: sqlite3.Connection, seconds: float) -> None:
    """How long this connection waits for another writer before SQLite says "busy"."""
    conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")


def database_file(conn: sqlite3.Connection) -> Path | None:
    """The file behind ``conn`` (None for an in-memory database)."""
    name = conn.execute("PRAGMA database_list").fetchone()[2]
    return Path(name) if name else None


def prepare_bulk_write(conn: sqlite3.Connection) -> None:
    """For a long write (an import), once it holds the write lock: keep the growing indexes in
    a bigger page cache (32 MB at most, this connection only), and wait long on busy pages."""
    wait_up_to(conn, LONG_WAIT_S)
    conn.execute("PRAGMA cache_size = -32768")


@contextmanager
def foreign_keys_unchecked(conn: sqlite3.Connection, wanted: bool) -> Iterator[None]:
    """For a bulk write whose every reference is made by itself (the staged import: the new
    leads' events, estimates, organisations and people, all numbered in its own transaction):
    foreign keys are not looked up row by row while it runs (0.25 s of a 100k-row import),
    and are enforced again for every write after it. Set outside the transaction (SQLite ignores the pragma inside
    one) and for this connection only: a crash leaves nothing of it. The writer checks what it
    did not make itself (the stages: ``import_staged``), and nothing in it may rely on a
    foreign key's action (the journal's pruning deletes its rows itself)."""
    if not wanted or conn.in_transaction:
        yield
        return
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


@contextmanager
def rollback_journal(conn: sqlite3.Connection, wanted: bool) -> Iterator[None]:
    """For a bulk write into an empty database: the rollback journal instead of WAL while it
    runs, so that each page is written once (WAL writes it twice: to the log, then back into
    the file), with ``synchronous = FULL`` as the rollback journal needs. WAL comes back after.
    A crash in between leaves a hot journal, which SQLite rolls back at the next open, and
    ``connect`` puts WAL back. When another connection has the file open, WAL stays."""
    if not wanted or conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        yield
        return
    try:
        switched = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    except sqlite3.OperationalError:  # another connection (a viewer, the sqlite3 shell) has it open
        switched = False
    if switched:
        conn.execute("PRAGMA synchronous = FULL")
    try:
        yield
    finally:
        if switched:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")


def _keep_wal(conn: sqlite3.Connection) -> None:
    """A database left in rollback-journal mode by an import that did not finish (see
    ``rollback_journal``) goes back to WAL; if another connection holds it, later."""
    if conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            pass  # an import is running: it puts WAL back itself


def _refuse_side_file(path: Path) -> None:
    """``p.db-wal`` is part of ``p.db``: never a database of its own."""
    for side in ("-wal", "-shm", "-journal"):
        if path.name.endswith(side) and path.with_name(path.name[: -len(side)]).exists():
            raise SalespipeError(
                f"{str(path)!r} belongs to the database {path.name[: -len(side)]!r}; give --db the database file itself"
            )


def _create_private_file(path: Path) -> None:
    """The database file, 0600, in a folder that is made 0700 if salespipe creates it."""
    try:
        missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
        path.parent.mkdir(parents=True, exist_ok=True)
        for folder in missing:
            os.chmod(folder, 0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise SalespipeError(f"cannot create database {str(path)!r}: {exc.strerror}") from None


def connect(path: Path | str, *, create: bool = True, on_wait: Callable[[], None] | None = None) -> sqlite3.Connection:
    """Open (creating with mode 0600 if needed and ``create``) and migrate the database at
    ``path``. A file that is not a salespipe database is refused and left untouched. While
    another salespipe creates the file (``_schema_version``), wait as a writer does
    (``begin_immediate``, ``on_wait``)."""
    path = Path(path)
    if str(path) != ":memory:":
        _refuse_side_file(path)
        if path.is_dir():
            raise SalespipeError(f"database path {str(path)!r} is a directory")
        if path.exists() and not path.is_file():  # SQLite would say "disk I/O error"
            raise SalespipeError(f"database path {str(path)!r} is not a file (a device, a pipe or a socket)")
        if not path.exists():
            if not create:
                raise SalespipeError(
                    f"there is no salespipe database at {str(path)!r}; check the path "
                    "(salespipe db path shows which is used), or add a lead to start one"
                )
            _create_private_file(path)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        version = _schema_version(conn, on_wait)  # the first statement that reads the file
        # WAL with synchronous=NORMAL: a commit is atomic and the file cannot be corrupted; a
        # power cut may lose the last commits, never half of one. Saves an fsync per command.
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        raise SalespipeError(f"cannot open database {str(path)!r}: {exc}") from None
    from salespipe.store.schema_version import SCHEMA_VERSION

    if version == 0:
        wait_up_to(conn, LONG_WAIT_S)  # another salespipe may be writing the new file's schema
        _refuse_foreign(conn, path)
    if version > SCHEMA_VERSION:
        raise SalespipeError(
            f"database {str(path)!r} has schema version {version}, newer than this salespipe "
            f"knows ({SCHEMA_VERSION}); upgrade salespipe"
        )
    if version < SCHEMA_VERSION or pending_migrations(conn):
        from salespipe.store.migrations import migrate

        wait_up_to(conn, LONG_WAIT_S)
        if version == 0:
            conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn)
        wait_up_to(conn, BUSY_TIMEOUT_S)
    else:
        _keep_wal(conn)
    return conn


def _schema_version(conn: sqlite3.Connection, on_wait: Callable[[], None] | None) -> int:
    """``PRAGMA user_version``. Reading it waits only while another process holds the file's
    exclusive lock: a salespipe committing the schema of a file it has just created (before
    the file is in WAL mode, a commit shuts readers out). After ``BUSY_TIMEOUT_S``, say so and
    wait up to ``LONG_WAIT_S``, as a writer waits for another (four commands starting on a new
    file at once, on a busy machine, made the later ones fail with "database is locked")."""
    try:
        return int(_waiting(conn, "PRAGMA user_version", on_wait).fetchone()[0])
    finally:
        wait_up_to(conn, BUSY_TIMEOUT_S)


def pending_migrations(conn: sqlite3.Connection) -> bool:
    """Whether a migration this salespipe knows is not recorded in the file (by name: see
    ``schema_version``); one small query."""
    from salespipe.store.schema_version import MIGRATIONS

    try:
        applied = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'salespipe'")}
    except sqlite3.OperationalError:  # a new file: no migration recorded yet
        return True
    return not applied.issuperset(MIGRATIONS)


def _refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """An empty file or a salespipe database (even half migrated) may be migrated; another
    application's SQLite file is refused before anything is written to it."""
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        ]
        ours = (
            "_sqlite_migrations" in tables
            and conn.execute("SELECT 1 FROM _sqlite_migrations WHERE migration_set = 'salespipe' LIMIT 1").fetchone()
        )
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise SalespipeError(f"cannot open database {str(path)!r}: {exc}") from None
    if tables and not ours:
        conn.close()
        shown = ", ".join(tables[:5]) + (" ..." if len(tables) > 5 else "")
        raise SalespipeError(
            f"{str(path)!r} is an SQLite file of another application (tables: {shown}); "
            "salespipe leaves it untouched: give --db a new file or a salespipe database"
        )


def begin_immediate(conn: sqlite3.Connection, on_wait: Callable[[], None] | None = None) -> None:
    """Take the write lock. While another salespipe holds it (a long import), wait: after
    ``BUSY_TIMEOUT_S`` call ``on_wait`` (to say so) and wait up to ``LONG_WAIT_S`` more."""
    _waiting(conn, "BEGIN IMMEDIATE", on_wait)


def _waiting(conn: sqlite3.Connection, statement: str, on_wait: Callable[[], None] | None) -> sqlite3.Cursor:
    """Run ``statement``; when the lock it needs is still held by another process after
    ``BUSY_TIMEOUT_S``, call ``on_wait`` and run it again, waiting up to ``LONG_WAIT_S``."""
    try:
        return conn.execute(statement)
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
    if on_wait:
        on_wait()
    wait_up_to(conn, LONG_WAIT_S)
    return conn.execute(statement)


@contextmanager
def transaction(conn: sqlite3.Connection, on_wait: Callable[[], None] | None = None) -> Iterator[sqlite3.Connection]:
    """One command, one transaction: commit on success, roll back on any exception."""
    begin_immediate(conn, on_wait)
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
