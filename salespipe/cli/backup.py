"""`salespipe backup` and `salespipe restore`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salespipe.cli.common import JsonOpt, database, database_path, emit_json, info, now


def backup(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(help="Where to write the copy (default: backups/ beside the database).", show_default=False),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Copy the database, consistent even while another salespipe writes (SQLite's online
    backup), checked before it is kept, 0600.

    Example: salespipe backup ~/salespipe-before-cleanup.db
    """
    from dataclasses import asdict

    from salespipe.services.backup import backup as make_backup
    from salespipe.services.backup import default_backup_path
    from salespipe.services.files import expand

    db = database_path(ctx)
    target = expand(file) if file else default_backup_path(db, now())
    with database(ctx, write=False) as conn:
        result = make_backup(conn, database=db, target=target)
    if json_:
        emit_json(asdict(result))
    else:
        info(f"Backed up {result.leads} lead(s) to {result.path} ({result.bytes:,} bytes).")
