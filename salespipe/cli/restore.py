"""`salespipe restore`: put a backup back in place of the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salespipe.cli.common import JsonOpt, database, database_path, emit_json, info, now


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A backup (or any salespipe database file).", show_default=False)],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Replace the database with a backup. The file is checked first (a salespipe database,
    intact, not newer than this salespipe); the current database is kept aside as a backup.

    Example: salespipe restore backups/salespipe-20261127-090000.db
    """
    import sys

    from salespipe.services.backup import check_restorable, default_backup_path
    from salespipe.services.backup import restore as do_restore
    from salespipe.services.files import expand

    source = expand(file)
    leads = check_restorable(source)
    if not yes:
        if not sys.stdin.isatty():
            raise typer.BadParameter(
                "restore replaces the database: add --yes to do it without a terminal", param_hint="--yes"
            )
        from salespipe.cli.common import confirm

        confirm(f"Replace the database with {source} ({leads} lead(s))?")
    db = database_path(ctx)
    moment = now()
    aside = default_backup_path(db, moment)
    aside = aside.with_name(aside.name.replace("salespipe-", "before-restore-", 1))
    with database(ctx, write=False, create=True) as conn:
        restored = do_restore(conn, database=db, source=source, aside=aside)
    with database(ctx, write=False):
        pass  # opening migrates a backup made by an older salespipe
    if json_:
        emit_json({"restored": str(source), "leads": restored, "previous": str(aside)})
    else:
        info(f"Restored {restored} lead(s) from {source}; the previous database is kept in {aside}.")
