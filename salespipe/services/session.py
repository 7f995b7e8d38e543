"""A command's unit of work: the database opened, and (for a change) one transaction,
journaled for ``salespipe undo`` under the command line that made it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def unit_of_work(
    path: Path,
    *,
    write: bool,
    create: bool,
    journal_as: str | None,
    now: str,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[sqlite3.Connection]:
    """Open ``path``; with ``write``, the body runs as one transaction (all or nothing), and
    with ``journal_as`` (the command line) its changes are recorded for undo. A reading
    command never creates a database (``create``)."""
    from salespipe.store.db import connect, transaction

    conn = connect(path, create=create, on_wait=on_wait)
    try:
        if write:
            with transaction(conn, on_wait=on_wait):
                if journal_as is not None:
                    from salespipe.store import journal

                    journal.begin(conn, journal_as, now)
                yield conn
                if journal_as is not None:
                    journal.end(conn)
        else:
            yield conn
    finally:
        conn.close()
